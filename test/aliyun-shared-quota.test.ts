import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { startVendorFakes, type VendorFakes } from './vendor-fakes.js';

// A real Redis, never a mock; the run's own database (TEST_REDIS_URL).
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describe("Alibaba's 50 calls/s across replicas sharing Redis", () => {
  let fakes: VendorFakes;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // The fakes' AccessKey id is fresh per run: the shared window is keyed by it, so concurrent runs never meet.
    fakes = await startVendorFakes();
    const env = { ...fakes.env, REDIS_URL };
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await fakes?.close();
  });

  it('60 new MessageIds on each replica at once: 120 calls, 0 Throttling.User, 0 VENDOR_RATE_LIMITED', async () => {
    const base = 7_300_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;
    const ids = (offset: number): string[] => Array.from({ length: 60 }, (_, i) => String(base + offset + i * 2 + 1));
    const query = (list: string[]): string => `{ campaigns(vendor: ALIYUN, ids: ${JSON.stringify(list)}) { id funnel { target } } }`;
    const answers = await Promise.all([a.gql(query(ids(0))), b.gql(query(ids(500)))]);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const outcomes = fakes.aliyun.outcomes.map((outcome) => outcome.code);
    expect(outcomes).toHaveLength(120);
    expect(outcomes.filter((code) => code !== 'OK')).toEqual([]);
  });
});
