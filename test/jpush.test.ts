import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../src/datasources/fake-server.js';
import { startJPushSimulator, type JPushSimulator, type JPushSimulatorOptions } from '../src/datasources/jpush/index.js';
import type { JPushMessageDetail, JPushReceivedDetail, JPushStat, JPushUsersAnswer } from '../src/datasources/jpush/types.js';
import { startTestApp, type TestApp } from './helpers.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/jpush/${name}`, import.meta.url), 'utf8')) as T;

const FUNNEL = 'funnel { target sent received displayed clicked dismissed }';
const CHANNELS = 'channels { channel platform messageType eventType target sent received displayed clicked }';
const CAMPAIGN = `vendor id availability ${FUNNEL} ${CHANNELS} lossReasons { errorCode } sms { sent }`;

interface Funnel {
  target: number | null;
  sent: number | null;
  received: number | null;
  displayed: number | null;
  clicked: number | null;
  dismissed: number | null;
}
interface CampaignAnswer {
  vendor: string;
  id: string;
  availability: string;
  funnel: Funnel;
  channels: Array<Record<string, unknown>>;
  lossReasons: unknown[];
  sms: unknown;
}

let sim: JPushSimulator | undefined;
let app: TestApp | undefined;
let fake: FakeServer | undefined;

afterEach(async () => {
  await app?.close();
  await sim?.close();
  await fake?.close();
  app = sim = fake = undefined;
});

/** A strict fake JPush and the whole service pointed at it through the contract's variables. */
async function boot(options: JPushSimulatorOptions = {}, env: Record<string, string> = {}): Promise<{ sim: JPushSimulator; app: TestApp }> {
  sim = await startJPushSimulator({ appKey: 'a1b2c3d4e5f6a1b2c3d4e5f6', masterSecret: 'f0e1d2c3b4a5f0e1d2c3b4a5', ...options });
  app = await startTestApp({
    JPUSH_APP_KEY: sim.appKey,
    JPUSH_MASTER_SECRET: sim.masterSecret,
    JPUSH_REPORT_URL: sim.baseUrl,
    ...env,
  });
  return { sim, app };
}

// Computed here from base64, independently of the client's code.
const EXPECTED_AUTH = `Basic ${Buffer.from('a1b2c3d4e5f6a1b2c3d4e5f6:f0e1d2c3b4a5f0e1d2c3b4a5').toString('base64')}`;

/** 250 distinct msg_ids, one of which JPush does not know (the simulator's "…404" rule). */
const ids250 = (base: number): string[] =>
  Array.from({ length: 250 }, (_, i) => (i === 7 ? `${base}0404` : String(base * 100_000 + i * 10 + 1)));

const TYPES = ['notification', 'message', 'inapp', 'live_activity'] as const;
const MESSAGE_TYPE = { notification: 'NOTIFICATION', message: 'MESSAGE', inapp: 'INAPP', live_activity: 'LIVE_ACTIVITY' };

/** The funnel the fake's own data adds up to. */
/** Whether a type block holds only iOS custom messages, whose click JPush does not measure. */
const onlyIosMessages = (type: (typeof TYPES)[number], block: object): boolean =>
  type === 'message' &&
  Object.keys(block)
    .filter((key) => key.startsWith('sub_'))
    .every((key) => key === 'sub_ios');

function expectedFunnel(detail: JPushMessageDetail): Funnel {
  const add = (stage: keyof JPushStat): number => TYPES.reduce((sum, type) => sum + (detail.details?.[type]?.[stage] ?? 0), 0);
  const measured = TYPES.filter((type) => detail.details?.[type] && !onlyIosMessages(type, detail.details[type]!));
  const clicked = measured.length === 0 ? null : measured.reduce((sum, type) => sum + (detail.details?.[type]?.click ?? 0), 0);
  return { target: add('target'), sent: add('sent'), received: add('received'), displayed: add('display'), clicked, dismissed: null };
}

/** Every channel row of the fake's data, figures and message type, in wire order. */
function expectedRows(detail: JPushMessageDetail): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const type of TYPES) {
    const block = detail.details?.[type];
    if (!block) continue;
    for (const [key, sub] of Object.entries(block)) {
      if (!key.startsWith('sub_') || typeof sub !== 'object' || sub === null) continue;
      const stats: JPushStat[] = 'target' in sub ? [sub as JPushStat] : Object.values(sub as Record<string, JPushStat>);
      for (const stat of stats) {
        rows.push({
          messageType: MESSAGE_TYPE[type],
          target: stat.target,
          sent: stat.sent,
          received: stat.received,
          displayed: stat.display,
          clicked: type === 'message' && key === 'sub_ios' ? null : stat.click,
        });
      }
    }
  }
  return rows;
}

