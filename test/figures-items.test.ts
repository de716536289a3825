import { afterEach, describe, expect, it } from 'vitest';
import { startJPushSimulator, type JPushSimulator } from '../src/datasources/jpush/index.js';
import { startTencentSimulator, type TencentSimulator } from '../src/datasources/tencent/simulator.js';
import { startTestApp, type TestApp } from './helpers.js';

/*
 * Issue 12 point 4: one odd element of a vendor answer costs only its own campaign or trace; the
 * neighbours in the same call are answered exactly, and the failed one is not cached.
 */

const CAMPAIGN =
  'id funnel { target sent received displayed clicked dismissed } channels { channel platform messageType target sent received displayed clicked }';

let running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.map((item) => item.close()));
  running = [];
});

async function bootJPush(vip: boolean): Promise<{ sim: JPushSimulator; app: TestApp }> {
  const sim = await startJPushSimulator({ vip });
  const app = await startTestApp({ JPUSH_APP_KEY: sim.appKey, JPUSH_MASTER_SECRET: sim.masterSecret, JPUSH_REPORT_URL: sim.baseUrl });
  running.push(app, sim);
  return { sim, app };
}

const msgIdsOf = (sim: JPushSimulator, endpoint: string): string[][] =>
  sim.requestsTo(endpoint).map((request) => (request.query.get('msg_ids') ?? '').split(','));

const none = { target: null, sent: null, received: null, displayed: null, clicked: null };

describe('JPush messages/detail, per campaign', () => {
  it('reads a null channel block as absent, fails only the unreadable campaign, and does not cache its failure', async () => {
    const { sim, app } = await bootJPush(true);
    sim.setMessage({
      msg_id: '1201',
      details: {
        notification: {
          target: 10,
          sent: 9,
          received: 8,
          display: 7,
          click: 2,
          sub_android: null,
          sub_ios: { apns: { target: 10, sent: 9, received: 8, display: 7, click: 2 }, voip: null },
        },
        message: null,
      },
    });
    sim.setRawMessage('1202', { msg_id: '1202', details: { notification: { target: 5, sub_ios: { apns: 'x' } } } });
    sim.setMessage({ msg_id: '1203', details: { inapp: { target: 4, sent: 4, received: 3, display: 2, click: 1 } } });
    const query = `{ campaigns(vendor: JPUSH, ids: ["1201", "1202", "1203"]) { ${CAMPAIGN} } }`;

    const answer = await app.gql(query);
    expect(answer.data?.campaigns).toEqual([
      {
        id: '1201',
        funnel: { target: 10, sent: 9, received: 8, displayed: 7, clicked: 2, dismissed: null },
        channels: [
          { channel: 'APNS', platform: 'IOS', messageType: 'NOTIFICATION', target: 10, sent: 9, received: 8, displayed: 7, clicked: 2 },
        ],
      },
      null,
      { id: '1203', funnel: { target: 4, sent: 4, received: 3, displayed: 2, clicked: 1, dismissed: null }, channels: [] },
    ]);
    expect(answer.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.vendorCode])).toEqual([
      [['campaigns', 1], 'VENDOR_ERROR', 'MALFORMED_RESPONSE'],
    ]);
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([['1201', '1202', '1203']]);

    // The readable campaigns are cached; the unreadable one is asked again, alone.
    const again = await app.gql(query);
    expect(again).toEqual(answer);
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([['1201', '1202', '1203'], ['1202']]);
  });
});

describe('JPush received/detail (no VIP interface), per campaign', () => {
  it('fails only the row with an unreadable counter; null counters are absent figures', async () => {
    const { sim, app } = await bootJPush(false);
    sim.setReceived({
      msg_id: '1301',
      jpush_received: 40,
      android_pns_sent: null,
      android_pns_received: null,
      ios_apns_sent: 12,
      ios_apns_received: 10,
    });
    sim.setReceived({ msg_id: '1302', jpush_received: 'many' as unknown as number });
    const answer = await app.gql(`{ campaigns(vendor: JPUSH, ids: ["1301", "1302"]) { ${CAMPAIGN} } }`);
    expect(answer.data?.campaigns).toEqual([
      {
        id: '1301',
        funnel: { target: null, sent: null, received: 50, displayed: null, clicked: null, dismissed: null },
        channels: [
          { ...none, channel: 'JPUSH', platform: 'UNKNOWN', messageType: null, received: 40 },
          { ...none, channel: 'APNS', platform: 'IOS', messageType: 'NOTIFICATION', sent: 12, received: 10 },
        ],
      },
      null,
    ]);
    expect(answer.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.vendorCode])).toEqual([
      [['campaigns', 1], 'VENDOR_ERROR', 'MALFORMED_RESPONSE'],
    ]);
    expect(msgIdsOf(sim, 'messages/detail')).toEqual([['1301', '1302']]);
    expect(msgIdsOf(sim, 'received/detail')).toEqual([['1301', '1302']]);
  });
});

describe('Tencent trace, odd stages', () => {
  async function bootTencent(): Promise<{ sim: TencentSimulator; app: TestApp }> {
    const sim = await startTencentSimulator({ adminId: 'administrator' });
    const app = await startTestApp({
      TENCENT_API_URL: sim.url,
      TENCENT_SDK_APP_ID: sim.credentials.sdkAppId,
      TENCENT_SECRET_KEY: sim.credentials.secretKey,
      TENCENT_ADMIN_ID: 'administrator',
    });
    running.push(app, sim);
    return { sim, app };
  }

  it('leaves out an empty stage and a PushStatus other than 1 / 2; the other stages and devices are answered exactly', async () => {
    const { sim, app } = await bootTencent();
    const at = '2025-03-13 16:16:29';
    sim.setTrace('task-odd', 'user-1', [
      {
        InstanceId: '101',
        EventType: 1,
        PushPlatform: 3,
        IMCommitStat: { IMStat: { PushStatus: 1, EventTime: at } },
        OfflinePushStat: {
          OfflineStat: { PushStatus: 1, EventTime: at },
          ChannelStat: { PushStatus: 2, ErrorCode: 80001, ErrorInfo: 'token expired', EventTime: at },
          DeviceStat: {},
          ClickStat: { PushStatus: 3, EventTime: at },
        },
      },
      {
        InstanceId: '102',
        EventType: 2,
        PushPlatform: 0,
        OnlinePushStat: { ChannelStat: { PushStatus: 1, EventTime: at }, DeviceStat: {} },
      },
    ]);
    const answer = await app.gql(
      '{ deviceTrace(taskId: "task-odd", userId: "user-1") { instanceId channel stages { name success errorCode errorInfo eventTime } } }',
    );
    expect(answer.errors).toBeUndefined();
    const ok = (name: string) => ({ name, success: true, errorCode: null, errorInfo: null, eventTime: at });
    expect(answer.data?.deviceTrace).toEqual([
      {
        instanceId: '101',
        channel: 'HUAWEI',
        stages: [
          ok('IM_COMMIT'),
          ok('OFFLINE_SUBMIT'),
          { name: 'VENDOR_CHANNEL', success: false, errorCode: 80001, errorInfo: 'token expired', eventTime: at },
        ],
      },
      { instanceId: '102', channel: 'UNKNOWN', stages: [ok('ONLINE_CHANNEL')] },
    ]);
    expect(sim.callsTo('all_member_push_trace')).toHaveLength(1);
  });
});
