import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJPushSimulator, type JPushSimulator } from '../src/datasources/jpush/simulator.js';
import { simulatorEnv } from '../src/datasources/simulator-env.js';
import { startTestApp, type TestApp } from './helpers.js';

// A real Redis, never a mock; the run's own database (TEST_REDIS_URL).
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describe("JPush's quota across replicas sharing Redis", () => {
  let jpush: JPushSimulator;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // A fresh app key per run (the shared quota is keyed by it), a quota of 2 calls per 2 s window.
    jpush = await startJPushSimulator({ appKey: randomBytes(12).toString('hex'), quota: 2, windowSeconds: 2 });
    const env = { ...simulatorEnv({ jpush }), REDIS_URL };
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await jpush?.close();
  });

  const funnel = (app: TestApp, id: string) => app.gql(`{ campaign(vendor: JPUSH, id: "${id}") { id funnel { target } } }`);

  it('what one replica learnt of the quota holds the other: a third call in a window of 2 waits for the reset on the other replica, never a 429', async () => {
    const base = 6_100_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
    // A spends the window's 2 calls: JPush's answers tell the shared quota nothing is left.
    // B has never called JPush, yet its call waits for the window instead of earning a 429.
    for (const [app, id] of [
      [a, base + 1],
      [a, base + 2],
      [b, base + 3],
    ] as const)
      expect((await funnel(app, String(id))).errors).toBeUndefined();
    expect(jpush.requestsTo('messages/detail')).toHaveLength(3);
    expect(jpush.replyStatuses.filter((status) => status === 429)).toEqual([]);
  });
});