function expectMatchesFake(simulator: JPushSimulator, ids: string[], campaigns: Array<CampaignAnswer | null>): void {
  expect(campaigns).toHaveLength(ids.length);
  ids.forEach((id, index) => {
    const detail = simulator.messageDetail(id);
    const campaign = campaigns[index] ?? null;
    if (!detail) {
      expect(campaign, id).toBeNull();
      return;
    }
    expect(campaign?.id).toBe(id);
    expect(campaign?.availability).toBe('READY');
    expect(campaign?.funnel).toEqual(expectedFunnel(detail));
    expect(
      campaign?.channels.map(({ messageType, target, sent, received, displayed, clicked }) => ({
        messageType,
        target,
        sent,
        received,
        displayed,
        clicked,
      })),
    ).toEqual(expectedRows(detail));
  });
}

const msgIdsOf = (simulator: JPushSimulator, endpoint: string): string[][] =>
  simulator.requestsTo(endpoint).map((request) => (request.query.get('msg_ids') ?? '').split(','));

describe('JPush campaigns: batching', () => {
  it('answers 250 ids of one `campaigns` field with 3 messages/detail calls, exactly the fake figures, in order', async () => {
    const { sim, app } = await boot();
    const ids = ids250(1701);
    const answer = await app.gql<{ campaigns: Array<CampaignAnswer | null> }>(
      `query ($ids: [ID!]!) { campaigns(vendor: JPUSH, ids: $ids) { ${CAMPAIGN} } }`,
      { ids },
    );
    expect(answer.errors).toBeUndefined();
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)]);
    expect(sim.requestsTo('received/detail')).toHaveLength(0);
    expect(sim.server.requests.map((request) => request.headers.authorization)).toEqual([EXPECTED_AUTH, EXPECTED_AUTH, EXPECTED_AUTH]);
    expectMatchesFake(sim, ids, answer.data!.campaigns);
    expect(answer.data!.campaigns[7]).toBeNull();
    expect(answer.data!.campaigns.filter((campaign) => campaign === null)).toHaveLength(1);
    expect(answer.data!.campaigns[0]).toMatchObject({ vendor: 'JPUSH', lossReasons: [], sms: null });

    const again = await app.gql(`query ($ids: [ID!]!) { campaigns(vendor: JPUSH, ids: $ids) { ${CAMPAIGN} } }`, { ids });
    expect(again).toEqual(answer);
    expect(sim.server.requests).toHaveLength(3);
  });

  it('answers 250 `_entities` representations with 3 calls', async () => {
    const { sim, app } = await boot();
    const ids = ids250(1702);
    const answer = await app.gql<{ _entities: Array<CampaignAnswer | null> }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { ${CAMPAIGN} } } }`,
      { r: ids.map((id) => ({ __typename: 'Campaign', vendor: 'JPUSH', id })) },
    );
    expect(answer.errors).toBeUndefined();
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)]);
    expectMatchesFake(sim, ids, answer.data!._entities);
  });

  it('answers 250 aliased `campaign` fields with 3 calls', async () => {
    const { sim, app } = await boot();
    const ids = ids250(1703);
    const fields = ids.map((id, i) => `c${i}: campaign(vendor: JPUSH, id: "${id}") { ${CAMPAIGN} }`).join('\n');
    const answer = await app.gql<Record<string, CampaignAnswer | null>>(`{ ${fields} }`);
    expect(answer.errors).toBeUndefined();
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)]);
    expectMatchesFake(
      sim,
      ids,
      ids.map((_, i) => answer.data![`c${i}`] ?? null),
    );
  });

  it('asks JPush once per distinct id: repeated ids and fields share one call', async () => {
    const { sim, app } = await boot();
    const answer = await app.gql<{ a: CampaignAnswer[]; b: CampaignAnswer }>(
      `{ a: campaigns(vendor: JPUSH, ids: ["1613113584", "1229760629", "1613113584"]) { id availability ${FUNNEL} }
         b: campaign(vendor: JPUSH, id: "269978303") { ${CHANNELS} } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([['1613113584', '1229760629', '269978303']]);
    expect(answer.data!.a.map((campaign) => campaign.id)).toEqual(['1613113584', '1229760629', '1613113584']);
  });

  it('lets concurrent requests share calls: 2 requests of 150 ids, 100 in common, cost 3 calls', async () => {
    const { sim, app } = await boot();
    const ids = Array.from({ length: 200 }, (_, i) => String(4_200_000 + i));
    const query = `query ($ids: [ID!]!) { campaigns(vendor: JPUSH, ids: $ids) { id ${FUNNEL} } }`;
    const [a, b] = await Promise.all([app.gql(query, { ids: ids.slice(0, 150) }), app.gql(query, { ids: ids.slice(50) })]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const asked = msgIdsOf(sim, 'messages/detail');
    expect(asked).toHaveLength(3);
    expect(asked.flat().sort()).toEqual([...ids].sort());
  });

  it('maps the doc example figures exactly, every channel named', async () => {
    const { sim, app } = await boot();
    const [doc] = fixture<JPushMessageDetail[]>('messages-detail.json');
    sim.setMessage({ ...doc!, msg_id: '269978303' });
    const answer = await app.gql<{ campaign: CampaignAnswer }>(`{ campaign(vendor: JPUSH, id: "269978303") { ${FUNNEL} ${CHANNELS} } }`);
    expect(answer.data!.campaign.funnel).toEqual({
      target: 2500,
      sent: 2250,
      received: 2000,
      displayed: 1750,
      clicked: 0,
      dismissed: null,
    });
    expect(answer.data!.campaign.channels).toHaveLength(31);
    expect(answer.data!.campaign.channels.map((row) => `${row.messageType} ${row.platform} ${row.channel}`).slice(0, 19)).toEqual([
      ...['JPUSH', 'HUAWEI', 'XIAOMI', 'OPPO', 'VIVO', 'MEIZU', 'FCM', 'ASUS', 'TUIBIDA', 'HONOR', 'NIO'].map(
        (c) => `NOTIFICATION ANDROID ${c}`,
      ),
      'NOTIFICATION IOS VOIP',
      'NOTIFICATION IOS APNS',
      'NOTIFICATION HARMONY HMOS',
      'NOTIFICATION HARMONY JPUSH',
      ...['JPUSH', 'HUAWEI', 'XIAOMI', 'OPPO'].map((c) => `NOTIFICATION QUICKAPP ${c}`),
    ]);
    expect(
      new Set(
        answer.data!.campaign.channels.map((row) =>
          JSON.stringify([row.target, row.sent, row.received, row.displayed, row.clicked, row.eventType]),
        ),
      ),
    ).toEqual(new Set([JSON.stringify([100, 90, 80, 70, 0, null]), JSON.stringify([100, 90, 80, 70, null, null])]));
    // The one row whose click JPush does not measure: iOS custom messages ("the field is returned" as 0).
    expect(
      answer
        .data!.campaign.channels.filter((row) => row.clicked === null)
        .map((row) => `${row.messageType} ${row.platform} ${row.channel}`),
    ).toEqual(['MESSAGE IOS JPUSH']);
  });
});

