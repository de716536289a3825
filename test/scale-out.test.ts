import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { counterValue, startVendorFakes, type VendorFakes } from './vendor-fakes.js';

// A real Redis (127.0.0.1:6379, started by .ci/run when missing), never a mock.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const run = Date.now().toString(36);

describe('two replicas sharing one Redis', () => {
  let fakes: VendorFakes;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    fakes = await startVendorFakes();
    [a, b] = await Promise.all([startTestApp({ ...fakes.env, REDIS_URL }), startTestApp({ ...fakes.env, REDIS_URL })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await fakes?.close();
  });

  const funnels = (ids: string[]): string =>
    `{ campaigns(vendor: TENCENT, ids: ${JSON.stringify(ids)}) { id funnel { target sent received clicked } } }`;

  it('fills Tencent calls from both replicas: 7 + 13 new TaskIDs leave in exactly ceil(20/5) = 4 statistics calls, no violation', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `scale-${run}-${i}`);
    const answers = await Promise.all([a.gql(funnels(ids.slice(0, 7))), b.gql(funnels(ids.slice(7)))]);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const statistics = fakes.tencent.callsTo('all_member_push_statistics');
    expect(statistics).toHaveLength(4);
    expect(fakes.tencent.violations()).toBe(0);
    const arrivals = statistics.map((request) => request.arrivedAt);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(1_000);
    // Every answer reached the replica that asked, with the fake's numbers.
    const byId = new Map(
      answers.flatMap((answer) => (answer.data!.campaigns as Array<{ id: string; funnel: { target: number } }>).map((c) => [c.id, c])),
    );
    for (const id of ids) expect(byId.get(id)!.funnel.target).toBe(fakes.tencent.task(id).statistics.TotalCount);
  });

  it("tells both replicas the vendor's refusal of a shared call, with its code", async () => {
    const ids = [`refused-${run}-a`, `refused-${run}-b`];
    // A call just left, so both replicas' ids wait for the next slot and share its call.
    await a.gql(funnels([`refused-${run}-first`]));
    // 70001 is not transient: the one call carrying both replicas' ids fails once for everyone.
    fakes.tencent.failNext('all_member_push_statistics', 70001);
    const before = fakes.tencent.callsTo('all_member_push_statistics').length;
    const answers = await Promise.all([a.gql(funnels(ids.slice(0, 1))), b.gql(funnels(ids.slice(1)))]);
    expect(fakes.tencent.callsTo('all_member_push_statistics')).toHaveLength(before + 1);
    for (const answer of answers) {
      expect(answer.errors?.map((error) => [error.extensions?.code, error.extensions?.vendor, error.extensions?.vendorCode])).toEqual([
        ['VENDOR_ERROR', 'TENCENT', '70001'],
      ]);
    }
  });

  it('answers on replica B what replica A fetched, with 0 vendor calls', async () => {
    const ids = Array.from({ length: 3 }, (_, i) => `${9_100_000_000 + (Number.parseInt(run, 36) % 1_000_000)}${i}`);
    const query = `{ campaigns(vendor: JPUSH, ids: ${JSON.stringify(ids)}) { id funnel { target clicked } } }`;
    const first = await a.gql(query);
    const calls = fakes.jpush.requestsTo('messages/detail').length;
    expect(calls).toBeGreaterThan(0);
    const second = await b.gql(query);
    expect(second.data).toEqual(first.data);
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(calls);
  });

  it('keeps automatic persisted queries working across replicas (their cache is in Redis)', async () => {
    const query = `{ campaign(vendor: ALIYUN, id: "510427") { id availability } } # ${run}`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const post = (app: TestApp, body: object): Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }> =>
      fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json(),
      );
    expect((await post(b, { extensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(a, { query, extensions });
    expect(registered.errors).toBeUndefined();
    expect(await post(b, { extensions })).toEqual(registered);
  });

  it('shows vendor calls and ids per call moving in /metrics', async () => {
    const metrics = (app: TestApp): Promise<string> => fetch(`${app.url}/metrics`).then((response) => response.text());
    const before = await metrics(a);
    const ids = Array.from({ length: 150 }, (_, i) => String(8_200_000_000 + (Number.parseInt(run, 36) % 100_000) * 1000 + i));
    await a.gql(`{ campaigns(vendor: JPUSH, ids: ${JSON.stringify(ids)}) { id } }`);
    const after = await metrics(a);
    const calls = (text: string): Promise<number> =>
      counterValue(text, 'pushgraph_vendor_calls_total', { vendor: 'JPUSH', endpoint: 'messages/detail', outcome: 'ok' });
    expect((await calls(after)) - (await calls(before))).toBe(2);
    const idsSum = (text: string): Promise<number> => counterValue(text, 'pushgraph_vendor_ids_per_call_sum', { vendor: 'JPUSH' });
    expect((await idsSum(after)) - (await idsSum(before))).toBe(150);
    expect(after).toMatch(/^pushgraph_redis_up 1$/m);
  });
});

describe('Redis unreachable', () => {
  it('still starts and answers, from the in-process cache', async () => {
    const app = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    try {
      const query = '{ campaign(vendor: JPUSH, id: "1613113584") { id funnel { target } } }';
      const answer = await app.gql(query);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toMatchObject({ campaign: { id: '1613113584' } });
      const health = await fetch(`${app.url}/health`);
      expect(health.status).toBe(200);
      const again = await app.gql(query);
      expect(again.data).toEqual(answer.data);
      expect(
        await counterValue(await fetch(`${app.url}/metrics`).then((r) => r.text()), 'pushgraph_cache_lookups_total', { outcome: 'hit' }),
      ).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
