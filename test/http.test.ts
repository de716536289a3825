import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';

describe('GraphQL over HTTP conformance (graphql-http server audit)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('passes the audit: 0 error, 0 warn, >= 57 ok; the only notices are GETs CSRF prevention refuses', async () => {
    const results = await auditServer({ url: `${app.url}/graphql` });
    const count = (status: string): number => results.filter((result) => result.status === status).length;
    expect([count('error'), count('warn')]).toEqual([0, 0]);
    expect(count('ok')).toBeGreaterThanOrEqual(57);
    expect(results.filter((result) => result.status === 'notice').every((result) => /GET/.test(result.name))).toBe(true);
  });

  it('answers broken documents and unknown operation types as the caller’s mistake, never 5xx', async () => {
    const bodies = [
      '{"query":"{"}',
      '{"query":"{ campaign"}',
      '{"query":"mutation { x }"}',
      '{"query":"subscription { x }"}',
      '{"query":"query($v: Int!){ __typename(a: $v) }","variables":{"v":"x"}}',
      '{"query":1}',
      '[]',
      '{',
    ];
    for (const body of bodies) {
      for (const [accept, status] of [
        ['application/graphql-response+json', 400],
        ['application/json', 200],
      ] as const) {
        const response = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body,
        });
        expect([body, accept, response.status < 500]).toEqual([body, accept, true]);
        if (body.startsWith('{"query":"')) expect([body, accept, response.status]).toEqual([body, accept, status]);
      }
    }
    const codes = await Promise.all(['{', 'mutation { x }'].map(async (query) => (await app.gql(query)).errors?.[0]?.extensions?.code));
    expect(codes).toEqual(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('API keys', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_KEYS: 'key-one, key-two-longer' });
  });
  afterAll(() => app.close());

  const query = '{ __typename }';

  it('answers 401 UNAUTHENTICATED without a key or with a wrong one', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer nope' },
      { authorization: 'key-one' },
      { authorization: 'Bearer key-one-x' },
    ]) {
      const answer = await app.gql(query, {}, headers);
      expect(answer.status).toBe(401);
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 200 with any configured key', async () => {
    for (const key of ['key-one', 'key-two-longer']) {
      const answer = await app.gql(query, {}, { authorization: `Bearer ${key}` });
      expect(answer.status).toBe(200);
      expect(answer.data).toEqual({ __typename: 'Query' });
    }
  });

  it('keeps /health open and free of secrets', async () => {
    const response = await fetch(`${app.url}/health`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain('key-one');
  });
});

describe('CORS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CORS_ORIGINS: 'https://reports.example.com' });
  });
  afterAll(() => app.close());

  const preflight = (origin: string): Promise<Response> =>
    fetch(`${app.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it('lets an allowed origin call from a browser', async () => {
    const response = await preflight('https://reports.example.com');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://reports.example.com');
    expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
    const answer = await app.gql('{ __typename }', {}, { origin: 'https://reports.example.com' });
    expect(answer.status).toBe(200);
  });

  it('gives any other origin no CORS headers', async () => {
    const response = await preflight('https://evil.example.net');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example.net', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps CSRF prevention on: a simple GET without a preflight header is refused', async () => {
    const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    const allowed = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await allowed.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('production switches', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'false' });
  });
  afterAll(() => app.close());

  it('turns introspection and GraphiQL off', async () => {
    const answer = await app.gql('{ __schema { queryType { name } } }');
    expect(answer.errors?.[0]?.message).toMatch(/introspection/i);
    const page = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    expect((await fetch(`${app.url}/graphiql/graphiql.js`)).status).toBe(404);
  });

  it('refuses alias floods before running them (graphql-armor)', async () => {
    const aliases = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: _service { sdl }`).join(' ')} }`;
    // MAX_IDS_PER_REQUEST (1000) + 50 aliases are allowed: aliased `campaign` fields are legitimate batching.
    expect((await app.gql(aliases(1050))).status).toBe(200);
    const refused = await app.gql(aliases(1051));
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.message).toMatch(/aliases/i);
  });
});
