import { Writable } from 'node:stream';
import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import type { RecordedRequest } from '../src/datasources/fake-server.js';
import { startJPushGroupSimulator, type JPushGroupSimulator } from '../src/datasources/jpush/group-simulator.js';
import type { JPushGroupMessageDetail } from '../src/datasources/jpush/group-types.js';
import { startJPushSimulator, type JPushSimulator } from '../src/datasources/jpush/simulator.js';
import type { JPushMessageDetail } from '../src/datasources/jpush/types.js';
import { startTencentSimulator, type TencentSimulator } from '../src/datasources/tencent/simulator.js';
import { verifyUserSig } from '../src/datasources/tencent/usersig.js';
import { measureDemand, quotaSeconds, type AppQuota } from '../src/limits.js';
import { createLogger } from '../src/logger.js';

/*
 * Issue 16: one process serving the single-app variables' `default` apps plus, from
 * PUSHGRAPH_APPS, a second JPush app (`news`), a JPush app group (`family`) and a second Tencent
 * app (`news`), each behind its own strict simulator that checks that app's credentials.
 */

const JPUSH_DEFAULT = { appKey: 'a1b2c3d4e5f6a1b2c3d4e5f6', masterSecret: 'f0e1d2c3b4a5f0e1d2c3b4a5' };
const JPUSH_NEWS = { appKey: '0badc0de0badc0de0badc0de', masterSecret: '5ec7e75ec7e75ec7e75ec7e7' };
const GROUP = { groupKey: '9439ee12e91bd4c895d1b0f5', groupSecret: '01bad4e44cecb42b36ea370a' };
const TENCENT_DEFAULT = { sdkAppId: '1400000001', secretKey: 'd3fa017d3fa017d3fa017d3fa017d3fa' };
const TENCENT_NEWS = { sdkAppId: '1400000002', secretKey: 'ae75ae75ae75ae75ae75ae75ae75ae75' };
const SECRETS = [JPUSH_DEFAULT.masterSecret, JPUSH_NEWS.masterSecret, GROUP.groupSecret, TENCENT_DEFAULT.secretKey, TENCENT_NEWS.secretKey];
const ADMIN = 'administrator';

// Computed here from base64, independently of the clients' code.
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const STATISTICS = 'all_member_push_statistics';
const JPUSH_SHARED_ID = '18100000001';
const TENCENT_SHARED_ID = 'task-shared';

let jpushDefault: JPushSimulator;
let jpushNews: JPushSimulator;
let group: JPushGroupSimulator;
let tencentDefault: TencentSimulator;
let tencentNews: TencentSimulator;
let app: App;
let logs = '';

beforeAll(async () => {
  [jpushDefault, jpushNews, group, tencentDefault, tencentNews] = await Promise.all([
    startJPushSimulator(JPUSH_DEFAULT),
    startJPushSimulator(JPUSH_NEWS),
    startJPushGroupSimulator(GROUP),
    startTencentSimulator({ ...TENCENT_DEFAULT, adminId: ADMIN }),
    startTencentSimulator({ ...TENCENT_NEWS, adminId: ADMIN }),
  ]);
  const apps = [
    { name: 'news', vendor: 'JPUSH', ...JPUSH_NEWS, reportUrl: jpushNews.baseUrl },
    // The group's secret is read from a variable the entry names, so it stays out of the JSON.
    { name: 'family', vendor: 'JPUSH', groupKey: GROUP.groupKey, groupSecretEnv: 'FAMILY_GROUP_SECRET', reportUrl: group.baseUrl },
    { name: 'news', vendor: 'TENCENT', ...TENCENT_NEWS, adminId: ADMIN, apiUrl: tencentNews.url },
  ];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  app = await startApp({
    env: {
      DATA_DIR: 'memory://',
      MAX_EVENT_LOOP_DELAY_MS: '60000',
      LOG_LEVEL: 'debug',
      JPUSH_APP_KEY: JPUSH_DEFAULT.appKey,
      JPUSH_MASTER_SECRET: JPUSH_DEFAULT.masterSecret,
      JPUSH_REPORT_URL: jpushDefault.baseUrl,
      TENCENT_SDK_APP_ID: TENCENT_DEFAULT.sdkAppId,
      TENCENT_SECRET_KEY: TENCENT_DEFAULT.secretKey,
      TENCENT_API_URL: tencentDefault.url,
      PUSHGRAPH_APPS: JSON.stringify(apps),
      FAMILY_GROUP_SECRET: GROUP.groupSecret,
    },
    port: 0,
    logger: createLogger({ level: 'debug', destination }),
  });
});

