import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { counterValue, startVendorFakes, type VendorFakes } from './vendor-fakes.js';

const TIMEOUT_MS = 300;
const ATTEMPTS = 3;
/** README "Worst-case time of a request": attempts × timeout + backoff (≤ 0.4 s + 0.8 s in our policy: 0.2 s base, doubled). */
const WORST_CASE_MS = ATTEMPTS * TIMEOUT_MS + 200 + 400;

describe('partial answers and vendor faults', () => {
  let fakes: VendorFakes;
  let app: TestApp;
  beforeAll(async () => {
    fakes = await startVendorFakes();
    app = await startTestApp({ ...fakes.env, VENDOR_TIMEOUT_MS: String(TIMEOUT_MS), CACHE_TTL_SECONDS: '0' });
  });
  afterAll(async () => {
    await app?.close();
    await fakes?.close();
  });
  afterEach(() => {
    fakes.jpush.server.clearFaults();
    fakes.aliyun.server.clearFaults();
  });

  const mixed = `{
    jpush: campaigns(vendor: JPUSH, ids: ["7500000001", "7500000002"]) { id funnel { target } }
    aliyun: campaigns(vendor: ALIYUN, ids: ["510427", "510433"]) { id funnel { target received clicked } }
  }`;

  it('answers Alibaba while JPush is down, with VENDOR_UNAVAILABLE on each JPush path', async () => {
    fakes.jpush.server.injectFault({ kind: 'status', status: 500 });
    const answer = await app.gql(mixed);
    expect(answer.data!.jpush).toEqual([null, null]);
    expect(answer.data!.aliyun).toEqual(
      ['510427', '510433'].map((id) => {
        const stat = fakes.aliyun.statOf(id)!;
        return { id, funnel: { target: stat.AcceptCount, received: stat.ReceivedCount, clicked: stat.OpenedCount } };
      }),
    );
    expect(answer.errors!.map((error) => [error.path!.join('.'), error.extensions!.code, error.extensions!.vendor])).toEqual([
      ['jpush.0', 'VENDOR_UNAVAILABLE', 'JPUSH'],
      ['jpush.1', 'VENDOR_UNAVAILABLE', 'JPUSH'],
    ]);
  });

  it('retries a flaky-once vendor and succeeds', async () => {
    fakes.jpush.server.injectFault({ kind: 'status', status: 502 }, { times: 1 });
    const before = fakes.jpush.requestsTo('messages/detail').length;
    const answer = await app.gql(mixed);
    expect(answer.errors).toBeUndefined();
    expect((answer.data!.jpush as unknown[]).length).toBe(2);
    expect(fakes.jpush.requestsTo('messages/detail').length - before).toBe(2);
  });

  it('answers a hanging vendor within the documented bound, with VENDOR_UNAVAILABLE', async () => {
    fakes.jpush.server.injectFault({ kind: 'hang' });
    const started = performance.now();
    const answer = await app.gql(mixed);
    const elapsed = performance.now() - started;
    expect(answer.errors!.map((error) => error.extensions!.code)).toEqual(['VENDOR_UNAVAILABLE', 'VENDOR_UNAVAILABLE']);
    expect(answer.errors![0]!.extensions!.vendorCode).toBe('TIMEOUT');
    expect((answer.data!.aliyun as unknown[]).length).toBe(2);
    expect(elapsed).toBeLessThan(WORST_CASE_MS + 1_000);
  });

  it('counts each operation once by what its answer came to: ok, partial (data and errors), error (no data)', async () => {
    const outcomes = async (): Promise<number[]> => {
      const text = await fetch(`${app.url}/metrics`).then((response) => response.text());
      return Promise.all(
        ['ok', 'partial', 'error'].map((outcome) => counterValue(text, 'pushgraph_graphql_operations_total', { outcome })),
      );
    };
    const before = await outcomes();
    await app.gql(mixed);
    fakes.jpush.server.injectFault({ kind: 'status', status: 500 });
    await app.gql(mixed);
    // Refused before execution, to a client that asked for application/json: 200 with errors first, still no data.
    const refused = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ campaign(vendor: JPUSH) { id } }' }),
    });
    expect([refused.status, Object.keys((await refused.json()) as object)]).toEqual([200, ['errors']]);
    const after = await outcomes();
    expect(after.map((count, index) => count - (before[index] ?? 0))).toEqual([1, 1, 1]);
  });

  it('turns an HTML error page into VENDOR_ERROR, never INTERNAL_SERVER_ERROR', async () => {
    fakes.aliyun.server.injectFault({ kind: 'html' }, { times: 1 });
    const answer = await app.gql('{ campaign(vendor: ALIYUN, id: "510441") { id funnel { target } } }');
    expect(answer.errors!.map((error) => [error.extensions!.code, error.extensions!.vendorCode])).toEqual([
      ['VENDOR_ERROR', 'MALFORMED_RESPONSE'],
    ]);
  });
});

