import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type RecordedRequest } from '../src/datasources/fake-server.js';
import { startTencentSimulator, type TencentSimulator } from '../src/datasources/tencent/simulator.js';
import {
  TencentPushTraceResponseSchema,
  type TencentApi,
  type TencentInstanceTrace,
  type TencentPushStat,
} from '../src/datasources/tencent/types.js';
import { verifyUserSig } from '../src/datasources/tencent/usersig.js';
import { startTestApp, type TestApp } from './helpers.js';

// The simulator as a strict fake: it checks the UserSig, the query string, ≤5 TaskIDs, the
// window limits, and answers 60007 to a call arriving <1 s after the previous one to its API.

const ADMIN = 'ops-admin';
const DAY = 86_400;
const STATISTICS: TencentApi = 'all_member_push_statistics';
const LOSS: TencentApi = 'all_member_push_loss';
const TRACE: TencentApi = 'all_member_push_trace';

let running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.map((item) => item.close()));
  running = [];
});

/** The app, configured only through the contract's variables, pointed at a fresh strict fake. */
async function setup(env: Record<string, string> = {}): Promise<{ sim: TencentSimulator; app: TestApp }> {
  const sim = await startTencentSimulator({ adminId: ADMIN });
  const app = await startTestApp({
    TENCENT_API_URL: sim.url,
    TENCENT_SDK_APP_ID: sim.credentials.sdkAppId,
    TENCENT_SECRET_KEY: sim.credentials.secretKey,
    TENCENT_ADMIN_ID: ADMIN,
    ...env,
  });
  running.push(app, sim);
  return { sim, app };
}

interface WindowedBody {
  StartTime: number;
  EndTime: number;
  TaskID: string[];
}
const body = <T = WindowedBody>(request: RecordedRequest): T => JSON.parse(request.body) as T;
const taskIds = (requests: RecordedRequest[]): string[][] => requests.map((request) => body(request).TaskID);
const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Every call accepted, signed as the admin of the app with a valid UserSig, and ≥1 s after the previous one to its API. */
function expectAcceptedCalls(sim: TencentSimulator): void {
  expect(sim.answers.filter((answer) => answer.errorCode !== 0)).toEqual([]);
  for (const request of sim.requests) {
    expect(request.method).toBe('POST');
    expect(request.query.get('sdkappid')).toBe(sim.credentials.sdkAppId);
    expect(request.query.get('identifier')).toBe(ADMIN);
    expect(request.query.get('contenttype')).toBe('json');
    expect(request.query.get('random')).toMatch(/^\d{1,10}$/);
    expect(Number(request.query.get('random'))).toBeLessThanOrEqual(4_294_967_295);
    const userSig = request.query.get('usersig') ?? '';
    expect(
      verifyUserSig(userSig, { sdkAppId: sim.credentials.sdkAppId, identifier: ADMIN }, sim.credentials.secretKey, nowSeconds()),
    ).toEqual({
      ok: true,
    });
  }
  expectSpacedArrivals(sim);
}

function expectSpacedArrivals(sim: TencentSimulator): void {
  for (const api of [STATISTICS, LOSS, TRACE]) {
    const arrivals = sim.callsTo(api).map((request) => request.arrivedAt);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(1_000);
  }
}

const CHANNELS = ['UNKNOWN', 'APNS', 'XIAOMI', 'HUAWEI', 'FCM', 'MEIZU', 'OPPO', 'VIVO', 'HONOR'];
// Online pushes go over Tencent's own connection: UNKNOWN (eventType ONLINE), never another vendor's channel.
const channelOf = (eventType: number, pushPlatform: number): string | undefined => (eventType === 2 ? 'UNKNOWN' : CHANNELS[pushPlatform]);

/** Tencent's rule: a stage reported 0 while a later stage counts more was not measured. */
function measured(counts: number[]): Array<number | null> {
  return counts.map((count, index) => (count === 0 && counts.slice(index + 1).some((later) => later > 0) ? null : count));
}