describe('JPush campaigns: ids and fallbacks', () => {
  it('rejects a non-numeric id as BAD_USER_INPUT before any call', async () => {
    const { sim, app } = await boot();
    for (const query of [
      '{ campaigns(vendor: JPUSH, ids: ["1613113584", "12ab"]) { id } }',
      '{ campaign(vendor: JPUSH, id: "0x1F") { id } }',
      '{ _entities(representations: [{ __typename: "Campaign", vendor: "JPUSH", id: "abc" }]) { ... on Campaign { id } } }',
    ]) {
      const answer = await app.gql(query);
      expect(answer.errors?.[0]?.extensions?.code, query).toBe('BAD_USER_INPUT');
    }
    expect(sim.server.requests).toHaveLength(0);
  });

  it('keeps every digit of a msg_id above 2^53, in the request and in the answer', async () => {
    const { sim, app } = await boot({ msgIdFormat: 'number' });
    const big = '18100000000000000001';
    const [doc] = fixture<JPushMessageDetail[]>('messages-detail.json');
    sim.setMessage({ ...doc!, msg_id: big });
    const answer = await app.gql<{ campaign: CampaignAnswer }>(`{ campaign(vendor: JPUSH, id: "${big}") { id ${FUNNEL} } }`);
    expect(sim.requestsTo('messages/detail')[0]?.query.get('msg_ids')).toBe(big);
    expect(answer.data!.campaign).toEqual({
      id: big,
      funnel: { target: 2500, sent: 2250, received: 2000, displayed: 1750, clicked: 0, dismissed: null },
    });
  });

  it('falls back to received/detail when the app lacks the VIP interface (2003), and remembers it', async () => {
    const { sim, app } = await boot({ vip: false });
    const [first, second] = fixture<JPushReceivedDetail[]>('received-detail.json');
    sim.setReceived(first!);
    sim.setReceived(second!);
    const answer = await app.gql<{ campaigns: Array<CampaignAnswer | null> }>(
      `{ campaigns(vendor: JPUSH, ids: ["1613113584", "1229760629", "5550404"]) { id availability ${FUNNEL} ${CHANNELS} } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([['1613113584', '1229760629', '5550404']]);
    expect(msgIdsOf(sim, 'received/detail')).toEqual([['1613113584', '1229760629', '5550404']]);
    const [a, b, unknown] = answer.data!.campaigns;
    expect(a!.funnel).toEqual({ target: null, sent: null, received: 82, displayed: null, clicked: null, dismissed: null });
    expect(b!.funnel).toEqual({ target: null, sent: null, received: 88, displayed: null, clicked: null, dismissed: null });
    expect(a!.availability).toBe('READY');
    expect(a!.channels).toContainEqual({
      channel: 'APNS',
      platform: 'IOS',
      messageType: 'NOTIFICATION',
      eventType: null,
      target: null,
      sent: 11,
      received: 5,
      displayed: null,
      clicked: null,
    });
    expect(unknown).toBeNull();

    // Another request, new ids: straight to received/detail.
    const ids = Array.from({ length: 150 }, (_, i) => String(990_000 + i));
    const next = await app.gql<{ campaigns: Array<CampaignAnswer | null> }>(
      `query ($ids: [ID!]!) { campaigns(vendor: JPUSH, ids: $ids) { id ${FUNNEL} } }`,
      { ids },
    );
    expect(next.errors).toBeUndefined();
    expect(sim.requestsTo('messages/detail')).toHaveLength(1);
    expect(msgIdsOf(sim, 'received/detail').slice(1)).toEqual([ids.slice(0, 100), ids.slice(100)]);
    const row = sim.receivedDetail(ids[0]!)!;
    const receivedSum = Object.entries(row).reduce(
      (sum, [key, value]) => (key.endsWith('_received') && key !== 'ios_msg_received' && typeof value === 'number' ? sum + value : sum),
      0,
    );
    expect(next.data!.campaigns[0]!.funnel).toMatchObject({ sent: null, received: receivedSum });
  });
});

describe('JPush failures', () => {
  it('waits out a 429 for X-Rate-Limit-Reset seconds, then succeeds', async () => {
    const { sim, app } = await boot();
    sim.rateLimitNext(1, 1);
    const answer = await app.gql<{ campaign: CampaignAnswer }>(`{ campaign(vendor: JPUSH, id: "1613113584") { id ${FUNNEL} } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.campaign.funnel).toEqual(expectedFunnel(sim.messageDetail('1613113584')!));
    expect(sim.replyStatuses).toEqual([429, 200]);
    const [limited, retried] = sim.requestsTo('messages/detail');
    expect(retried!.arrivedAt - limited!.arrivedAt).toBeGreaterThanOrEqual(995);
  });

  it('holds calls once JPush says no call is left in the window, instead of earning a 429', async () => {
    const { sim, app } = await boot({ quota: 2, windowSeconds: 2 });
    for (const id of ['101', '102', '103']) {
      const answer = await app.gql(`{ campaign(vendor: JPUSH, id: "${id}") { id } }`);
      expect(answer.errors).toBeUndefined();
    }
    expect(sim.replyStatuses).toEqual([200, 200, 200]);
    const [first, , third] = sim.requestsTo('messages/detail');
    // The third call waited for the window that the first call opened to end.
    expect(third!.arrivedAt - first!.arrivedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('turns a JPush error body into VENDOR_ERROR with vendorCode and vendorMessage', async () => {
    const { sim, app } = await boot();
    sim.failNext({ status: 400, code: 3007, message: 'Illegal parameter', endpoint: 'messages/detail' });
    const answer = await app.gql<{ campaigns: Array<CampaignAnswer | null> }>(
      '{ campaigns(vendor: JPUSH, ids: ["1613113584", "1229760629"]) { id } }',
    );
    expect(answer.data!.campaigns).toEqual([null, null]);
    expect(answer.errors).toHaveLength(2);
    expect(answer.errors![0]!.extensions).toMatchObject({
      code: 'VENDOR_ERROR',
      vendor: 'JPUSH',
      vendorCode: '3007',
      vendorMessage: 'Illegal parameter',
      status: 400,
    });
    expect(sim.server.requests).toHaveLength(1);
  });

  it('retries JPush system error 10 as transient', async () => {
    const { sim, app } = await boot();
    sim.failNext({ status: 400, code: 10, message: 'System internal error' });
    const answer = await app.gql(`{ campaign(vendor: JPUSH, id: "1229760629") { id } }`);
    expect(answer.errors).toBeUndefined();
    expect(sim.replyStatuses).toEqual([400, 200]);
  });

  it('reports a wrong master secret as VENDOR_ERROR 3001 without leaking the secret', async () => {
    const secret = 'deadbeefdeadbeefdeadbeef';
    const { sim, app } = await boot({}, { JPUSH_MASTER_SECRET: secret });
    const answer = await app.gql('{ campaign(vendor: JPUSH, id: "1613113584") { id } }');
    expect(answer.data).toEqual({ campaign: null });
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendor: 'JPUSH', vendorCode: '3001', status: 401 });
    const wrongAuth = `Basic ${Buffer.from(`${sim.appKey}:${secret}`).toString('base64')}`;
    expect(sim.server.requests.map((request) => request.headers.authorization)).toEqual([wrongAuth]);
    const text = JSON.stringify(answer);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(wrongAuth.slice('Basic '.length));
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).not.toContain(secret);
  });

  it('turns an answer it cannot read into VENDOR_ERROR MALFORMED_RESPONSE, and 5xx into VENDOR_UNAVAILABLE', async () => {
    let reply = { status: 200, body: '[{"msg_id": "1", "details": {"notification": {"target": "many"}}}]' as unknown };
    fake = await startFakeServer(() => ({ ...reply, headers: { 'content-type': 'application/json' } }));
    app = await startTestApp({ JPUSH_APP_KEY: 'k', JPUSH_MASTER_SECRET: 's', JPUSH_REPORT_URL: `${fake.url}/v3/` });
    const answer = await app.gql('{ campaign(vendor: JPUSH, id: "1") { id } }');
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'VENDOR_ERROR', vendor: 'JPUSH', vendorCode: 'MALFORMED_RESPONSE' });
    expect(fake.requests.map((request) => `${request.path}?${request.query}`)).toEqual(['/v3/messages/detail?msg_ids=1']);

    reply = { status: 503, body: '<html>busy</html>' };
    const down = await app.gql('{ campaign(vendor: JPUSH, id: "2") { id } }');
    expect(down.errors![0]!.extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendor: 'JPUSH' });
    // 1 + 3 attempts (the shared layer retries 5xx).
    expect(fake.requests).toHaveLength(4);
  });
});