afterAll(async () => {
  await app.close();
  await Promise.all([jpushDefault, jpushNews, group].map((sim) => sim.close()));
  await Promise.all([tencentDefault, tencentNews].map((sim) => sim.close()));
});

/** Requests per simulator from here on. */
let seen: Record<string, number> = {};
const requestCounts = (): Record<string, number> => ({
  jpushDefault: jpushDefault.server.requests.length,
  jpushNews: jpushNews.server.requests.length,
  group: group.server.requests.length,
  tencentDefault: tencentDefault.requests.length,
  tencentNews: tencentNews.requests.length,
});
const newRequests = (): Record<string, number> => {
  const now = requestCounts();
  return Object.fromEntries(Object.entries(now).map(([name, count]) => [name, count - (seen[name] ?? 0)]));
};
beforeEach(() => {
  seen = requestCounts();
});

async function gql<T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; text: string }> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, ...(JSON.parse(text) as object) };
}

const range = (count: number, at: (i: number) => string): string[] => Array.from({ length: count }, (_, i) => at(i));
const msgIds = (requests: RecordedRequest[], param: string): string[][] =>
  requests.map((request) => (request.query.get(param) ?? '').split(','));
const jpushTarget = (detail: JPushMessageDetail | undefined): number | null =>
  detail
    ? (['notification', 'message', 'inapp', 'live_activity'] as const).reduce((sum, type) => sum + (detail.details?.[type]?.target ?? 0), 0)
    : null;
const groupTarget = (detail: JPushGroupMessageDetail | undefined): number | null => {
  if (!detail) return null;
  const android = Object.entries(detail.android_pns ?? {}).reduce(
    (sum, [key, value]) =>
      sum + (key.endsWith('_detail') && typeof value === 'object' && value !== null ? (value as { target: number }).target : 0),
    0,
  );
  return (detail.jpush?.target ?? 0) + android + (detail.ios?.apns_target ?? 0) + (detail.hmos?.hmpns_target ?? 0);
};

interface Answered {
  vendor: string;
  app: string;
  id: string;
  funnel: { target: number | null } | null;
}
const FIELDS = 'vendor app id funnel { target }';

