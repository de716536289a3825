import { afterEach, describe, expect, it } from 'vitest';
import { LruAnswerCache } from '../src/cache.js';
import { VendorHttp } from '../src/datasources/http.js';
import { JPushGroupClient } from '../src/datasources/jpush/group-client.js';
import { JPushGroupLoaders } from '../src/datasources/jpush/group-loader.js';
import { startJPushGroupSimulator, type JPushGroupSimulator } from '../src/datasources/jpush/group-simulator.js';
import type { JPushGroupMessageDetail } from '../src/datasources/jpush/group-types.js';
import { checkGroupMsgId, checkGroupUsersQuery } from '../src/datasources/jpush/group-validate.js';
import type { JPushSource } from '../src/datasources/jpush/loader.js';
import { JPushQuota } from '../src/datasources/jpush/quota.js';
import { dayString, chinaNow } from '../src/datasources/jpush/validate.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';

const GROUP_KEY = '9439ee12e91bd4c895d1b0f5';
const GROUP_SECRET = '01bad4e44cecb42b36ea370a';
// Computed here from base64, independently of the client's code (the doc's `-u group-<key>:<secret>`).
const EXPECTED_AUTH = `Basic ${Buffer.from(`group-${GROUP_KEY}:${GROUP_SECRET}`).toString('base64')}`;

/** The doc's example answer, verbatim. */
const DOC_EXAMPLE: JPushGroupMessageDetail = JSON.parse(
  '{"android_pns":{"fcm_detail":{"received":0,"sent":0,"target":0},"hw_detail":{"received":0,"sent":0,"target":0},"honor_detail":{"received":0,"sent":0,"target":0},"mz_detail":{"received":0,"sent":0,"target":0},"oppo_detail":{"received":0,"sent":0,"target":0},"pns_received":1,"pns_sent":1,"pns_target":1,"vivo_detail":{"received":0,"sent":0,"target":0},"xm_detail":{"received":1,"sent":1,"target":1},"nio_detail":{"received":0,"sent":0,"target":0}},"group_msgid":"bsp54sn8bpn8hc3etq40","ios":{"apns_click":0,"apns_received":0,"apns_sent":0,"apns_target":0,"msg_click":0,"msg_received":0,"msg_target":0},"jpush":{"click":0,"msg_click":0,"online_push":2,"received":2,"target":14}}',
) as JPushGroupMessageDetail;

let sim: JPushGroupSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function boot(secret = GROUP_SECRET): Promise<{ sim: JPushGroupSimulator; source: () => JPushSource }> {
  sim = await startJPushGroupSimulator({ groupKey: GROUP_KEY, groupSecret: GROUP_SECRET });
  const http = new VendorHttp({
    vendor: 'JPUSH',
    timeoutMs: 2000,
    logger: createLogger({ level: 'silent' }),
    metrics: new Metrics(),
    gate: new JPushQuota(),
  });
  const client = new JPushGroupClient({ baseUrl: sim.baseUrl, groupKey: GROUP_KEY, groupSecret: secret, http });
  const loaders = new JPushGroupLoaders({ client, cache: new LruAnswerCache(), ttlMs: 60_000, app: 'family' });
  return { sim, source: () => loaders.createSource() };
}

const codeOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: { extensions?: Record<string, unknown> }) => error.extensions,
  );

/** The funnel the SDL promises: each stage summed over the channel blocks (msg_* of ios/hmos are in `jpush`). */
function expectedFunnel(detail: JPushGroupMessageDetail): Record<string, number | null> {
  const details = Object.entries(detail.android_pns ?? {}).flatMap(([key, value]) =>
    key.endsWith('_detail') && typeof value === 'object' && value !== null
      ? [value as { target: number; sent: number; received: number }]
      : [],
  );
  const add = (values: Array<number | null | undefined>): number => values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
  return {
    target: add([detail.jpush?.target, ...details.map((d) => d.target), detail.ios?.apns_target, detail.hmos?.hmpns_target]),
    sent: add([detail.jpush?.online_push, ...details.map((d) => d.sent), detail.ios?.apns_sent, detail.hmos?.hmpns_sent]),
    received: add([detail.jpush?.received, ...details.map((d) => d.received), detail.ios?.apns_received, detail.hmos?.hmpns_received]),
    displayed: null,
    clicked: add([detail.jpush?.click, detail.jpush?.msg_click, detail.ios?.apns_click, detail.hmos?.hmpns_click]),
    dismissed: null,
  };
}