describe('JPush deliveryStatus', () => {
  const QUERY =
    'query ($m: ID!, $r: [ID!]!, $d: String) { deliveryStatus(msgId: $m, registrationIds: $r, date: $d) { registrationId status } }';
  const chinaDay = (daysAgo: number): string => new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

  it('POSTs status/message with the exact msg_id digits and maps 0..4 in the order asked', async () => {
    const { sim, app } = await boot();
    const big = '18100000000000000001';
    sim.setDeliveryStatuses(big, { r0: 0, r1: 1, r2: 2, r3: 3, r4: 4 });
    const date = chinaDay(3);
    const answer = await app.gql(QUERY, { m: big, r: ['r4', 'r2', 'gone', 'r0', 'r3', 'r1', 'r4'], d: date });
    expect(answer.errors).toBeUndefined();
    // "gone" is not in JPush's answer: left out. The repeated r4 is answered once.
    expect(answer.data!.deliveryStatus).toEqual([
      { registrationId: 'r4', status: 'SYSTEM_ERROR' },
      { registrationId: 'r2', status: 'NOT_IN_APP' },
      { registrationId: 'r0', status: 'DELIVERED' },
      { registrationId: 'r3', status: 'NOT_TARGETED' },
      { registrationId: 'r1', status: 'NOT_DELIVERED' },
    ]);
    const [request] = sim.requestsTo('status/message');
    expect(request!.method).toBe('POST');
    expect(request!.headers.authorization).toBe(EXPECTED_AUTH);
    expect(request!.body).toBe(`{"msg_id":${big},"registration_ids":["r4","r2","gone","r0","r3","r1"],"date":"${date}"}`);

    const again = await app.gql(QUERY, { m: big, r: ['r0', 'r1'], d: date });
    expect(again.data!.deliveryStatus).toEqual([
      { registrationId: 'r0', status: 'DELIVERED' },
      { registrationId: 'r1', status: 'NOT_DELIVERED' },
    ]);
    expect(sim.server.requests).toHaveLength(1);
  });

  it('sends no date when none is asked (JPush defaults to today)', async () => {
    const { sim, app } = await boot();
    const answer = await app.gql(QUERY, { m: '1613113584', r: ['a', 'b'] });
    expect(answer.errors).toBeUndefined();
    expect(sim.requestsTo('status/message')[0]!.body).toBe('{"msg_id":1613113584,"registration_ids":["a","b"]}');
    expect((answer.data!.deliveryStatus as unknown[]).length).toBe(2);
  });

  it('rejects bad arguments as BAD_USER_INPUT before any call', async () => {
    const { sim, app } = await boot();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ m: '1613113584', r: [] }, 'registrationIds'],
      [{ m: '1613113584', r: Array.from({ length: 1001 }, (_, i) => `r${i}`) }, 'registrationIds'],
      [{ m: 'abc', r: ['a'] }, 'msgId'],
      [{ m: '1613113584', r: ['a'], d: '2025/01/01' }, 'date'],
      [{ m: '1613113584', r: ['a'], d: chinaDay(29) }, 'date'],
      [{ m: '1613113584', r: ['a'], d: chinaDay(-1) }, 'date'],
    ];
    for (const [variables, argument] of cases) {
      const answer = await app.gql(QUERY, variables);
      expect(answer.errors?.[0]?.extensions, JSON.stringify(variables).slice(0, 80)).toMatchObject({
        code: 'BAD_USER_INPUT',
        argumentName: argument,
      });
    }
    expect(sim.server.requests).toHaveLength(0);
  });
});

