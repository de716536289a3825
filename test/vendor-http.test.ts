import { pino } from 'pino';
import { z } from 'zod/v4';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, VendorError } from '../src/errors.js';
import { startFakeServer, type FakeServer } from '../src/datasources/fake-server.js';
import { parseVendorJson, RetryBudget, VendorHttp, type VendorCall } from '../src/datasources/http.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';

const Answer = z.object({ value: z.number() });

function client(options: Partial<ConstructorParameters<typeof VendorHttp>[0]> = {}): VendorHttp {
  return new VendorHttp({
    vendor: 'JPUSH',
    timeoutMs: 200,
    logger: createLogger({ level: 'silent' }),
    metrics: new Metrics(),
    retry: { baseDelayMs: 5, maxDelayMs: 10 },
    ...options,
  });
}

function call(fake: FakeServer): VendorCall<{ value: number }> {
  return {
    endpoint: 'thing',
    request: () => ({ url: `${fake.url}/thing` }),
    parse: (response) => {
      if (response.status !== 200) throw new VendorError('JPUSH', ErrorCode.VENDOR_ERROR, 'no', { status: response.status });
      return parseVendorJson('JPUSH', response, Answer);
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<VendorError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VendorError);
  return error as VendorError;
}

describe('VendorHttp, the shared vendor HTTP layer', () => {
  let fake: FakeServer;
  afterEach(() => fake.close());

  it('answers through parse', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 7 } }));
    expect(await client().call(call(fake))).toEqual({ value: 7 });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a flaky-once 500 and succeeds', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 1 } }));
    fake.injectFault({ kind: 'status', status: 500 }, { times: 1 });
    expect(await client().call(call(fake))).toEqual({ value: 1 });
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up on a hanging vendor after attempts × timeout with VENDOR_UNAVAILABLE', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 1 } }));
    fake.injectFault({ kind: 'hang' });
    const error = await failure(client().call(call(fake)));
    expect(error.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'JPUSH', vendorCode: 'TIMEOUT' });
    expect(fake.requests).toHaveLength(3);
  });

  it('never retries a vendor refusal (4xx)', async () => {
    fake = await startFakeServer(() => ({ status: 400, body: {} }));
    const error = await failure(client().call(call(fake)));
    expect(error.extensions).toMatchObject({ code: 'VENDOR_ERROR', status: 400 });
    expect(fake.requests).toHaveLength(1);
  });

  it('turns an HTML error page or off-shape JSON into VENDOR_ERROR, not a crash', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 1 } }));
    fake.injectFault({ kind: 'html' }, { times: 1 });
    fake.injectFault({ kind: 'malformed' }, { times: 1 });
    const http = client();
    for (let i = 0; i < 2; i++) {
      const error = await failure(http.call(call(fake)));
      expect(error.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendorCode: 'MALFORMED_RESPONSE' });
    }
    expect(fake.requests).toHaveLength(2);
  });

  it('opens the circuit after consecutive outages and answers without calling', async () => {
    fake = await startFakeServer(() => ({ status: 503, body: 'down' }));
    const http = client({ retry: { attempts: 1 }, breakerThreshold: 3, breakerHalfOpenAfterMs: 60_000 });
    for (let i = 0; i < 3; i++) await failure(http.call(call(fake)));
    const open = await failure(http.call(call(fake)));
    expect(open.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendorCode: 'CIRCUIT_OPEN' });
    expect(fake.requests).toHaveLength(3);
  });

  it('stops retrying once the retry budget is spent', async () => {
    fake = await startFakeServer(() => ({ status: 500, body: 'down' }));
    const http = client({ breakerThreshold: 1_000 });
    for (let i = 0; i < 6; i++) await failure(http.call(call(fake)));
    // 10-token bucket, retries only above half: 5 retries in total, then each call goes once.
    expect(fake.requests).toHaveLength(6 + 5);
  });
});

