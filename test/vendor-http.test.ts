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
