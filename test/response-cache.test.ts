import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { counterValue, startVendorFakes, type VendorFakes } from './vendor-fakes.js';

// A real Redis (127.0.0.1:6379, started by .ci/run when missing), never a mock.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
// The Redis tests count stored answers: a database of their own, which no other test file writes.
const OWN_REDIS = new URL(REDIS_URL);
OWN_REDIS.pathname = '/14';
const OWN_REDIS_URL = OWN_REDIS.toString();
const run = Date.now() % 1_000_000;
let next = 0;
/** JPush msg_ids no other test (or run) asks: every test starts with cold caches. */
const freshIds = (count: number): string[] => Array.from({ length: count }, () => `${9_200_000_000 + run * 100 + next++}`);
const funnels = (ids: string[]): string => `{ campaigns(vendor: JPUSH, ids: ${JSON.stringify(ids)}) { id funnel { target clicked } } }`;

interface Answer {
  status: number;
  /** The `age` header: present only on an answer served from the response cache. */
  age: string | null;
  cacheControl: string | null;
  body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

async function post(app: TestApp, query: string, key?: string): Promise<Answer> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    age: response.headers.get('age'),
    cacheControl: response.headers.get('cache-control'),
    body: await response.json(),
  };
}

const lookups = async (app: TestApp, outcome: 'hit' | 'miss'): Promise<number> =>
  counterValue(await (await fetch(`${app.url}/metrics`)).text(), 'pushgraph_response_cache_lookups_total', { outcome });

describe('the response cache, in process', () => {
  let fakes: VendorFakes;
  let app: TestApp;
  beforeAll(async () => {
    fakes = await startVendorFakes();
    app = await startTestApp({ ...fakes.env, API_KEYS: 'key-a,key-b' });
  });
  afterAll(async () => {
    await app?.close();
    await fakes?.close();
  });

  it('stores an answer on its second ask, and serves the third whole from the response cache, identical, with one vendor call', async () => {
    const query = funnels(freshIds(3));
    const first = await post(app, query, 'key-a');
    expect(first.body.errors).toBeUndefined();
    expect(first.age).toBeNull();
    const calls = fakes.jpush.requestsTo('messages/detail').length;
    // Computed again (from the vendor-answer cache, no call), and now stored: it was asked before.
    const second = await post(app, query, 'key-a');
    expect(second.age).toBeNull();
    const [hits, misses] = [await lookups(app, 'hit'), await lookups(app, 'miss')];
    const third = await post(app, query, 'key-a');
    expect(third.body).toEqual(first.body);
    expect(third.age).not.toBeNull();
    expect(third.cacheControl).toBe(first.cacheControl);
    expect(third.cacheControl).toMatch(/private/);
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(calls);
    expect(await lookups(app, 'hit')).toBe(hits + 1);
    expect(await lookups(app, 'miss')).toBe(misses);
  });

  it('never hands one API key the answer cached for another', async () => {
    const query = funnels(freshIds(2));
    const a = await post(app, query, 'key-a');
    const hits = await lookups(app, 'hit');
    const b = await post(app, query, 'key-b');
    // The same figures (from the shared vendor-answer cache), but computed for key-b, not served from key-a's entry.
    expect(b.body).toEqual(a.body);
    expect(b.age).toBeNull();
    expect(await lookups(app, 'hit')).toBe(hits);
    expect((await post(app, query, 'key-b')).age).not.toBeNull();
    expect(await lookups(app, 'hit')).toBe(hits + 1);
  });

  it('does not cache an answer with errors: the next ask goes to the vendor again', async () => {
    const query = funnels(freshIds(2));
    fakes.jpush.failNext({ status: 400, code: 3007, message: 'Illegal parameter', endpoint: 'messages/detail' });
    const before = fakes.jpush.requestsTo('messages/detail').length;
    const failed = await post(app, query, 'key-a');
    expect(failed.body.errors?.map((error) => error.extensions?.code)).toContain('VENDOR_ERROR');
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(before + 1);
    const retried = await post(app, query, 'key-a');
    expect(retried.age).toBeNull();
    expect(retried.body.errors).toBeUndefined();
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(before + 2);
  });

  it('never caches a mutation', async () => {
    const mutation = `mutation { trackCampaigns(campaigns: [{ vendor: JPUSH, id: "${freshIds(1)[0]}" }]) { id } }`;
    await post(app, mutation, 'key-a');
    expect((await post(app, mutation, 'key-a')).age).toBeNull();
  });
});

describe('the response cache, shared through Redis', () => {
  let fakes: VendorFakes;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    fakes = await startVendorFakes();
    [a, b] = await Promise.all([
      startTestApp({ ...fakes.env, REDIS_URL: OWN_REDIS_URL }),
      startTestApp({ ...fakes.env, REDIS_URL: OWN_REDIS_URL }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await fakes?.close();
  });

  it('serves on replica B the whole answer replica A computed', async () => {
    const query = funnels(freshIds(3));
    const first = await post(a, query);
    expect(first.body.errors).toBeUndefined();
    // The plugin writes in the background: once A itself is served from Redis, the entry is there.
    for (let i = 0; i < 50 && (await post(a, query)).age === null; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const calls = fakes.jpush.requestsTo('messages/detail').length;
    const second = await post(b, query);
    expect(second.age).not.toBeNull();
    expect(second.body).toEqual(first.body);
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(calls);
    expect(await lookups(b, 'hit')).toBeGreaterThanOrEqual(1);
  });

  it('stores nothing for an operation asked once: one-off operations cost no write', async () => {
    const redis = new Redis(OWN_REDIS_URL);
    const stored = async (): Promise<number> => (await redis.keys('pushgraph:response:*')).length;
    try {
      const query = funnels(freshIds(2));
      const before = await stored();
      expect((await post(a, query)).body.errors).toBeUndefined();
      // The plugin writes in the background: give a write the time it would take.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await stored()).toBe(before);
      await post(a, query);
      for (let i = 0; i < 50 && (await stored()) === before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await stored()).toBe(before + 1);
    } finally {
      redis.disconnect();
    }
  });
});
