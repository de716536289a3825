import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../src/http/graphiql.js';
import { startTestApp, type TestApp } from './helpers.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const block = (language: string): string => {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(readme);
  if (!match?.[1]) throw new Error(`README has no ${language} block`);
  return match[1];
};

describe('README', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("shows the example query's real answer in demo mode", async () => {
    const answer = await app.gql(block('graphql'));
    expect({ data: answer.data }).toEqual(JSON.parse(block('json')));
    expect(answer.errors).toBeUndefined();
  });

  it('has the quick start exactly', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('uses the same demo ids as the GraphiQL example', () => {
    for (const id of ['1613113584', '1229760629', '269978303']) {
      expect(block('graphql')).toContain(id);
      expect(EXAMPLE_QUERY).toContain(id);
    }
  });

  it('names only paths that exist', () => {
    const paths = [...readme.matchAll(/`((?:src|test|schema|report|bench)\/[\w./<>-]*)`/g)].map((match) => match[1]!);
    const missing = paths.filter((path) => !path.includes('<')).filter((path) => {
      try {
        readFileSync(new URL(`../${path}`, import.meta.url));
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code !== 'EISDIR';
      }
    });
    expect(missing).toEqual([]);
  });
});
