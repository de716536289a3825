import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A real, private redis-server we may stop and start again (the shared one must stay up). */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => 50 });
  probe.on('error', () => undefined); // refused until the server is up: expected
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  return child;
}

const until = async (condition: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('Redis going away and coming back', () => {
  let port: number;
  let redis: ChildProcess;
  let app: App;
  const lines: string[] = [];
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    app = await startApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}/0`, DATA_DIR: 'memory://' }, port: 0, logger: pino({ level: 'info' }, logs) });
  });
  afterAll(async () => {
    await app?.close();
    redis?.kill('SIGKILL');
  });

  const ask = async (id: string): Promise<{ data?: { campaign: { id: string } | null }; errors?: unknown[] }> =>
    (await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ campaign(vendor: JPUSH, id: "${id}") { id funnel { target } } }` }),
    })).json() as Promise<{ data?: { campaign: { id: string } | null }; errors?: unknown[] }>;
  const redisUp = async (): Promise<boolean> => /^pushgraph_redis_up 1$/m.test(await (await fetch(`${app.url}/metrics`)).text());
  const said = (text: string): number => lines.filter((line) => line.includes(text)).length;

  it('keeps answering, logs the outage once, and resumes sharing when Redis returns', async () => {
    await until(redisUp);
    expect((await ask('8100000001')).data?.campaign?.id).toBe('8100000001');

    redis.kill('SIGKILL');
    await until(async () => !(await redisUp()));
    for (const id of ['8100000002', '8100000003', '8100000002']) {
      const answer = await ask(id);
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.campaign?.id).toBe(id);
    }
    expect(said('redis unavailable')).toBe(1);
    // Tencent's shared slot queue is away too: this replica serves its own queue, at its local pace.
    const tencent = (await (
      await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ a: campaign(vendor: TENCENT, id: "outage-1") { id } b: campaign(vendor: TENCENT, id: "outage-2") { id } }' }),
      })
    ).json()) as { data?: { a: { id: string }; b: { id: string } }; errors?: unknown[] };
    expect(tencent.errors).toBeUndefined();
    expect(tencent.data).toEqual({ a: { id: 'outage-1' }, b: { id: 'outage-2' } });

    redis = await startRedis(port);
    await until(redisUp);
    expect(said('redis is back')).toBe(1);
    await ask('8100000004');
    const direct = new Redis({ port });
    try {
      await until(async () => (await direct.keys('pushgraph:answer:*')).some((key) => key.endsWith(':8100000004')));
    } finally {
      direct.disconnect();
    }
  });
});
