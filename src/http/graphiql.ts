import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** The page's own start script; the same path from src/http/ and dist/http/. */
const STATIC_DIR = fileURLToPath(new URL('../../static/', import.meta.url));

/** GraphiQL and React from node_modules, so the IDE works on a machine without internet: URL name → file on disk. */
export const GRAPHIQL_ASSETS: Readonly<Record<string, string>> = {
  'react.js': join(packageDir('react'), 'umd/react.production.min.js'),
  'react-dom.js': join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.js': require.resolve('graphiql/graphiql.min.js'),
  'graphiql.css': require.resolve('graphiql/graphiql.min.css'),
  'start.js': join(STATIC_DIR, 'graphiql-start.js'),
};

/** The query GraphiQL opens with; its ids exist in the JPush simulator, so it answers in demo mode. */
export const EXAMPLE_QUERY = `# Three JPush campaigns in one vendor call. Press ▶ (or Ctrl-Enter) to run.
query CampaignFunnels {
  campaigns(vendor: JPUSH, ids: ["1613113584", "1229760629", "269978303"]) {
    vendor
    id
    availability
    funnel { target sent received displayed clicked }
    channels { channel platform messageType target sent received displayed clicked }
  }
}
`;

export function graphiqlPage(): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>pushgraph · GraphiQL</title>
    <link rel="stylesheet" href="/graphiql/graphiql.css" />
    <style>
      html, body { height: 100%; margin: 0; }
      body { display: flex; flex-direction: column; }
      #graphiql { flex: 1; min-height: 0; }
      .pushgraph-bar { padding: 6px 12px; font: 14px system-ui, sans-serif; border-bottom: 1px solid #d5dbe1; }
      .pushgraph-bar a { color: #0b5fa5; }
    </style>
  </head>
  <body>
    <nav class="pushgraph-bar" aria-label="pushgraph"><a href="/report">Campaign report</a>: funnels, channels and loss reasons as charts and tables</nav>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/react.js"></script>
    <script src="/graphiql/react-dom.js"></script>
    <script src="/graphiql/graphiql.js"></script>
    <script id="example-query" type="application/json">${JSON.stringify(EXAMPLE_QUERY).replaceAll('<', '\\u003c')}</script>
    <script src="/graphiql/start.js"></script>
  </body>
</html>
`;
}