/** The campaign as the fake's own data says it must read. */
function expectedCampaign(sim: TencentSimulator, id: string) {
  const { statistics, loss } = sim.task(id);
  const overall = (stage: string) => (item: { ErrCode: string; ErrCount: number }) => ({
    stage,
    errorCode: item.ErrCode,
    count: item.ErrCount,
    channel: null,
  });
  const platform = (stage: string) => (item: { ErrCode: string; ErrCount: number; EventType: number; PushPlatform: number }) => ({
    stage,
    errorCode: item.ErrCode,
    count: item.ErrCount,
    channel: channelOf(item.EventType, item.PushPlatform),
  });
  return {
    id,
    funnel: ((row) => {
      const [target, sent, received, clicked] = measured([row.TotalCount, row.SentCount, row.DeliveredCount, row.ClickCount]);
      return { target, sent, received, displayed: null, clicked, dismissed: null };
    })(statistics),
    channels: statistics.PlatformStatistics.map((row) => {
      const [target, sent, received, clicked] = measured([row.TotalCount, row.SentCount, row.DeliveredCount, row.ClickCount]);
      return {
        channel: channelOf(row.EventType, row.PushPlatform),
        eventType: row.EventType === 2 ? 'ONLINE' : 'OFFLINE',
        target,
        sent,
        received,
        clicked,
      };
    }),
    lossReasons: [
      ...loss.ReadyToSendLoss.map(overall('READY_TO_SEND')),
      ...loss.PostSendDeliveredLoss.map(overall('POST_SEND_DELIVERED')),
      ...loss.PlatformReadyToSendLoss.map(platform('READY_TO_SEND')),
      ...loss.PlatformPostSendDeliveredLoss.map(platform('POST_SEND_DELIVERED')),
    ],
  };
}

const CAMPAIGNS = `query ($ids: [ID!]!) {
  campaigns(vendor: TENCENT, ids: $ids) {
    id
    funnel { target sent received displayed clicked dismissed }
    channels { channel eventType target sent received clicked }
    lossReasons { stage errorCode count channel }
  }
}`;