describe('several apps per vendor in one process', () => {
  it('batches a mixed operation per app and endpoint, with each app’s credentials, and answers each app’s figures', async () => {
    const defaultIds = [JPUSH_SHARED_ID, ...range(149, (i) => String(18_200_000_001 + i * 10))];
    const newsIds = [JPUSH_SHARED_ID, ...range(119, (i) => String(18_300_000_001 + i * 10))];
    const groupIds = range(25, (i) => `bsp54sn8bpn8hc3mx${String(i).padStart(3, '0')}`);
    // The same msg_id in two apps is two campaigns: the news app says something else about it.
    const newsShared = jpushNews.messageDetail(JPUSH_SHARED_ID);
    jpushNews.setMessage({
      ...newsShared!,
      msg_id: JPUSH_SHARED_ID,
      details: { notification: { target: 7777, sent: 7000, received: 6000, display: 0, click: 10 } },
    } as JPushMessageDetail);

    const answer = await gql<Record<'d' | 'n' | 'f', Answered[]>>(
      `query ($d: [ID!]!, $n: [ID!]!, $f: [ID!]!) {
        d: campaigns(vendor: JPUSH, ids: $d) { ${FIELDS} }
        n: campaigns(vendor: JPUSH, app: "news", ids: $n) { ${FIELDS} }
        f: campaigns(vendor: JPUSH, app: "family", ids: $f) { ${FIELDS} channels { channel platform target } }
      }`,
      { d: defaultIds, n: newsIds, f: groupIds },
    );
    expect(answer.errors).toBeUndefined();
    // ceil(150/100), ceil(120/100), ceil(25/10): never two apps in one call.
    expect(newRequests()).toEqual({ jpushDefault: 2, jpushNews: 2, group: 3, tencentDefault: 0, tencentNews: 0 });
    expect(msgIds(jpushDefault.requestsTo('messages/detail'), 'msg_ids').map((ids) => ids.length)).toEqual([100, 50]);
    expect(msgIds(jpushNews.requestsTo('messages/detail'), 'msg_ids').map((ids) => ids.length)).toEqual([100, 20]);
    expect(msgIds(group.requestsTo('group/messages/detail'), 'group_msgids')).toEqual([
      groupIds.slice(0, 10),
      groupIds.slice(10, 20),
      groupIds.slice(20),
    ]);
    for (const request of jpushDefault.server.requests)
      expect(request.headers.authorization).toBe(basic(JPUSH_DEFAULT.appKey, JPUSH_DEFAULT.masterSecret));
    for (const request of jpushNews.server.requests)
      expect(request.headers.authorization).toBe(basic(JPUSH_NEWS.appKey, JPUSH_NEWS.masterSecret));
    for (const request of group.server.requests)
      expect(request.headers.authorization).toBe(basic(`group-${GROUP.groupKey}`, GROUP.groupSecret));

    const { d, n, f } = answer.data!;
    expect(d.map((campaign) => [campaign.app, campaign.id, campaign.funnel?.target ?? null])).toEqual(
      defaultIds.map((id) => ['default', id, jpushTarget(jpushDefault.messageDetail(id))]),
    );
    expect(n.map((campaign) => [campaign.app, campaign.id, campaign.funnel?.target ?? null])).toEqual(
      newsIds.map((id) => ['news', id, jpushTarget(jpushNews.messageDetail(id))]),
    );
    expect(n[0]?.funnel?.target).toBe(7777);
    expect(d[0]?.funnel?.target).not.toBe(7777);
    expect(f.map((campaign) => [campaign.app, campaign.id, campaign.funnel?.target ?? null])).toEqual(
      groupIds.map((id) => ['family', id, groupTarget(group.messageDetail(id))]),
    );
  });

  it('batches `_entities` with { vendor, app, id } exactly like `campaigns`; { vendor, id } is the default app', async () => {
    const defaultIds = range(130, (i) => String(18_400_000_001 + i * 10));
    const newsIds = range(101, (i) => String(18_500_000_001 + i * 10));
    const groupIds = range(11, (i) => `bsp54sn8bpn8hc3en${String(i).padStart(3, '0')}`);
    const representations = [
      ...defaultIds.slice(0, 65).map((id) => ({ __typename: 'Campaign', vendor: 'JPUSH', id })),
      ...defaultIds.slice(65).map((id) => ({ __typename: 'Campaign', vendor: 'JPUSH', app: 'default', id })),
      ...newsIds.map((id) => ({ __typename: 'Campaign', vendor: 'JPUSH', app: 'news', id })),
      ...groupIds.map((id) => ({ __typename: 'Campaign', vendor: 'JPUSH', app: 'family', id })),
    ];
    const answer = await gql<{ _entities: Answered[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Campaign { ${FIELDS} } } }`,
      { representations },
    );
    expect(answer.errors).toBeUndefined();
    expect(newRequests()).toEqual({ jpushDefault: 2, jpushNews: 2, group: 2, tencentDefault: 0, tencentNews: 0 });
    expect(answer.data?._entities.map((campaign) => `${campaign.app}/${campaign.id}`)).toEqual(
      representations.map((representation) => `${'app' in representation ? representation.app : 'default'}/${representation.id}`),
    );
  });

  it('gives two Tencent apps their own 1 call/s: their first calls leave in the same second, 0 frequency-limit answers', async () => {
    const defaultIds = [TENCENT_SHARED_ID, ...range(6, (i) => `task-d${i}`)];
    const newsIds = [TENCENT_SHARED_ID, ...range(6, (i) => `task-n${i}`)];
    const shared = tencentNews.task(TENCENT_SHARED_ID);
    tencentNews.setTask(TENCENT_SHARED_ID, {
      statistics: { ...shared.statistics, TotalCount: 4242, SentCount: 4000, DeliveredCount: 3000, ClickCount: 5 },
    });

    const answer = await gql<Record<'d' | 'n', Answered[]>>(
      `query ($d: [ID!]!, $n: [ID!]!) {
        d: campaigns(vendor: TENCENT, ids: $d) { ${FIELDS} }
        n: campaigns(vendor: TENCENT, app: "news", ids: $n) { ${FIELDS} }
      }`,
      { d: defaultIds, n: newsIds },
    );
    expect(answer.errors).toBeUndefined();
    // 7 TaskIDs per app: 2 statistics calls each (5 + 2); loss is not selected.
    expect(newRequests()).toEqual({ jpushDefault: 0, jpushNews: 0, group: 0, tencentDefault: 2, tencentNews: 2 });
    const [firstDefault, secondDefault] = tencentDefault.callsTo(STATISTICS).map((request) => request.arrivedAt);
    const [firstNews, secondNews] = tencentNews.callsTo(STATISTICS).map((request) => request.arrivedAt);
    expect(Math.abs(firstDefault! - firstNews!)).toBeLessThan(1_000);
    expect(secondDefault! - firstDefault!).toBeGreaterThanOrEqual(1_000);
    expect(secondNews! - firstNews!).toBeGreaterThanOrEqual(1_000);
    expect([...tencentDefault.answers, ...tencentNews.answers].filter((reply) => reply.errorCode !== 0)).toEqual([]);
    expect(tencentDefault.violations() + tencentNews.violations()).toBe(0);
    for (const [sim, credentials] of [
      [tencentDefault, TENCENT_DEFAULT],
      [tencentNews, TENCENT_NEWS],
    ] as const) {
      for (const request of sim.requests) {
        expect(request.query.get('sdkappid')).toBe(credentials.sdkAppId);
        const userSig = request.query.get('usersig') ?? '';
        expect(
          verifyUserSig(
            userSig,
            { sdkAppId: credentials.sdkAppId, identifier: ADMIN },
            credentials.secretKey,
            Math.floor(Date.now() / 1000),
          ),
        ).toEqual({ ok: true });
      }
    }
    const { d, n } = answer.data!;
    expect(d.map((campaign) => [campaign.app, campaign.funnel?.target])).toEqual(
      defaultIds.map((id) => ['default', tencentDefault.task(id).statistics.TotalCount]),
    );
    expect(n.map((campaign) => [campaign.app, campaign.funnel?.target])).toEqual(
      newsIds.map((id) => ['news', tencentNews.task(id).statistics.TotalCount]),
    );
    expect(n[0]?.funnel?.target).toBe(4242);
  });

  it('reads group/users for a group, users for an app, each with its own credentials', async () => {
    const start = new Date(Date.now() + 8 * 3_600_000 - 3 * 86_400_000).toISOString().slice(0, 10);
    const answer = await gql<Record<'d' | 'f', { points: unknown[] }>>(
      `{ d: userMetrics(timeUnit: DAY, start: "${start}", duration: 2) { points { time } }
         f: userMetrics(timeUnit: DAY, start: "${start}", duration: 2, app: "family") { points { time } } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(newRequests()).toEqual({ jpushDefault: 1, jpushNews: 0, group: 1, tencentDefault: 0, tencentNews: 0 });
    expect(group.requestsTo('group/users')).toHaveLength(1);
    expect(group.requestsTo('group/users')[0]?.headers.authorization).toBe(basic(`group-${GROUP.groupKey}`, GROUP.groupSecret));
    expect(jpushDefault.requestsTo('users')[0]?.headers.authorization).toBe(basic(JPUSH_DEFAULT.appKey, JPUSH_DEFAULT.masterSecret));
  });

  it.each([
    ['campaign', '{ campaign(vendor: JPUSH, id: "1", app: "nope") { id } }'],
    ['campaigns', '{ campaigns(vendor: TENCENT, ids: ["task-1"], app: "family") { id } }'],
    ['deliveryStatus', '{ deliveryStatus(msgId: "1", registrationIds: ["r"], app: "nope") { status } }'],
    ['deviceTrace', '{ deviceTrace(taskId: "t", userId: "u", app: "family") { instanceId } }'],
    ['userMetrics', '{ userMetrics(timeUnit: DAY, start: "2026-12-01", duration: 1, app: "nope") { start } }'],
    [
      '_entities',
      '{ _entities(representations: [{ __typename: "Campaign", vendor: "ALIYUN", app: "news", id: "1" }]) { ... on Campaign { id } } }',
    ],
  ])('refuses an unknown app on %s with BAD_USER_INPUT (app) and 0 vendor calls', async (_field, query) => {
    const answer = await gql(query);
    expect(answer.errors?.map((error) => [error.extensions?.code, error.extensions?.argumentName])).toEqual([['BAD_USER_INPUT', 'app']]);
    expect(newRequests()).toEqual({ jpushDefault: 0, jpushNews: 0, group: 0, tencentDefault: 0, tencentNews: 0 });
  });

  it('refuses deliveryStatus on a group, which has no status/message, with 0 calls', async () => {
    const answer = await gql('{ deliveryStatus(msgId: "1", registrationIds: ["r"], app: "family") { status } }');
    expect(answer.errors?.map((error) => [error.extensions?.code, error.extensions?.argumentName])).toEqual([['BAD_USER_INPUT', 'app']]);
    expect(newRequests()).toEqual({ jpushDefault: 0, jpushNews: 0, group: 0, tencentDefault: 0, tencentNews: 0 });
  });

  it('lists every app with its mode in /health, labels vendor calls with the app, and prints no secret anywhere', async () => {
    const health = (await (await fetch(`${app.url}/health`)).json()) as Record<string, unknown>;
    expect(health.vendors).toEqual({ JPUSH: 'live', TENCENT: 'live', ALIYUN: 'simulated' });
    expect(health.apps).toEqual({
      JPUSH: { default: 'live', news: 'live', family: 'live' },
      TENCENT: { default: 'live', news: 'live' },
      ALIYUN: { default: 'simulated' },
    });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /pushgraph_vendor_calls_total\{vendor="JPUSH",app="family",endpoint="group\/messages\/detail",outcome="ok"\} 5/,
    );
    expect(metrics).toMatch(
      /pushgraph_vendor_calls_total\{vendor="TENCENT",app="news",endpoint="all_member_push_statistics",outcome="ok"\} 2/,
    );
    // A failing call's error text too.
    const failed = await gql('{ deliveryStatus(msgId: "abc", registrationIds: ["r"], app: "news") { status } }');
    expect(failed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (const text of [JSON.stringify(health), metrics, logs, failed.text]) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    expect(logs).toContain('"app":"family"');
  });
});

describe('the vendor-quota limit costs each app on its own', () => {
  const cost = (query: string): AppQuota[] => {
    const document = parse(query);
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
    return quotaSeconds(measureDemand(document, operation), new Set(['family']));
  };

  it('counts batches per app (a group 10 ids a call) and Tencent traces per SDKAppID', () => {
    const ids = (count: number): string => JSON.stringify(range(count, (i) => String(i + 1)));
    expect(
      cost(`{
        a: campaigns(vendor: JPUSH, ids: ${ids(150)}) { id }
        b: campaigns(vendor: JPUSH, app: "news", ids: ${ids(100)}) { id }
        c: campaigns(vendor: JPUSH, app: "family", ids: ${ids(25)}) { id }
        d: deviceTrace(taskId: "t", userId: "u") { instanceId }
        e: deviceTrace(taskId: "t", userId: "v") { instanceId }
        f: deviceTrace(taskId: "t", userId: "u", app: "news") { instanceId }
        g: _entities(representations: [{ __typename: "Campaign", vendor: ALIYUN, app: "shop", id: "1" }]) { __typename }
      }`),
    ).toEqual([
      { vendor: 'JPUSH', app: 'default', seconds: (2 * 60) / 2400 },
      { vendor: 'JPUSH', app: 'news', seconds: (1 * 60) / 2400 },
      { vendor: 'JPUSH', app: 'family', seconds: (3 * 60) / 2400 },
      { vendor: 'TENCENT', app: 'default', seconds: 2 },
      { vendor: 'TENCENT', app: 'news', seconds: 1 },
      { vendor: 'ALIYUN', app: 'shop', seconds: 1 / 50 },
    ]);
  });
});