describe('JPush userMetrics', () => {
  const QUERY =
    'query ($u: TimeUnit!, $s: String!, $d: Int!) { userMetrics(timeUnit: $u, start: $s, duration: $d) { timeUnit start duration points { time platform new online active } } }';
  const china = (daysAgo = 0): Date => new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000);

  it('GETs users and gives one point per item and platform, exactly', async () => {
    const { sim, app } = await boot();
    sim.setUsersItems(fixture<JPushUsersAnswer>('users.json').items);
    const start = china(5).toISOString().slice(0, 10);
    const answer = await app.gql(QUERY, { u: 'DAY', s: start, d: 3 });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.userMetrics).toEqual({
      timeUnit: 'DAY',
      start,
      duration: 3,
      points: [
        { time: '2024-08-13', platform: 'HARMONY', new: 5, online: 11, active: 7 },
        { time: '2014-06-11', platform: 'ANDROID', new: null, online: null, active: 1 },
        { time: '2014-06-12', platform: 'ANDROID', new: null, online: 2, active: 1 },
      ],
    });
    const [request] = sim.requestsTo('users');
    expect(Object.fromEntries(request!.query)).toEqual({ time_unit: 'DAY', start, duration: '3' });
    expect(request!.headers.authorization).toBe(EXPECTED_AUTH);

    await app.gql(QUERY, { u: 'DAY', s: start, d: 3 });
    expect(sim.server.requests).toHaveLength(1);
  });

  it('asks for the hours of today with the start hour as JPush writes it', async () => {
    const { sim, app } = await boot();
    const now = china();
    const start = `${now.toISOString().slice(0, 10)} ${String(now.getUTCHours()).padStart(2, '0')}`;
    const answer = await app.gql<{ userMetrics: { points: Array<{ time: string; platform: string }> } }>(QUERY, {
      u: 'HOUR',
      s: start,
      d: 1,
    });
    expect(answer.errors).toBeUndefined();
    expect(sim.requestsTo('users')[0]!.query.get('start')).toBe(start);
    expect(answer.data!.userMetrics.points.map((point) => `${point.time} ${point.platform}`)).toEqual([
      `${start} ANDROID`,
      `${start} IOS`,
      `${start} HARMONY`,
    ]);
  });

  it('rejects a start that does not match timeUnit, outside the 60 days, or a duration below 1, before any call', async () => {
    const { sim, app } = await boot();
    const day = (daysAgo: number): string => china(daysAgo).toISOString().slice(0, 10);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ u: 'HOUR', s: day(0), d: 1 }, 'start'],
      [{ u: 'DAY', s: `${day(1)} 09`, d: 1 }, 'start'],
      [{ u: 'MONTH', s: day(1), d: 1 }, 'start'],
      [{ u: 'HOUR', s: `${day(1)} 09`, d: 1 }, 'start'],
      [{ u: 'DAY', s: day(61), d: 1 }, 'start'],
      [{ u: 'DAY', s: day(-1), d: 1 }, 'start'],
      [{ u: 'DAY', s: day(1), d: 0 }, 'duration'],
      // The whole window: 70 days back, or ending after today (3005 / 3007 from JPush).
      [{ u: 'DAY', s: day(70), d: 20 }, 'start'],
      [{ u: 'DAY', s: day(1), d: 5 }, 'duration'],
      [{ u: 'DAY', s: day(0), d: 2 }, 'duration'],
      [{ u: 'MONTH', s: day(0).slice(0, 7), d: 2 }, 'duration'],
    ];
    for (const [variables, argument] of cases) {
      const answer = await app.gql(QUERY, variables);
      expect(answer.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: argument });
    }
    expect(sim.server.requests).toHaveLength(0);
    // A window ending today exactly is JPush's to answer.
    const ok = await app.gql<{ userMetrics: { points: unknown[] } }>(QUERY, { u: 'DAY', s: day(4), d: 5 });
    expect(ok.errors).toBeUndefined();
    expect(sim.server.requests).toHaveLength(1);
  });
});