describe('Tencent TIMPush datasource against the strict fake', () => {
  it('answers 12 campaigns with 3 statistics and 3 loss calls, all accepted, and the same query again with none', async () => {
    const { sim, app } = await setup();
    const ids = Array.from({ length: 12 }, (_, i) => `task-${i + 1}`);
    sim.drop('task-7');
    const before = nowSeconds();

    const answer = await app.gql(CAMPAIGNS, { ids });

    expect(answer.errors).toBeUndefined();
    expect(answer.data?.campaigns).toEqual(ids.map((id) => (id === 'task-7' ? null : expectedCampaign(sim, id))));
    expect(taskIds(sim.callsTo(STATISTICS))).toEqual([ids.slice(0, 5), ids.slice(5, 10), ids.slice(10)]);
    // Loss is asked only for the campaigns that exist, as each statistics call answers.
    expect(taskIds(sim.callsTo(LOSS))).toEqual([ids.slice(0, 5), ['task-6', 'task-8', 'task-9', 'task-10'], ids.slice(10)]);
    expectAcceptedCalls(sim);
    // One UserSig reused; a fresh random per call.
    expect(new Set(sim.requests.map((request) => request.query.get('usersig'))).size).toBe(1);
    expect(new Set(sim.requests.map((request) => request.query.get('random'))).size).toBe(6);
    // Default windows: the whole retention (30 days statistics, 7 loss) up to the moment of the call.
    for (const [api, days] of [
      [STATISTICS, 30],
      [LOSS, 7],
    ] as const) {
      for (const request of sim.callsTo(api)) {
        const { StartTime, EndTime } = body(request);
        expect(EndTime - StartTime).toBe(days * DAY - 5);
        expect(EndTime).toBeGreaterThanOrEqual(before);
        expect(EndTime).toBeLessThanOrEqual(nowSeconds());
      }
    }

    const again = await app.gql(CAMPAIGNS, { ids });
    expect(again.data).toEqual(answer.data);
    expect(sim.requests).toHaveLength(6);
  });

  it('lets concurrent requests share a statistics call: 3 requests of 2 new ids cost 2 calls', async () => {
    const { sim, app } = await setup();
    const groups = [
      ['c-1', 'c-2'],
      ['c-3', 'c-4'],
      ['c-5', 'c-6'],
    ];
    const query = 'query ($ids: [ID!]!) { campaigns(vendor: TENCENT, ids: $ids) { id } }';

    const answers = await Promise.all(groups.map((ids) => app.gql(query, { ids })));

    expect(answers.map((answer) => answer.data)).toEqual(groups.map((ids) => ({ campaigns: ids.map((id) => ({ id })) })));
    expect(sim.callsTo(STATISTICS)).toHaveLength(2);
    expect(taskIds(sim.callsTo(STATISTICS)).flat().sort()).toEqual(groups.flat());
    expect(sim.violations()).toBe(0);
    expectAcceptedCalls(sim);
  });

  it('retries a 90102 at the next slot and answers', async () => {
    const { sim, app } = await setup();
    sim.failNext(STATISTICS, 90102);

    const answer = await app.gql('{ campaign(vendor: TENCENT, id: "flaky-1") { id funnel { target clicked } } }');

    expect(answer.errors).toBeUndefined();
    const { statistics } = sim.task('flaky-1');
    expect(answer.data?.campaign).toEqual({ id: 'flaky-1', funnel: { target: statistics.TotalCount, clicked: statistics.ClickCount } });
    expect(sim.answers).toEqual([
      { api: STATISTICS, errorCode: 90102 },
      { api: STATISTICS, errorCode: 0 },
    ]);
    expect(taskIds(sim.callsTo(STATISTICS))).toEqual([['flaky-1'], ['flaky-1']]);
    expectSpacedArrivals(sim);
  });

  it('gives up on a rate limit that never clears with VENDOR_RATE_LIMITED after 3 spaced attempts', async () => {
    const { sim, app } = await setup();
    sim.failNext(STATISTICS, 60007, 3);

    const answer = await app.gql('{ campaign(vendor: TENCENT, id: "busy-1") { id } }');

    expect(answer.data).toEqual({ campaign: null });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'VENDOR_RATE_LIMITED', vendor: 'TENCENT', vendorCode: '60007' });
    expect(sim.callsTo(STATISTICS)).toHaveLength(3);
    expectSpacedArrivals(sim);
  });

  it('reports a UserSig Tencent refuses as VENDOR_ERROR, without the UserSig or the URL', async () => {
    const { sim, app } = await setup({ TENCENT_SECRET_KEY: 'a-key-tencent-does-not-know' });

    const answer = await app.gql('{ campaign(vendor: TENCENT, id: "t-1") { id } }');

    expect(answer.data).toEqual({ campaign: null });
    expect(answer.errors?.[0]?.extensions).toEqual({
      code: 'VENDOR_ERROR',
      vendor: 'TENCENT',
      vendorCode: '70009',
      vendorMessage: 'UserSig verification failed',
      requestId: expect.stringMatching(/^Id-/),
    });
    expect(sim.requests).toHaveLength(1);
    const text = JSON.stringify(answer);
    expect(text).not.toContain(sim.requests[0]!.query.get('usersig'));
    expect(text).not.toContain(sim.url);
    expect(text.toLowerCase()).not.toContain('usersig=');
  });

  it('turns an answer of the wrong shape into VENDOR_ERROR for the fields that needed it', async () => {
    const fake = await startFakeServer(() => ({ status: 200, body: { ActionStatus: 'OK', ErrorCode: 0, Results: 'many' } }));
    running.push(fake);
    const app = await startTestApp({ TENCENT_API_URL: fake.url, TENCENT_SDK_APP_ID: '1400000001', TENCENT_SECRET_KEY: 'k' });
    running.push(app);

    const answer = await app.gql('{ campaigns(vendor: TENCENT, ids: ["odd-1", "odd-2"]) { id } }');

    expect(answer.data).toEqual({ campaigns: [null, null] });
    expect(answer.errors?.map((error) => error.extensions)).toEqual(
      [0, 1].map(() => ({ code: 'VENDOR_ERROR', vendor: 'TENCENT', vendorCode: 'MALFORMED_RESPONSE', status: 200 })),
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('an unreadable TaskID of a statistics call fails alone: its neighbour in the same call is answered exactly', async () => {
    const fake = await startFakeServer(() => ({
      status: 200,
      body: {
        ActionStatus: 'OK',
        ErrorCode: 0,
        Results: [
          { TaskID: 'odd-1', TotalCount: 'many' },
          { TaskID: 'odd-2', TotalCount: 10, SentCount: 9, DeliveredCount: 8, ClickCount: 1 },
        ],
      },
    }));
    running.push(fake);
    const app = await startTestApp({ TENCENT_API_URL: fake.url, TENCENT_SDK_APP_ID: '1400000001', TENCENT_SECRET_KEY: 'k' });
    running.push(app);

    const answer = await app.gql('{ campaigns(vendor: TENCENT, ids: ["odd-1", "odd-2"]) { id funnel { target sent received clicked } } }');

    expect(answer.data).toEqual({ campaigns: [null, { id: 'odd-2', funnel: { target: 10, sent: 9, received: 8, clicked: 1 } }] });
    expect(answer.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.vendorCode])).toEqual([
      [['campaigns', 0], 'VENDOR_ERROR', 'MALFORMED_RESPONSE'],
    ]);
    expect(fake.requests).toHaveLength(1);
  });

  it('checks ids and windows before any call, and sends an explicit window as given', async () => {
    const { sim, app } = await setup();
    for (const query of [
      '{ campaigns(vendor: TENCENT, ids: []) { id } }',
      '{ campaigns(vendor: TENCENT, ids: ["ok-1", ""]) { id } }',
      `{ campaign(vendor: TENCENT, id: "${'x'.repeat(129)}") { id } }`,
      '{ campaign(vendor: TENCENT, id: "two words") { id } }',
      '{ deviceTrace(taskId: "t-1", userId: "") { instanceId } }',
    ]) {
      const answer = await app.gql(query);
      expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
    expect(sim.requests).toHaveLength(0);

    const now = nowSeconds();
    sim.setTask('win-1', { pushedAt: now - 36 * 3600 });
    const window = { since: iso(now - 2 * DAY), until: iso(now - DAY) };
    const answer = await app.gql(
      `query ($since: String, $until: String) {
        campaign(vendor: TENCENT, id: "win-1") { funnel(since: $since, until: $until) { target } lossReasons(since: $since, until: $until) { count } }
      }`,
      window,
    );
    expect(answer.errors).toBeUndefined();
    const { statistics, loss } = sim.task('win-1');
    expect(answer.data?.campaign).toEqual({
      funnel: { target: statistics.TotalCount },
      lossReasons: [
        ...loss.ReadyToSendLoss,
        ...loss.PostSendDeliveredLoss,
        ...loss.PlatformReadyToSendLoss,
        ...loss.PlatformPostSendDeliveredLoss,
      ].map((item) => ({ count: item.ErrCount })),
    });
    // The default window decides that the campaign exists; the field then asks for its own window.
    expect(sim.callsTo(STATISTICS).map((request) => body(request))[1]).toEqual({
      StartTime: now - 2 * DAY,
      EndTime: now - DAY,
      TaskID: ['win-1'],
    });
    expect(sim.callsTo(LOSS).map((request) => body(request))).toEqual([
      { StartTime: now - 2 * DAY, EndTime: now - DAY, TaskID: ['win-1'] },
    ]);
    expectAcceptedCalls(sim);

    // Bad windows are refused before the campaign itself is loaded: a never-asked id costs no call.
    const calls = sim.requests.length;
    for (const selection of [
      'funnel(since: "last week") { target }',
      `channels(since: "${iso(now - 31 * DAY)}") { target }`,
      `lossReasons(since: "${iso(now - 8 * DAY)}") { count }`,
      `funnel(since: "${iso(now - DAY)}", until: "${iso(now - 2 * DAY)}") { target }`,
      `funnel(until: "${iso(now + 3600)}") { target }`,
    ]) {
      const invalid = await app.gql(`{ campaign(vendor: TENCENT, id: "never-asked") { id ${selection} } }`);
      expect(invalid.data).toEqual({ campaign: null });
      expect(invalid.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([['campaign', 'BAD_USER_INPUT']]);
    }
    expect(sim.requests).toHaveLength(calls);
  });

  it('traces a task to a user with every stage in order, one call per TaskID+UserID', async () => {
    const { sim, app } = await setup();
    const sample = TencentPushTraceResponseSchema.parse(
      JSON.parse(readFileSync(new URL('./fixtures/tencent/trace.json', import.meta.url), 'utf8')),
    );
    sim.setTrace('trace-1', 'user-1', sample.InstanceTrace);

    const answer = await app.gql(`{
      exact: deviceTrace(taskId: "trace-1", userId: "user-1") { instanceId channel eventType notificationEnabled stages { name success errorCode errorInfo eventTime } }
      generated: deviceTrace(taskId: "trace-2", userId: "user-2") { instanceId channel eventType stages { name success errorCode } }
    }`);

    expect(answer.errors).toBeUndefined();
    const at = '2025-03-13 16:16:29';
    expect(answer.data?.exact).toEqual([
      {
        instanceId: '74224656',
        channel: 'APNS',
        eventType: 'OFFLINE',
        notificationEnabled: true,
        stages: ['IM_COMMIT', 'OFFLINE_SUBMIT', 'VENDOR_CHANNEL', 'DEVICE', 'CLICK', 'ONLINE_CHANNEL', 'ONLINE_DEVICE'].map((name) => ({
          name,
          success: true,
          errorCode: null,
          errorInfo: null,
          eventTime: at,
        })),
      },
    ]);
    const stages = (instance: TencentInstanceTrace) =>
      (
        [
          ['IM_COMMIT', instance.IMCommitStat?.IMStat],
          ['OFFLINE_SUBMIT', instance.OfflinePushStat?.OfflineStat],
          ['VENDOR_CHANNEL', instance.OfflinePushStat?.ChannelStat],
          ['DEVICE', instance.OfflinePushStat?.DeviceStat],
          ['CLICK', instance.OfflinePushStat?.ClickStat],
          ['ONLINE_CHANNEL', instance.OnlinePushStat?.ChannelStat],
          ['ONLINE_DEVICE', instance.OnlinePushStat?.DeviceStat],
        ] as Array<[string, TencentPushStat | undefined]>
      ).flatMap(([name, stat]) =>
        stat ? [{ name, success: stat.PushStatus === 1, errorCode: stat.PushStatus === 1 ? null : (stat.ErrorCode ?? null) }] : [],
      );
    const generated = sim.trace('trace-2', 'user-2');
    expect(generated.length).toBeGreaterThan(0);
    expect(answer.data?.generated).toEqual(
      generated.map((instance) => ({
        instanceId: instance.InstanceId,
        channel: channelOf(instance.EventType ?? 1, instance.PushPlatform ?? 0),
        eventType: instance.EventType === 2 ? 'ONLINE' : 'OFFLINE',
        stages: stages(instance),
      })),
    );
    expect(sim.callsTo(TRACE).map((request) => body(request))).toEqual([
      { TaskID: 'trace-1', UserID: 'user-1' },
      { TaskID: 'trace-2', UserID: 'user-2' },
    ]);
    expectAcceptedCalls(sim);
  });
});
