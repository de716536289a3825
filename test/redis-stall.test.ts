import { connect, createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';

// The real Redis (the run's own database), behind a proxy that can stop passing bytes while
// keeping the connections open: a Redis that stalls after connecting, never a mock.
const target = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');

/** A TCP proxy to Redis; while stalled it holds every byte in both directions, and delivers them on resume. */
async function stallingProxy(): Promise<{ port: number; stall(on: boolean): void; close(): Promise<void> }> {
  let stalled = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const pipe = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => (stalled ? held.push(() => to.write(chunk)) : to.write(chunk)));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stall(on) {
      stalled = on;
      if (!on) for (const deliver of held.splice(0)) deliver();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const until = async (condition: () => Promise<boolean>, ms: number): Promise<number> => {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
};

describe('a Redis that stalls with its connection open', () => {
  let proxy: Awaited<ReturnType<typeof stallingProxy>>;
  let app: App;
  const lines: string[] = [];
  beforeAll(async () => {
    proxy = await stallingProxy();
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const env = { REDIS_URL: `redis://127.0.0.1:${proxy.port}${target.pathname}`, DATA_DIR: 'memory://' };
    app = await startApp({ env, port: 0, logger: pino({ level: 'info' }, logs) });
  });
  afterAll(async () => {
    proxy?.stall(false);
    await app?.close();
    await proxy?.close();
  });

  const timedAsk = async (id: string): Promise<{ ms: number; id: string | undefined }> => {
    const started = performance.now();
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ campaign(vendor: JPUSH, id: "${id}") { id funnel { target } } }` }),
    });
    const body = (await response.json()) as { data?: { campaign?: { id: string } } };
    return { ms: performance.now() - started, id: body.data?.campaign?.id };
  };
  const redisUp = async (): Promise<boolean> => /^pushgraph_redis_up 1$/m.test(await (await fetch(`${app.url}/metrics`)).text());
  const said = (text: string): number => lines.filter((line) => line.includes(text)).length;

  it('is redis_up 0 within seconds, logged once, bypassed at normal speed, and rejoined when it answers', async () => {
    await until(redisUp, 5_000);
    const base = 8_300_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
    expect((await timedAsk(String(base + 1))).id).toBe(String(base + 1));

    proxy.stall(true);
    expect(await until(async () => !(await redisUp()), 5_000)).toBeLessThan(3_000);
    expect(said('redis unavailable')).toBe(1);
    // Bypassed: no request pays the 1 s command timeout any more.
    for (const offset of [2, 3, 4]) {
      const answer = await timedAsk(String(base + offset));
      expect(answer.id).toBe(String(base + offset));
      expect(answer.ms).toBeLessThan(500);
    }
    expect(said('redis unavailable')).toBe(1);

    proxy.stall(false);
    await until(redisUp, 5_000);
    expect(said('redis is back')).toBe(1);
  });
});
