import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCampaignStatistics, toDeviceTrace, toLossReasons } from '../src/datasources/tencent/mapper.js';
import {
  TencentPushLossResponseSchema,
  TencentPushStatisticsResponseSchema,
  TencentPushTraceResponseSchema,
  type TencentPushStatisticsResult,
} from '../src/datasources/tencent/types.js';

// The response samples of the three TIMPush pages in vendor-docs/ (the loss sample's trailing
// comma, invalid JSON, removed), read through the same schemas as live answers.
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/tencent/${name}.json`, import.meta.url), 'utf8'));

describe('Tencent mapper', () => {
  it('maps the statistics sample: counts to the funnel, PlatformStatistics to channels', () => {
    const [first, second] = TencentPushStatisticsResponseSchema.parse(fixture('statistics')).Results;
    expect(toCampaignStatistics(first!)).toEqual({
      funnel: { target: 2670, sent: 2213, received: 532, displayed: null, clicked: 206, dismissed: null },
      channels: [
        {
          channel: 'APNS',
          platform: 'IOS',
          messageType: null,
          eventType: 'OFFLINE',
          target: 532,
          sent: 391,
          // DeliveredCount 0 beside ClickCount 27: APNs delivery is not measured, so null, not 0.
          received: null,
          displayed: null,
          clicked: 27,
        },
      ],
    });
    expect(toCampaignStatistics(second!).channels).toEqual([
      {
        channel: 'XIAOMI',
        platform: 'ANDROID',
        messageType: null,
        eventType: 'OFFLINE',
        target: 266,
        sent: 236,
        received: 162,
        displayed: null,
        clicked: 24,
      },
    ]);
  });

  it('names every PushPlatform; online pushes (Tencent’s own connection, PushPlatform 0) and offline platform 0 as UNKNOWN, never another vendor', () => {
    const rows = [
      [2, 0],
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [1, 5],
      [1, 6],
      [1, 7],
      [1, 8],
    ] as const;
    const result: TencentPushStatisticsResult = {
      TaskID: 't',
      TotalCount: 10,
      SentCount: 10,
      DeliveredCount: 10,
      ClickCount: 10,
      PlatformStatistics: rows.map(([EventType, PushPlatform]) => ({
        EventType,
        PushPlatform,
        TotalCount: 1,
        SentCount: 1,
        DeliveredCount: 1,
        ClickCount: 1,
      })),
    };
    expect(toCampaignStatistics(result).channels.map(({ channel, platform, eventType }) => [channel, platform, eventType])).toEqual([
      ['UNKNOWN', 'UNKNOWN', 'ONLINE'],
      ['UNKNOWN', 'UNKNOWN', 'OFFLINE'],
      ['APNS', 'IOS', 'OFFLINE'],
      ['XIAOMI', 'ANDROID', 'OFFLINE'],
      ['HUAWEI', 'ANDROID', 'OFFLINE'],
      ['FCM', 'ANDROID', 'OFFLINE'],
      ['MEIZU', 'ANDROID', 'OFFLINE'],
      ['OPPO', 'ANDROID', 'OFFLINE'],
      ['VIVO', 'ANDROID', 'OFFLINE'],
      ['HONOR', 'ANDROID', 'OFFLINE'],
    ]);
  });

  it('makes null a stage reported 0 while a later stage counts more, in the funnel and each row; a 0 with nothing after stays 0', () => {
    const row = (TotalCount: number, SentCount: number, DeliveredCount: number, ClickCount: number) => ({
      TotalCount,
      SentCount,
      DeliveredCount,
      ClickCount,
    });
    const result: TencentPushStatisticsResult = {
      TaskID: 't',
      ...row(0, 0, 5, 0),
      PlatformStatistics: [
        { EventType: 1, PushPlatform: 2, ...row(10, 0, 0, 3) },
        { EventType: 2, PushPlatform: 0, ...row(10, 8, 0, 0) },
      ],
    };
    const { funnel, channels } = toCampaignStatistics(result);
    expect(funnel).toEqual({ target: null, sent: null, received: 5, displayed: null, clicked: 0, dismissed: null });
    expect(channels.map(({ target, sent, received, clicked }) => [target, sent, received, clicked])).toEqual([
      [10, null, null, 3],
      [10, 8, 0, 0],
    ]);
  });

  it('gives online pushes in the loss lists UNKNOWN with eventType ONLINE', () => {
    const result = {
      TaskID: 't',
      ReadyToSendLoss: [],
      PostSendDeliveredLoss: [],
      PlatformReadyToSendLoss: [{ ErrCode: '20003', ErrCount: 2, ErrInfo: 'offline', EventType: 2, PushPlatform: 0 }],
      PlatformPostSendDeliveredLoss: [],
    };
    expect(toLossReasons(result)).toEqual([
      { stage: 'READY_TO_SEND', errorCode: '20003', count: 2, description: 'offline', channel: 'UNKNOWN', eventType: 'ONLINE' },
    ]);
  });

  it('maps the four loss lists in order: overall lists without channel, per-platform lists with it', () => {
    const [, second] = TencentPushLossResponseSchema.parse(fixture('loss')).Results;
    expect(toLossReasons(second!)).toEqual([
      { stage: 'READY_TO_SEND', errorCode: '-1', count: 159, description: 'Certificate id not set', channel: null, eventType: null },
      { stage: 'READY_TO_SEND', errorCode: '-2', count: 104, description: 'token not uploaded', channel: null, eventType: null },
      { stage: 'POST_SEND_DELIVERED', errorCode: '410', count: 26, description: 'Unregistered', channel: null, eventType: null },
      { stage: 'POST_SEND_DELIVERED', errorCode: '10302', count: 143, description: 'User Id invalid', channel: null, eventType: null },
      { stage: 'READY_TO_SEND', errorCode: '-1', count: 3, description: 'Certificate id not set', channel: 'APNS', eventType: 'OFFLINE' },
      { stage: 'READY_TO_SEND', errorCode: '-1', count: 1, description: 'Certificate id not set', channel: 'APNS', eventType: 'OFFLINE' },
      { stage: 'POST_SEND_DELIVERED', errorCode: '16', count: 56, description: null, channel: 'APNS', eventType: 'OFFLINE' },
      { stage: 'POST_SEND_DELIVERED', errorCode: '1', count: 177, description: 'regid_invalid', channel: 'XIAOMI', eventType: 'OFFLINE' },
    ]);
  });

  it('keeps numeric error codes as strings', () => {
    const { Results } = TencentPushLossResponseSchema.parse({
      Results: [{ TaskID: 't', ReadyToSendLoss: [{ ErrCode: -3, ErrCount: 2 }] }],
    });
    expect(toLossReasons(Results[0]!)).toEqual([
      { stage: 'READY_TO_SEND', errorCode: '-3', count: 2, description: null, channel: null, eventType: null },
    ]);
  });

  it('maps the trace sample with every stage in delivery order', () => {
    const [instance] = TencentPushTraceResponseSchema.parse(fixture('trace')).InstanceTrace;
    const at = '2025-03-13 16:16:29';
    const ok = (name: string) => ({ name, success: true, errorCode: null, errorInfo: null, eventTime: at });
    expect(toDeviceTrace(instance!)).toEqual({
      instanceId: '74224656',
      pushTime: '2025-03-13 16:16:27',
      deviceModel: null,
      system: 'Android',
      systemVersion: null,
      eventType: 'OFFLINE',
      channel: 'APNS',
      token: 'aabbc',
      certId: '1122',
      sdkVersion: '8.0.1',
      pushVersion: '8.0.1',
      notificationEnabled: true,
      recentlyActive: true,
      stages: ['IM_COMMIT', 'OFFLINE_SUBMIT', 'VENDOR_CHANNEL', 'DEVICE', 'CLICK', 'ONLINE_CHANNEL', 'ONLINE_DEVICE'].map(ok),
    });
  });

  it('reports a failed stage with its code, leaves out unreported stages and reads LastActiveTerminal', () => {
    const trace = toDeviceTrace({
      InstanceId: '1',
      EventType: 2,
      PushPlatform: 0,
      NotificationStatus: 0,
      LastActiveTerminal: 0,
      OnlinePushStat: { ChannelStat: { PushStatus: 2, ErrorCode: 20003, ErrorInfo: 'device offline', EventTime: '2025-03-13 16:16:30' } },
    });
    expect(trace).toMatchObject({
      channel: 'UNKNOWN',
      eventType: 'ONLINE',
      notificationEnabled: false,
      recentlyActive: false,
      pushTime: null,
    });
    expect(trace.stages).toEqual([
      { name: 'ONLINE_CHANNEL', success: false, errorCode: 20003, errorInfo: 'device offline', eventTime: '2025-03-13 16:16:30' },
    ]);
  });
});