describe('JPush app group: group/messages/detail', () => {
  it('batches 25 group_msgids into 3 calls of 10, 10 and 5, each with the group auth, and answers the simulator figures', async () => {
    const { sim, source } = await boot();
    const ids = Array.from({ length: 25 }, (_, i) => `bsp54sn8bpn8hc3et${String(i).padStart(3, '0')}`);
    ids[7] = 'bsp54sn8bpn8hc3e0404';
    const request = source();
    const funnels = await Promise.all(ids.map((id) => request.funnel(id, {})));
    const calls = sim.requestsTo('group/messages/detail');
    expect(calls.map((call) => (call.query.get('group_msgids') ?? '').split(','))).toEqual([
      ids.slice(0, 10),
      ids.slice(10, 20),
      ids.slice(20),
    ]);
    expect(calls.map((call) => call.headers.authorization)).toEqual([EXPECTED_AUTH, EXPECTED_AUTH, EXPECTED_AUTH]);
    for (const [index, id] of ids.entries()) {
      const detail = sim.messageDetail(id);
      expect(funnels[index], id).toEqual(detail ? expectedFunnel(detail) : null);
    }
    expect(funnels[7]).toBeNull();
    expect(await request.campaign(ids[7] ?? '')).toBeNull();
    // The same request's channels and a later request come from the loader and the answer cache: no call.
    expect((await request.channels(ids[0] ?? '', {}))?.length).toBe(11);
    await Promise.all(ids.map((id) => source().campaign(id)));
    expect(sim.requestsTo('group/messages/detail')).toHaveLength(3);
  });

  it('answers a campaign the answer cache holds synchronously, for any later request; before its load, only a load can tell', async () => {
    const { sim, source } = await boot();
    const [known, unknown] = ['bsp54sn8bpn8hc3etq40', 'bsp54sn8bpn8hc3e0404'];
    expect(source().cachedCampaign?.(known)).toBeUndefined();
    expect(source().cachedCampaign?.(unknown)).toBeUndefined();
    const loaded = await Promise.all([source().campaign(known), source().campaign(unknown)]);
    expect(loaded[0]?.view?.funnel).toEqual(expectedFunnel(sim.messageDetail(known)!));
    expect(loaded[1]).toBeNull();
    // A value, not a promise: a hot request completes in the resolvers' own pass.
    expect(source().cachedCampaign?.(known)).toEqual(loaded[0]);
    expect(source().cachedCampaign?.(unknown)).toBeNull();
    expect(sim.requestsTo('group/messages/detail')).toHaveLength(1);
  });

  it('maps the doc example: one row per channel block, the funnel their sum', async () => {
    const { sim, source } = await boot();
    sim.setMessage('bsp54sn8bpn8hc3etq40', DOC_EXAMPLE);
    const request = source();
    const [funnel, channels] = await Promise.all([
      request.funnel('bsp54sn8bpn8hc3etq40', {}),
      request.channels('bsp54sn8bpn8hc3etq40', {}),
    ]);
    const vendorRow = (channel: string, figures: number): Record<string, unknown> => ({
      channel,
      platform: 'ANDROID',
      messageType: 'NOTIFICATION',
      eventType: null,
      target: figures,
      sent: figures,
      received: figures,
      displayed: null,
      clicked: null,
    });
    expect(channels).toEqual([
      {
        channel: 'JPUSH',
        platform: 'UNKNOWN',
        messageType: null,
        eventType: null,
        target: 14,
        sent: 2,
        received: 2,
        displayed: null,
        clicked: 0,
      },
      vendorRow('FCM', 0),
      vendorRow('HUAWEI', 0),
      vendorRow('HONOR', 0),
      vendorRow('MEIZU', 0),
      vendorRow('OPPO', 0),
      vendorRow('VIVO', 0),
      vendorRow('XIAOMI', 1),
      vendorRow('NIO', 0),
      {
        channel: 'APNS',
        platform: 'IOS',
        messageType: 'NOTIFICATION',
        eventType: null,
        target: 0,
        sent: 0,
        received: 0,
        displayed: null,
        clicked: 0,
      },
    ]);
    expect(funnel).toEqual({ target: 15, sent: 3, received: 3, displayed: null, clicked: 0, dismissed: null });
    expect(sim.requestsTo('group/messages/detail')).toHaveLength(1);
  });

  it('fails only the campaign whose element is malformed; an unreadable group_msgid fails the call', async () => {
    const { sim, source } = await boot();
    sim.setMessage('odd1', { group_msgid: 'odd1', jpush: { target: -1 } });
    const request = source();
    const [odd, good] = await Promise.all([codeOf(request.funnel('odd1', {})), request.funnel('good1', {})]);
    expect(odd).toEqual({ code: 'VENDOR_ERROR', vendor: 'JPUSH', vendorCode: 'MALFORMED_RESPONSE' });
    expect(good).toEqual(expectedFunnel(sim.messageDetail('good1') ?? DOC_EXAMPLE));
    // The failure is not cached: a later request asks JPush again, for the odd id alone.
    const later = source();
    const [oddAgain, goodAgain] = await Promise.all([codeOf(later.funnel('odd1', {})), later.funnel('good1', {})]);
    expect([oddAgain, goodAgain]).toEqual([odd, good]);
    expect(sim.requestsTo('group/messages/detail').map((call) => call.query.get('group_msgids'))).toEqual(['odd1,good1', 'odd1']);
    sim.setMessage('odd2', { group_msgid: 5 });
    expect(await codeOf(source().funnel('odd2', {}))).toEqual({
      code: 'VENDOR_ERROR',
      vendor: 'JPUSH',
      vendorCode: 'MALFORMED_RESPONSE',
      status: 200,
    });
    expect(sim.requestsTo('group/messages/detail')).toHaveLength(3);
  });

  it('refuses an id that is no group_msgid before any call, and reports the vendor refusing the credentials', async () => {
    const { sim, source } = await boot();
    for (const bad of ['', 'bsp-54', 'a b', 'x'.repeat(65), 'ab,cd']) {
      expect(await codeOf(source().campaign(bad)), bad).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'id' });
    }
    expect(await codeOf(source().deliveryStatus('1', ['r'], null))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'app' });
    expect(sim.server.requests).toHaveLength(0);
    await sim.close();
    const wrong = await boot('not-the-secret');
    expect(await codeOf(wrong.source().campaign('abc'))).toEqual({
      code: 'VENDOR_ERROR',
      vendor: 'JPUSH',
      vendorCode: '3001',
      vendorMessage: 'Basic authentication failed',
      status: 401,
    });
  });

  it('simulator: checks the group auth exactly and at most 10 ids a call', async () => {
    const { sim } = await boot();
    const get = async (path: string, auth: string): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${sim.baseUrl}/${path}`, { headers: { authorization: auth } });
      return { status: response.status, body: await response.json() };
    };
    const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
    const refused = { status: 401, body: { error: { code: 3001, message: 'Basic authentication failed' } } };
    expect(await get('group/messages/detail?group_msgids=abc', basic(GROUP_KEY, GROUP_SECRET))).toEqual(refused);
    expect(await get('group/messages/detail?group_msgids=abc', basic(`group-${GROUP_KEY}`, 'x'))).toEqual(refused);
    const eleven = Array.from({ length: 11 }, (_, i) => `id${i}`).join(',');
    expect(await get(`group/messages/detail?group_msgids=${eleven}`, EXPECTED_AUTH)).toEqual({
      status: 400,
      body: { error: { code: 3007, message: 'group_msgids supports at most 10 ids' } },
    });
    const answer = await get('group/messages/detail?group_msgids=abc', EXPECTED_AUTH);
    expect(answer).toEqual({ status: 200, body: [sim.messageDetail('abc')] });
  });
});

// 2025-03-10 10:30 in Beijing (UTC+8), where JPush counts its days.
const NOW = Date.UTC(2025, 2, 10, 2, 30);

describe('JPush app group: group/users', () => {
  it('keeps the group to 30 days (an app has 60), with the users rules otherwise', () => {
    expect(checkGroupUsersQuery('DAY', '2025-02-08', 2, NOW)).toBeUndefined();
    expect(checkGroupUsersQuery('DAY', '2025-02-07', 2, NOW)).toEqual({
      argument: 'start',
      code: 3005,
      message: 'start 2025-02-07 is older than the 30 days JPush keeps for an app group',
    });
    expect(checkGroupUsersQuery('DAY', '2025-01-09', 2, NOW)?.code).toBe(3005);
    expect(checkGroupUsersQuery('MONTH', '2025-02', 1, NOW)).toBeUndefined();
    expect(checkGroupUsersQuery('MONTH', '2025-01', 1, NOW)?.code).toBe(3005);
    expect(checkGroupUsersQuery('HOUR', '2025-03-10 09', 2, NOW)).toBeUndefined();
    expect(checkGroupUsersQuery('HOUR', '2025-03-09 09', 2, NOW)?.code).toBe(3005);
    expect(checkGroupUsersQuery('DAY', '2025-03', 1, NOW)?.code).toBe(3004);
    expect(checkGroupMsgId('bsp54sn8bpn8hc3etq40', 'id')).toBeUndefined();
    expect(checkGroupMsgId('bsp54_sn8', 'id')?.code).toBe(3007);
  });

  it('reads group/users with the group auth; refuses past 30 days before any call, as the simulator does', async () => {
    const { sim, source } = await boot();
    sim.setUsersItems([
      { time: '2020-08-06', android: { active: 7, new: 5, online: 11 } },
      { time: '2020-08-06', hmos: { active: 7, new: 5, online: 11 } },
    ]);
    const today = chinaNow().day;
    const start = dayString(today - 30);
    expect(await source().userMetrics('DAY', start, 2)).toEqual({
      timeUnit: 'DAY',
      start,
      duration: 2,
      points: [
        { time: '2020-08-06', platform: 'ANDROID', new: 5, online: 11, active: 7 },
        { time: '2020-08-06', platform: 'HARMONY', new: 5, online: 11, active: 7 },
      ],
    });
    const calls = sim.requestsTo('group/users');
    expect(calls.map((call) => [call.headers.authorization, call.query.toString()])).toEqual([
      [EXPECTED_AUTH, `time_unit=DAY&start=${start}&duration=2`],
    ]);
    expect(await codeOf(source().userMetrics('DAY', dayString(today - 31), 2))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'start' });
    expect(sim.requestsTo('group/users')).toHaveLength(1);
    const direct = await fetch(`${sim.baseUrl}/group/users?time_unit=day&start=${dayString(today - 31)}&duration=1`, {
      headers: { authorization: EXPECTED_AUTH },
    });
    expect([direct.status, ((await direct.json()) as { error: { code: number } }).error.code]).toEqual([400, 3005]);
  });
});