describe('JPush simulator', () => {
  it('serves the demo ids without credentials, reported as simulated', async () => {
    app = await startTestApp({});
    const health = (await (await fetch(`${app.url}/health`)).json()) as { vendors: Record<string, string> };
    expect(health.vendors.JPUSH).toBe('simulated');
    const answer = await app.gql<{ campaigns: Array<CampaignAnswer | null> }>(
      `{ campaigns(vendor: JPUSH, ids: ["1613113584", "1229760629", "269978303"]) { id ${FUNNEL} ${CHANNELS} } }`,
    );
    expect(answer.errors).toBeUndefined();
    for (const campaign of answer.data!.campaigns) {
      const { target, sent, received, displayed, clicked } = campaign!.funnel;
      expect(target! >= sent! && sent! >= received! && received! >= displayed! && displayed! >= clicked!).toBe(true);
      expect(campaign!.channels.reduce((sum, row) => sum + (row.target as number), 0)).toBe(target);
    }
  });

  it('is as strict as JPush: Basic auth, 100 msg_ids, numeric ids, users rules, quota headers', async () => {
    const { sim } = await boot();
    const get = (path: string, auth = EXPECTED_AUTH) => fetch(`${sim.baseUrl}/${path}`, { headers: { authorization: auth } });
    const unauthorized = await get('messages/detail?msg_ids=1', 'Basic eDp5');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: { code: 3001, message: 'Basic authentication failed' } });

    const many = await get(`messages/detail?msg_ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`);
    expect(many.status).toBe(400);
    expect(((await many.json()) as { error: { code: number } }).error.code).toBe(3007);
    expect((await get('received/detail?msg_ids=1,x2')).status).toBe(400);

    const mismatch = await get('users?time_unit=HOUR&start=2025-01-01&duration=1');
    expect(((await mismatch.json()) as { error: { code: number } }).error.code).toBe(3004);

    const ok = await get('received/detail?msg_ids=1613113584,7770404');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit-quota')).toBe('2400');
    expect(Number(ok.headers.get('x-rate-limit-remaining'))).toBe(2400 - 4);
    expect(Number(ok.headers.get('x-rate-limit-reset'))).toBeGreaterThan(0);
    const rows = (await ok.json()) as JPushReceivedDetail[];
    expect(rows.map((row) => row.msg_id)).toEqual(['1613113584']);
  });
});
