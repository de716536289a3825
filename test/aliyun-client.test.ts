import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliyunClient } from '../src/datasources/aliyun/client.js';
import { startAliyunSimulator, type AliyunSimulator } from '../src/datasources/aliyun/simulator.js';
import { VendorHttp } from '../src/datasources/http.js';
import { Metrics } from '../src/metrics.js';

describe('Alibaba client logs', () => {
  let sim: AliyunSimulator;
  let lines: Array<Record<string, unknown>>;
  let raw: string;

  beforeEach(async () => {
    sim = await startAliyunSimulator();
    lines = [];
    raw = '';
  });
  afterEach(() => sim.close());

  function client(accessKeySecret: string): AliyunClient {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw += chunk.toString();
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const http = new VendorHttp({ vendor: 'ALIYUN', timeoutMs: 2_000, logger, metrics: new Metrics(), retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    // The endpoint's trailing slash must not double up: Alibaba signs the path "/".
    return new AliyunClient({ endpoint: `${sim.url}/`, credentials: { ...sim.credentials, accessKeySecret }, http, logger });
  }

  it("logs Alibaba's RequestId at warn for support tickets, and never the secret, the Signature or the signed URL", async () => {
    const secret = 'a-wrong-secret-that-must-not-leak';
    const failure: unknown = await client(secret).queryPushStatByMsg('510427').catch((error: unknown) => error);
    expect(failure).toMatchObject({
      extensions: { code: 'VENDOR_ERROR', vendorCode: 'SignatureDoesNotMatch', requestId: sim.outcomes[0]!.requestId },
    });
    const warned = lines.filter((line) => line.level === 40 && line.requestId === sim.outcomes[0]!.requestId);
    expect(warned.length).toBeGreaterThanOrEqual(1);
    expect(warned[0]).toMatchObject({ vendor: 'ALIYUN', messageId: '510427', vendorCode: 'SignatureDoesNotMatch', status: 400 });
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(sim.server.requests[0]!.query.get('Signature')!);
    expect(raw).not.toContain('Signature=');
    expect(raw).not.toContain(sim.url);
  });

  it('logs each throttled attempt with its RequestId before the retry succeeds', async () => {
    sim.failNext('Throttling.User');
    const answer = await client(sim.credentials.accessKeySecret).queryPushStatByMsg('510427');
    expect(answer.PushStats.PushStat).toHaveLength(1);
    expect(lines.filter((line) => line.level === 40).map((line) => [line.vendorCode, line.requestId])).toEqual([['Throttling.User', sim.outcomes[0]!.requestId]]);
    expect(sim.server.requests.map((request) => request.path)).toEqual(['/', '/']);
  });
});
