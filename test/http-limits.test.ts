import { randomUUID } from 'node:crypto';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describe('rate limits shared by two replicas through Redis', () => {
  // Fresh keys per run: the counters live in a shared Redis.
  const busy = `busy-${randomUUID()}`;
  const quiet = `quiet-${randomUUID()}`;
  let replicas: TestApp[];
  beforeAll(async () => {
    const env = { REDIS_URL, RATE_LIMIT_PER_MINUTE: '20', API_KEYS: `${busy},${quiet}` };
    replicas = await Promise.all([startTestApp(env), startTestApp(env)]);
    // Until its Redis link is up a replica serves without counting (the limiter skips on Redis errors).
    for (const app of replicas) {
      while (!(await (await fetch(`${app.url}/metrics`)).text()).includes('pushgraph_redis_up 1'))
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(() => Promise.all(replicas.map((app) => app.close())));

  it('refuses a key after its 20th request whichever replica it hits; another key still answers', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push((await replicas[i % 2]!.gql('{ __typename }', {}, { authorization: `Bearer ${busy}` })).status);
    expect(statuses).toEqual(Array(20).fill(200));
    for (const app of replicas) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${busy}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    }
    expect((await replicas[1]!.gql('{ __typename }', {}, { authorization: `Bearer ${quiet}` })).status).toBe(200);
    expect((await fetch(`${replicas[0]!.url}/health`)).status).toBe(200);
    expect((await fetch(`${replicas[0]!.url}/metrics`)).status).toBe(200);
  });
});

describe('load shedding', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ MAX_EVENT_LOOP_DELAY_MS: '50' });
  });
  afterAll(() => app.close());

  it('answers a burst of heavy operations 200 or 503 + Retry-After OVERLOADED, and normally right after', async () => {
    // 1,000 aliases of the SDL: each one blocks the event loop for a while.
    const heavy = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: _service { sdl }`).join(' ')} }`;
    const answers = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const response = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: heavy }),
        });
        const body = (await response.json()) as { errors?: Array<{ extensions: { code: string } }> };
        return { status: response.status, retryAfter: response.headers.get('retry-after'), code: body.errors?.[0]?.extensions.code };
      }),
    );
    expect(answers.every((answer) => [200, 429, 503].includes(answer.status))).toBe(true);
    const shed = answers.filter((answer) => answer.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed.every((answer) => answer.code === 'OVERLOADED' && Number(answer.retryAfter) >= 1)).toBe(true);
    // Right after: as soon as the loop has caught up (one sample), a normal query answers.
    let status = 0;
    for (let tries = 0; tries < 50 && status !== 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await app.gql('{ __typename }')).status;
    }
    expect(status).toBe(200);
  });
});

describe('static assets', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers 304 to a matching If-None-Match, with nosniff', async () => {
    for (const name of ['graphiql.js', 'graphiql.css', 'react.js', 'start.js']) {
      const first = await fetch(`${app.url}/graphiql/${name}`);
      const etag = first.headers.get('etag');
      expect([name, first.status, first.headers.get('x-content-type-options'), etag === null]).toEqual([name, 200, 'nosniff', false]);
      await first.arrayBuffer();
      // node:http, not fetch: fetch adds `cache-control: no-cache` to a conditional request, which forbids a 304.
      const again = await new Promise<number>((resolve, reject) =>
        get(`${app.url}/graphiql/${name}`, { headers: { 'if-none-match': etag! } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject),
      );
      expect([name, again]).toEqual([name, 304]);
    }
    expect((await fetch(`${app.url}/graphiql/package.json`)).status).toBe(404);
  });
});