describe('VendorHttp against a hostile vendor', () => {
  let fake: FakeServer;
  afterEach(() => fake.close());

  it('cuts every credential out of an echoed request before it reaches the error or a log line', async () => {
    const secret = 'master-secret-0123456789';
    const basic = Buffer.from(`appkey-abcdef:${secret}`).toString('base64');
    const usersig = 'eJyrVgrxCdYrSy1SslIyUqoFAFRjBm0=';
    fake = await startFakeServer(() => ({ status: 200, body: { value: 1 } }));
    fake.injectFault({ kind: 'echo', reply: (echo) => ({ status: 400, body: { error: { message: echo } } }) });
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const http = client({ logger, secrets: [secret] });
    const error = await failure(
      http.call({
        endpoint: 'thing',
        request: () => ({
          url: `${fake.url}/thing?usersig=${encodeURIComponent(usersig)}&x=1`,
          headers: { authorization: `Basic ${basic}` },
        }),
        parse: (response) => {
          const text = (JSON.parse(response.text) as { error: { message: string } }).error.message;
          throw new VendorError('JPUSH', ErrorCode.VENDOR_ERROR, `JPush said: ${text}`, { vendorMessage: text, status: response.status });
        },
      }),
    );
    expect(fake.requests).toHaveLength(1);
    // The echo did reach pushgraph (the test can fail), and left it with its credentials cut out.
    expect(error.detail.vendorMessage).toContain('authorization: [REDACTED]');
    expect(error.detail.vendorMessage).toContain('usersig=[REDACTED]&x=1');
    const printed = lines.join('');
    expect(printed).toContain('vendor call failed');
    for (const text of [error.message, JSON.stringify(error.extensions), printed]) {
      expect([secret, basic, usersig, encodeURIComponent(usersig)].filter((leak) => text.includes(leak))).toEqual([]);
    }
  });

  it('gives up on a huge body past maxBodyBytes with VENDOR_ERROR, memory flat, within the timeout', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 1 } }));
    fake.injectFault({ kind: 'huge', bytes: 1024 * 1024 * 1024 });
    const http = client({ timeoutMs: 5_000, maxBodyBytes: 16 * 1024 * 1024 });
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const error = await failure(http.call(call(fake)));
    const elapsed = performance.now() - started;
    const growth = process.memoryUsage().rss - rssBefore;
    expect(error.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendorCode: 'RESPONSE_TOO_LARGE', status: 200 });
    expect(fake.requests).toHaveLength(1);
    expect(elapsed).toBeLessThan(5_000);
    // 1 GiB offered; the cap is 16 MiB. Generous bound for the GC's slack.
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses at once a body whose Content-Length is over the cap', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 123456 } }));
    const error = await failure(client({ maxBodyBytes: 10 }).call(call(fake)));
    expect(error.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendorCode: 'RESPONSE_TOO_LARGE' });
  });

  it('counts the body read in VENDOR_TIMEOUT_MS: a body still streaming at the deadline is a TIMEOUT', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 1 } }));
    // 1 GiB read at loopback speed takes far longer than 50 ms; the cap is out of the way.
    fake.injectFault({ kind: 'huge', bytes: 1024 * 1024 * 1024 });
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 50, retry: { attempts: 1 }, maxBodyBytes: 2 * 1024 * 1024 * 1024 }).call(call(fake)));
    expect(error.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendorCode: 'TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('keeps at most maxConcurrency calls in flight; the others wait their turn', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: { value: 1 } }), { latencyMs: 30 });
    const http = client({ maxConcurrency: 3 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => http.call(call(fake))));
    expect(answers).toHaveLength(12);
    expect(fake.requests).toHaveLength(12);
    expect(fake.peakInFlight).toBe(3);
  });
});

describe('RetryBudget', () => {
  it('earns retries back with successes', () => {
    const budget = new RetryBudget(10, 0.5);
    for (let i = 0; i < 5; i++) expect(budget.trySpend()).toBe(true);
    expect(budget.trySpend()).toBe(false);
    budget.onSuccess();
    budget.onSuccess();
    expect(budget.trySpend()).toBe(true);
  });
});
