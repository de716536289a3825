import { afterEach, describe, expect, it } from 'vitest';
import { startAliyunSimulator, simulatedStat, type AliyunSimulator, type AliyunStatCounts } from '../src/datasources/aliyun/simulator.js';
import { signature } from '../src/datasources/aliyun/signature.js';
import type { Env } from '../src/config.js';
import { startApp } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { startTestApp, type TestApp } from './helpers.js';

const FIELDS = `id vendor availability
  funnel { target sent received displayed clicked dismissed }
  sms { sent receiveSuccess receiveFailed skipped failed }`;
const CAMPAIGNS = `query ($ids: [ID!]!) { campaigns(vendor: ALIYUN, ids: $ids) { ${FIELDS} } }`;

/** 20 MessageIds in the range real Alibaba ids live in (beyond 2^53: they must stay strings). */
const IDS = Array.from({ length: 20 }, (_, i) => String(8_157_121_163_532_902_401n + BigInt(i)));
const TODAY = IDS[7]!;

/** Exact figures per id; even ids are composite pushes with SMS fallback, odd ones have no Sms* fields. */
function statFor(index: number): AliyunStatCounts {
  const base = { AcceptCount: 10_000 + index, SentCount: 9_000 + index, ReceivedCount: 8_000 + index, OpenedCount: 700 + index, DeletedCount: 300 + index };
  if (index % 2 === 1) return base;
  return { ...base, SmsSentCount: 600 + index, SmsReceiveSuccessCount: 550 + index, SmsReceiveFailedCount: 50, SmsSkipCount: 40 + index, SmsFailedCount: index };
}

/** The contract's mapping, written out: what the GraphQL answer must say for these figures. */
function expectedCampaign(id: string, stat: AliyunStatCounts) {
  return {
    id,
    vendor: 'ALIYUN',
    availability: 'READY',
    funnel: { target: stat.AcceptCount, sent: stat.SentCount, received: stat.ReceivedCount, displayed: null, clicked: stat.OpenedCount, dismissed: stat.DeletedCount },
    sms:
      stat.SmsSentCount === undefined
        ? null
        : { sent: stat.SmsSentCount, receiveSuccess: stat.SmsReceiveSuccessCount, receiveFailed: stat.SmsReceiveFailedCount, skipped: stat.SmsSkipCount, failed: stat.SmsFailedCount },
  };
}

const PENDING = (id: string) => ({ id, vendor: 'ALIYUN', availability: 'PENDING', funnel: null, sms: null });