describe('operation limits, before any vendor call', () => {
  let fakes: VendorFakes;
  let app: TestApp;
  beforeAll(async () => {
    fakes = await startVendorFakes();
    app = await startTestApp(fakes.env);
  });
  afterAll(async () => {
    await app?.close();
    await fakes?.close();
  });

  const vendorCalls = async (): Promise<number> =>
    counterValue(await fetch(`${app.url}/metrics`).then((response) => response.text()), 'pushgraph_vendor_calls_total');

  it('refuses 1,001 ids (a list and aliases counted together) with 0 vendor calls', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => String(7_600_000_000 + i));
    const answer = await app.gql(
      `query ($ids: [ID!]!) {
      campaigns(vendor: JPUSH, ids: $ids) { id }
      one: campaign(vendor: ALIYUN, id: "510427") { id }
    }`,
      { ids },
    );
    expect(answer.status).toBe(400);
    expect(answer.errors!.map((error) => error.extensions!.code)).toEqual(['BAD_USER_INPUT']);
    expect(await vendorCalls()).toBe(0);
    expect(fakes.jpush.server.requests).toHaveLength(0);
  });

  it('refuses 200 aliased deviceTrace fields (minutes of Tencent quota) with 0 vendor calls', async () => {
    const traces = Array.from(
      { length: 200 },
      (_, i) => `t${i}: deviceTrace(taskId: "task-${i}", userId: "user-${i}") { instanceId }`,
    ).join('\n');
    const answer = await app.gql(`{ ${traces} }`);
    expect(answer.status).toBe(400);
    expect(answer.errors!.map((error) => error.extensions!.code)).toEqual(['BAD_USER_INPUT']);
    expect(fakes.tencent.requests).toHaveLength(0);
  });

  it('still answers 120 aliased campaign fields, in 2 JPush calls', async () => {
    const aliases = Array.from(
      { length: 120 },
      (_, i) => `c${i}: campaign(vendor: JPUSH, id: "${7_700_000_000 + i}") { id funnel { target } }`,
    ).join('\n');
    const answer = await app.gql(`{ ${aliases} }`);
    expect(answer.errors).toBeUndefined();
    expect(Object.keys(answer.data!)).toHaveLength(120);
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(2);
  });

  it('lets a gateway send 1,000 representations in one _entities', async () => {
    const representations = Array.from({ length: 1000 }, (_, i) => ({
      __typename: 'Campaign',
      vendor: 'JPUSH',
      id: String(7_800_000_000 + i),
    }));
    const before = fakes.jpush.requestsTo('messages/detail').length;
    const answer = await app.gql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id } } }', {
      r: representations,
    });
    expect(answer.errors).toBeUndefined();
    expect((answer.data!._entities as unknown[]).length).toBe(1000);
    expect(fakes.jpush.requestsTo('messages/detail').length - before).toBe(10);
  });

  const hoursAgo = (hours: number): string => new Date(Date.now() - hours * 3_600_000).toISOString();

  it('refuses 1 Tencent campaign asked over 40 different windows (41 statistics calls) with 0 vendor calls', async () => {
    const windows = Array.from(
      { length: 40 },
      (_, i) => `w${i}: funnel(since: "${hoursAgo(i + 2)}", until: "${hoursAgo(1)}") { target }`,
    ).join('\n');
    const answer = await app.gql(`{ campaign(vendor: TENCENT, id: "window-task-1") { id ${windows} } }`);
    expect(answer.status).toBe(400);
    expect(answer.errors!.map((error) => error.extensions!.code)).toEqual(['BAD_USER_INPUT']);
    expect(answer.errors![0]!.message).toBe(
      "This operation would spend 41 s of TENCENT's call quota; the limit is 30 s (MAX_QUOTA_SECONDS_PER_REQUEST). Split it into smaller operations.",
    );
    expect(fakes.tencent.requests).toHaveLength(0);
  });

  it('still answers 1 Tencent campaign over 3 windows: 3 statistics calls and 1 loss call', async () => {
    const answer = await app.gql(`{
      campaign(vendor: TENCENT, id: "window-task-2") {
        id
        a: funnel(since: "${hoursAgo(5)}") { target }
        b: channels(since: "${hoursAgo(3)}", until: "${hoursAgo(1)}") { channel }
        lossReasons { errorCode }
      }
    }`);
    expect(answer.errors).toBeUndefined();
    expect(fakes.tencent.requests.filter((request) => request.path.endsWith('all_member_push_statistics'))).toHaveLength(3);
    expect(fakes.tencent.requests.filter((request) => request.path.endsWith('all_member_push_loss'))).toHaveLength(1);
  });

  it('refuses 1,000 deliveryStatus fields × 1,000 registration ids (a million ids) with 0 vendor calls', async () => {
    const registrationIds = Array.from({ length: 1000 }, (_, i) => `1a0018970a${String(i).padStart(6, '0')}`);
    const aliases = Array.from(
      { length: 1000 },
      (_, i) => `s${i}: deliveryStatus(msgId: "7500000001", registrationIds: $r) { status }`,
    ).join('\n');
    const answer = await app.gql(`query ($r: [ID!]!) { ${aliases} }`, { r: registrationIds });
    expect(answer.status).toBe(400);
    expect(answer.errors![0]!.message).toBe('This operation asks for 1000000 ids; the limit is 1000 (MAX_IDS_PER_REQUEST).');
    expect(fakes.jpush.requestsTo('status/message')).toHaveLength(0);
  });

  it('counts deliveryStatus registration ids toward MAX_IDS_PER_REQUEST: 2 × 600 refused, 1 × 3 answered in 1 call', async () => {
    const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `1a0018970a${String(i).padStart(6, '0')}`);
    const refused = await app.gql(
      'query ($r: [ID!]!) { a: deliveryStatus(msgId: "7500000001", registrationIds: $r) { status } b: deliveryStatus(msgId: "7500000002", registrationIds: $r) { status } }',
      { r: ids(600) },
    );
    expect(refused.errors![0]!.message).toBe('This operation asks for 1200 ids; the limit is 1000 (MAX_IDS_PER_REQUEST).');
    expect(fakes.jpush.requestsTo('status/message')).toHaveLength(0);
    const answered = await app.gql('query ($r: [ID!]!) { deliveryStatus(msgId: "7500000001", registrationIds: $r) { registrationId } }', {
      r: ids(3),
    });
    expect(answered.errors).toBeUndefined();
    expect(answered.data!.deliveryStatus).toHaveLength(3);
    expect(fakes.jpush.requestsTo('status/message')).toHaveLength(1);
  });
});
