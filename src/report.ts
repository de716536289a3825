import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';

/** Where `npm run build:report` (report/build.ts) puts the page; the same path from src/ and dist/. */
const REPORT_DIST = new URL('../report/dist/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The page may load only its own files and call only this server: no CDN, nothing from outside
 * the machine, even if a bug tried. ECharts sets inline styles on its elements, hence 'unsafe-inline'
 * for styles only.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Built file names are content-hashed (`app-<hash>.js`), so browsers may keep them for good. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;

function fileName(pathname: string): string | undefined {
  if (pathname === '/report' || pathname === '/report/') return 'index.html';
  const name = pathname.slice('/report/'.length);
  // Only plain names of files in the build directory: no subdirectories, no dot files, no traversal.
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes('..') && !name.endsWith('.gz') ? name : undefined;
}

async function readIfExists(url: URL): Promise<Buffer | undefined> {
  try {
    return await readFile(url);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Serves the campaign report page (GET/HEAD /report and /report/*) from report/dist/. The page
 * is static and carries no data; its GraphQL calls need an API key like any other client.
 * Files are read on each request, so a rebuild shows without a restart.
 */
export async function serveReport(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('method not allowed');
  }
  const name = fileName(pathname);
  const contentType = name ? CONTENT_TYPES[extname(name)] : undefined;
  if (!name || !contentType) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('not found');
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const compressed = gzip ? await readIfExists(new URL(`${name}.gz`, REPORT_DIST)) : undefined;
  const body = compressed ?? (await readIfExists(new URL(name, REPORT_DIST)));
  if (!body) {
    if (name === 'index.html') {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('The report page is not built yet: run `npm run build:report`.');
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('not found');
  }
  res.writeHead(200, {
    'content-type': contentType,
    'content-length': body.length,
    'cache-control': HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    vary: 'Accept-Encoding',
    ...(compressed ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