describe('Alibaba Cloud Push through the GraphQL API (simulator as a strict fake)', () => {
  let sim: AliyunSimulator;
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await sim.close();
  });

  /** A strict fake with latency (so concurrency shows), and the app pointed at it by the contract's variables. */
  async function start(env: Env = {}, latencyMs = 40): Promise<TestApp> {
    sim = await startAliyunSimulator({ latencyMs });
    IDS.forEach((id, index) => sim.setStat(id, statFor(index)));
    sim.pushedToday(TODAY);
    app = await startTestApp({
      ALIYUN_ACCESS_KEY_ID: sim.credentials.accessKeyId,
      ALIYUN_ACCESS_KEY_SECRET: sim.credentials.accessKeySecret,
      ALIYUN_PUSH_APP_KEY: sim.credentials.appKey,
      ALIYUN_PUSH_ENDPOINT: sim.url,
      ...env,
    });
    return app;
  }

  const expectedFor = (ids: string[]) => ids.map((id) => (id === TODAY ? PENDING(id) : expectedCampaign(id, statFor(IDS.indexOf(id)))));

  it('asks 20 ids in exactly 20 signed calls, 8 at most in flight, every figure as Alibaba reports it', async () => {
    const app = await start();
    expect(app.vendors.ALIYUN.get('default')?.mode).toBe('live');
    const answer = await app.gql(CAMPAIGNS, { ids: IDS });

    expect(answer.errors).toBeUndefined();
    expect(answer.data!.campaigns).toEqual(expectedFor(IDS));
    expect(sim.server.requests).toHaveLength(20);
    expect(sim.outcomes.map((outcome) => outcome.code)).toEqual(Array(20).fill('OK'));
    expect(sim.peakInFlight).toBeLessThanOrEqual(8);
    expect(sim.peakInFlight).toBeGreaterThan(1);

    const queries = sim.server.requests.map((request) => Object.fromEntries(request.query));
    expect(queries.map((query) => query.MessageId).sort()).toEqual([...IDS].sort());
    expect(new Set(queries.map((query) => query.SignatureNonce)).size).toBe(20);
    for (const query of queries) {
      expect(query).toMatchObject({
        Action: 'QueryPushStatByMsg',
        Version: '2016-08-01',
        RegionId: 'cn-hangzhou',
        Format: 'JSON',
        AppKey: sim.credentials.appKey,
        AccessKeyId: sim.credentials.accessKeyId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
      });
      expect(query.Timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(query.Signature).toBe(signature(query, sim.credentials.accessKeySecret));
    }
    expect(sim.server.requests.every((request) => request.method === 'GET' && request.path === '/')).toBe(true);
  });

  it('dedupes aliases and concurrent requests into one call per id, and answers a repeat from the cache', async () => {
    const app = await start();
    const twice = `query ($ids: [ID!]!) {
      a: campaigns(vendor: ALIYUN, ids: $ids) { ${FIELDS} }
      b: campaigns(vendor: ALIYUN, ids: $ids) { ${FIELDS} }
    }`;
    const [first, second] = await Promise.all([app.gql(twice, { ids: IDS }), app.gql(twice, { ids: IDS })]);
    for (const answer of [first, second]) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.a).toEqual(expectedFor(IDS));
      expect(answer.data!.b).toEqual(expectedFor(IDS));
    }
    expect(sim.server.requests).toHaveLength(20);

    const again = await app.gql(twice, { ids: IDS });
    expect(again.data!.a).toEqual(expectedFor(IDS));
    expect(sim.server.requests).toHaveLength(20);
  });

  it('keeps a message pushed today PENDING: funnel and sms null without an error', async () => {
    const app = await start();
    const answer = await app.gql(`{ campaign(vendor: ALIYUN, id: "${TODAY}") { ${FIELDS} channels { channel } lossReasons { errorCode } } }`);
    expect(answer).toEqual({ status: 200, data: { campaign: { ...PENDING(TODAY), channels: [], lossReasons: [] } } });
    expect(sim.server.requests).toHaveLength(1);
  });

  it('answers null for a MessageId Alibaba does not know, without an error, and caches that', async () => {
    const app = await start();
    sim.drop(IDS[3]!);
    const query = `{ campaigns(vendor: ALIYUN, ids: ["${IDS[2]}", "${IDS[3]}"]) { id } }`;
    expect(await app.gql(query)).toEqual({ status: 200, data: { campaigns: [{ id: IDS[2] }, null] } });
    expect(await app.gql(query)).toEqual({ status: 200, data: { campaigns: [{ id: IDS[2] }, null] } });
    expect(sim.server.requests).toHaveLength(2);
  });

  it('gives channels and lossReasons as empty lists (Alibaba has neither) at no extra call', async () => {
    const app = await start();
    const answer = await app.gql(`{ campaign(vendor: ALIYUN, id: "${IDS[0]}") { channels { channel } lossReasons { errorCode } } }`);
    expect(answer).toEqual({ status: 200, data: { campaign: { channels: [], lossReasons: [] } } });
    expect(sim.server.requests).toHaveLength(1);
  });

  it('reports a wrong secret as VENDOR_ERROR SignatureDoesNotMatch with the RequestId, never the secret', async () => {
    const wrongSecret = 'wrong-secret-0123456789abcdef';
    const app = await start({ ALIYUN_ACCESS_KEY_SECRET: wrongSecret });
    const answer = await app.gql(CAMPAIGNS, { ids: IDS.slice(0, 2) });

    expect(answer.data).toEqual({ campaigns: [null, null] });
    expect(answer.errors).toHaveLength(2);
    expect(answer.errors!.map((error) => error.path)).toEqual([
      ['campaigns', 0],
      ['campaigns', 1],
    ]);
    const requestIds = sim.outcomes.map((outcome) => outcome.requestId);
    for (const error of answer.errors!) {
      expect(error.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendor: 'ALIYUN', vendorCode: 'SignatureDoesNotMatch', status: 400 });
      expect(error.extensions!.vendorMessage).toMatch(/^Specified signature is not matched with our calculation\./);
      expect(requestIds).toContain(error.extensions!.requestId);
    }
    const text = JSON.stringify(answer);
    expect(text).not.toContain(wrongSecret);
    expect(text).not.toContain(sim.credentials.accessKeySecret);
    for (const request of sim.server.requests) expect(text).not.toContain(request.query.get('Signature'));
    // Not transient: no retry.
    expect(sim.outcomes.map((outcome) => outcome.code)).toEqual(['SignatureDoesNotMatch', 'SignatureDoesNotMatch']);
  });

  it('retries a throttled call (Throttling.User) and succeeds', async () => {
    const app = await start();
    sim.failNext('Throttling.User');
    const answer = await app.gql(CAMPAIGNS, { ids: [IDS[0]] });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.campaigns).toEqual(expectedFor([IDS[0]!]));
    expect(sim.outcomes.map((outcome) => outcome.code)).toEqual(['Throttling.User', 'OK']);
    // Each attempt is signed afresh: a reused nonce would be rejected.
    const nonces = sim.server.requests.map((request) => request.query.get('SignatureNonce'));
    expect(new Set(nonces).size).toBe(2);
  });

  it('gives VENDOR_RATE_LIMITED when throttling outlasts the retries (3 attempts)', async () => {
    const app = await start();
    sim.failNext('Throttling.Api', { times: 3 });
    const answer = await app.gql(`{ campaign(vendor: ALIYUN, id: "${IDS[0]}") { id } }`);
    expect(answer.data).toEqual({ campaign: null });
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'VENDOR_RATE_LIMITED', vendor: 'ALIYUN', vendorCode: 'Throttling.Api' });
    expect(sim.server.requests).toHaveLength(3);
  });

  it('retries a 5xx and succeeds', async () => {
    const app = await start();
    sim.failNext('ServiceUnavailable', { status: 503 });
    const answer = await app.gql(CAMPAIGNS, { ids: [IDS[1]] });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.campaigns).toEqual(expectedFor([IDS[1]!]));
    expect(sim.outcomes.map((outcome) => outcome.code)).toEqual(['ServiceUnavailable', 'OK']);
  });

  it('turns a malformed answer into VENDOR_ERROR MALFORMED_RESPONSE, fails only that id, and does not cache it', async () => {
    const app = await start({}, 0);
    sim.replyNext({ status: 200, body: '<html>gateway</html>' });
    const query = `{ campaign(vendor: ALIYUN, id: "${IDS[0]}") { id funnel { target } } }`;
    const broken = await app.gql(query);
    expect(broken.data).toEqual({ campaign: null });
    expect(broken.errors![0]!.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendor: 'ALIYUN', vendorCode: 'MALFORMED_RESPONSE' });
    const healed = await app.gql(query);
    expect(healed).toEqual({ status: 200, data: { campaign: { id: IDS[0], funnel: { target: statFor(0).AcceptCount } } } });
    expect(sim.server.requests).toHaveLength(2);
  });

  it('rejects a non-numeric or out-of-range MessageId as BAD_USER_INPUT before any call', async () => {
    const app = await start();
    for (const bad of ['abc', '12a', '-5', '1.5', '', '9223372036854775808']) {
      const answer = await app.gql(CAMPAIGNS, { ids: [IDS[0], bad] });
      expect(answer.errors?.[0]?.extensions?.code, bad).toBe('BAD_USER_INPUT');
    }
    expect(sim.server.requests).toHaveLength(0);
    expect((await app.gql(`{ campaign(vendor: ALIYUN, id: "9223372036854775807") { id } }`)).errors).toBeUndefined();
  });

  it('honours ALIYUN_MAX_CONCURRENCY', async () => {
    const app = await start({ ALIYUN_MAX_CONCURRENCY: '3' });
    const answer = await app.gql(CAMPAIGNS, { ids: IDS.slice(0, 10) });
    expect(answer.errors).toBeUndefined();
    expect(sim.server.requests).toHaveLength(10);
    expect(sim.peakInFlight).toBe(3);
  });

  it('never starts more than 50 calls in one second, so Alibaba never throttles', async () => {
    const app = await start({ ALIYUN_MAX_CONCURRENCY: '60' }, 0);
    const ids = Array.from({ length: 120 }, (_, i) => String(9_000_000 + i * 10 + 1));
    const answer = await app.gql(`query ($ids: [ID!]!) { campaigns(vendor: ALIYUN, ids: $ids) { id } }`, { ids });
    expect(answer.errors).toBeUndefined();
    expect(sim.outcomes.filter((outcome) => outcome.code !== 'OK')).toEqual([]);
    // Alibaba counts by arrival: any 51 consecutive arrivals span at least a second.
    const arrivals = sim.server.requests.map((request) => request.arrivedAt).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(120);
    for (let i = 0; i + 50 < arrivals.length; i++) expect(arrivals[i + 50]! - arrivals[i]!).toBeGreaterThanOrEqual(1_000);
  });

  it('resolves federation _entities through the same per-id calls as campaigns', async () => {
    const app = await start();
    const ids = IDS.slice(0, 3);
    const answer = await app.gql(
      `query ($r: [_Any!]!, $ids: [ID!]!) {
        _entities(representations: $r) { ... on Campaign { id funnel { target } } }
        campaigns(vendor: ALIYUN, ids: $ids) { id }
      }`,
      { r: ids.map((id) => ({ __typename: 'Campaign', vendor: 'ALIYUN', id })), ids },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities).toEqual(ids.map((id, index) => ({ id, funnel: { target: statFor(index).AcceptCount } })));
    expect(sim.server.requests).toHaveLength(3);
  });
});

describe('Alibaba Cloud Push without credentials (built-in simulator)', () => {
  it('serves deterministic demo figures by the documented rule, simulated', async () => {
    const app = await startTestApp({});
    try {
      expect(app.vendors.ALIYUN.get('default')?.mode).toBe('simulated');
      const answer = await app.gql(CAMPAIGNS, { ids: ['510427', '510420', '510404'] });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.campaigns).toEqual([expectedCampaign('510427', simulatedStat('510427')!), PENDING('510420'), null]);
      expect(answer.data!.campaigns[0].funnel).toEqual({ target: 58302, sent: 51298, received: 41020, displayed: null, clicked: 1206, dismissed: 15743 });
    } finally {
      await app.close();
    }
  });

  it('refuses to start with only some of the credentials set', async () => {
    await expect(startApp({ env: { ALIYUN_ACCESS_KEY_ID: 'LTAIx', ALIYUN_PUSH_APP_KEY: '23267207' }, port: 0, logger: createLogger({ level: 'silent' }) })).rejects.toThrow(
      /missing: ALIYUN_ACCESS_KEY_SECRET$/,
    );
  });
});
