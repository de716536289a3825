import { z } from 'zod/v4';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../src/datasources/jpush/client.js';
import { toDeliveryStatus, toFallbackReport, toReport, toUserMetrics } from '../src/datasources/jpush/mapper.js';
import {
  JPushMessageDetailSchema,
  JPushMessagesDetailSchema,
  JPushReceivedDetailSchema,
  JPushStatusAnswerSchema,
  JPushUsersAnswerSchema,
  quoteMsgIds,
} from '../src/datasources/jpush/types.js';

// Trimmed from vendor-docs/jpush-report-api-v3.txt (comments removed so that they are JSON).
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/jpush/${name}`, import.meta.url), 'utf8');
const parse = (text: string): unknown => JSON.parse(quoteMsgIds(text));

const DOC_STAT = { target: 100, sent: 90, received: 80, displayed: 70, clicked: 0 };

describe('JPush HTTP Basic auth', () => {
  it('matches the Authorization headers of the doc examples', () => {
    expect(basicAuthorization('7d431e42dfa6a6d693ac2d04', '5e987ac6d2e04d95a9d8f0d1')).toBe(
      'Basic N2Q0MzFlNDJkZmE2YTZkNjkzYWMyZDA0OjVlOTg3YWM2ZDJlMDRkOTVhOWQ4ZjBkMQ==',
    );
    expect(basicAuthorization('dd1066407b044738b6479275', '2b38ce69b1de2a7fa95706ea')).toBe(
      'Basic ZGQxMDY2NDA3YjA0NDczOGI2NDc5Mjc1OjJiMzhjZTY5YjFkZTJhN2ZhOTU3MDZlYQ==',
    );
  });
});

describe('msg_id digits', () => {
  it('quotes bare msg_id numbers so that no digit above 2^53 is lost', () => {
    const text = '[{"msg_id": 18100000000000000001, "details": {}}, {"msg_id":"269978303"}]';
    const rows = z.array(JPushMessageDetailSchema).parse(parse(text));
    expect(rows.map((row) => row.msg_id)).toEqual(['18100000000000000001', '269978303']);
    // What JSON.parse alone would have done:
    expect(String((JSON.parse(text) as Array<{ msg_id: number }>)[0]!.msg_id)).not.toBe('18100000000000000001');
  });

  it('leaves a "msg_id" inside a string alone', () => {
    expect(quoteMsgIds('{"note":"\\"msg_id\\": 1","msg_id":2}')).toBe('{"note":"\\"msg_id\\": 1","msg_id":"2"}');
  });
});

describe('messages/detail → report', () => {
  it('maps the doc example: funnel = sum of the type totals, one row per sub_* channel', () => {
    const [detail] = z.array(JPushMessageDetailSchema).parse(parse(fixture('messages-detail.json')));
    const report = toReport(detail!);
    // notification 1600/1440/1280/1120/0 + message 700/630/560/490/0 + inapp 200/180/160/140/0
    expect(report.funnel).toEqual({ target: 2500, sent: 2250, received: 2000, displayed: 1750, clicked: 0, dismissed: null });
    const rows: Array<[string, string, string]> = [
      ['JPUSH', 'ANDROID', 'NOTIFICATION'],
      ['HUAWEI', 'ANDROID', 'NOTIFICATION'],
      ['XIAOMI', 'ANDROID', 'NOTIFICATION'],
      ['OPPO', 'ANDROID', 'NOTIFICATION'],
      ['VIVO', 'ANDROID', 'NOTIFICATION'],
      ['MEIZU', 'ANDROID', 'NOTIFICATION'],
      ['FCM', 'ANDROID', 'NOTIFICATION'],
      ['ASUS', 'ANDROID', 'NOTIFICATION'],
      ['TUIBIDA', 'ANDROID', 'NOTIFICATION'],
      ['HONOR', 'ANDROID', 'NOTIFICATION'],
      ['NIO', 'ANDROID', 'NOTIFICATION'],
      ['VOIP', 'IOS', 'NOTIFICATION'],
      ['APNS', 'IOS', 'NOTIFICATION'],
      ['HMOS', 'HARMONY', 'NOTIFICATION'],
      ['JPUSH', 'HARMONY', 'NOTIFICATION'],
      ['JPUSH', 'QUICKAPP', 'NOTIFICATION'],
      ['HUAWEI', 'QUICKAPP', 'NOTIFICATION'],
      ['XIAOMI', 'QUICKAPP', 'NOTIFICATION'],
      ['OPPO', 'QUICKAPP', 'NOTIFICATION'],
      ['JPUSH', 'ANDROID', 'MESSAGE'],
      ['HUAWEI', 'ANDROID', 'MESSAGE'],
      ['XIAOMI', 'ANDROID', 'MESSAGE'],
      ['FCM', 'ANDROID', 'MESSAGE'],
      ['HONOR', 'ANDROID', 'MESSAGE'],
      ['NIO', 'ANDROID', 'MESSAGE'],
      ['JPUSH', 'IOS', 'MESSAGE'],
      ['HMOS', 'HARMONY', 'MESSAGE'],
      ['JPUSH', 'HARMONY', 'MESSAGE'],
      ['JPUSH', 'QUICKAPP', 'MESSAGE'],
      ['JPUSH', 'ANDROID', 'INAPP'],
      ['JPUSH', 'IOS', 'INAPP'],
    ];
    expect(report.channels).toEqual(
      rows.map(([channel, platform, messageType]) => ({
        channel,
        platform,
        messageType,
        eventType: null,
        ...DOC_STAT,
        // iOS custom messages have no click statistics; JPush returns click 0 anyway.
        ...(platform === 'IOS' && messageType === 'MESSAGE' ? { clicked: null } : {}),
      })),
    );
  });

  it('gives a null click to iOS custom messages, and to a funnel made only of them', () => {
    const stat = { target: 10, sent: 9, received: 8, display: 7, click: 0 };
    const [onlyIos, mixed] = z.array(JPushMessageDetailSchema).parse([
      { msg_id: '1', details: { message: { ...stat, sub_ios: { jg_ios: stat } } } },
      {
        msg_id: '2',
        details: { message: { ...stat, click: 3, sub_ios: { jg_ios: stat }, sub_android: { jg_android: { ...stat, click: 3 } } } },
      },
    ]);
    const first = toReport(onlyIos!);
    expect(first.funnel).toEqual({ target: 10, sent: 9, received: 8, displayed: 7, clicked: null, dismissed: null });
    expect(first.channels.map((row) => row.clicked)).toEqual([null]);
    const second = toReport(mixed!);
    expect(second.funnel.clicked).toBe(3);
    expect(second.channels.map((row) => [row.platform, row.clicked])).toEqual([
      ['IOS', null],
      ['ANDROID', 3],
    ]);
  });

  it('maps live_activity and its flat sub_ios to APNS / IOS', () => {
    const [detail] = z.array(JPushMessageDetailSchema).parse(parse(fixture('messages-detail-live-activity.json')));
    expect(toReport(detail!)).toEqual({
      funnel: { target: 0, sent: 0, received: 0, displayed: 0, clicked: 0, dismissed: null },
      channels: [
        {
          channel: 'APNS',
          platform: 'IOS',
          messageType: 'LIVE_ACTIVITY',
          eventType: null,
          target: 0,
          sent: 0,
          received: 0,
          displayed: 0,
          clicked: 0,
        },
      ],
    });
  });

  it('maps a channel or platform it does not know to UNKNOWN, and a missing figure to null', () => {
    const [detail] = z.array(JPushMessageDetailSchema).parse([
      {
        msg_id: '1',
        details: {
          notification: {
            target: 5,
            sent: null,
            received: 3,
            sub_android: { brand_new: { target: 2, received: 1 } },
            sub_web: { jg_web: { target: 3, sent: 3, received: 2, display: 1, click: 1 } },
            constructor: 'ignored',
          },
          message: { target: 4, received: null },
        },
      },
    ]);
    expect(toReport(detail!)).toEqual({
      funnel: { target: 9, sent: null, received: 3, displayed: null, clicked: null, dismissed: null },
      channels: [
        {
          channel: 'UNKNOWN',
          platform: 'ANDROID',
          messageType: 'NOTIFICATION',
          eventType: null,
          target: 2,
          sent: null,
          received: 1,
          displayed: null,
          clicked: null,
        },
        {
          channel: 'UNKNOWN',
          platform: 'UNKNOWN',
          messageType: 'NOTIFICATION',
          eventType: null,
          target: 3,
          sent: 3,
          received: 2,
          displayed: 1,
          clicked: 1,
        },
      ],
    });
  });

  it('reads a message without `details` (pre-2021 figures only) as an all-null funnel', () => {
    const [detail] = z.array(JPushMessageDetailSchema).parse([{ msg_id: '269978303', jpush: { target: 1 } }]);
    expect(toReport(detail!)).toEqual({
      funnel: { target: null, sent: null, received: null, displayed: null, clicked: null, dismissed: null },
      channels: [],
    });
  });

  it('fails only the element whose sub_* block is neither a channel map nor a flat stat; an unreadable msg_id fails the answer', () => {
    const items = JPushMessagesDetailSchema.parse([
      { msg_id: '1', details: { notification: { sub_ios: { apns: 'x' } } } },
      { msg_id: '2', details: { notification: { target: 3 } } },
    ]);
    expect(items.map((item) => item.ok)).toEqual([false, true]);
    expect(items[0]).toEqual({ ok: false, id: '1', field: 'details.notification.sub_ios' });
    expect(JPushMessagesDetailSchema.safeParse([{ msg_id: 'abc' }]).success).toBe(false);
  });

  it('reads a channel block, a channel or a type written as null as absent', () => {
    const [detail] = z.array(JPushMessageDetailSchema).parse([
      {
        msg_id: '1',
        details: {
          notification: { target: 5, sub_android: null, sub_ios: { apns: null, voip: { target: 2, sent: 2 } } },
          message: null,
        },
      },
    ]);
    expect(toReport(detail!)).toEqual({
      funnel: { target: 5, sent: null, received: null, displayed: null, clicked: null, dismissed: null },
      channels: [
        {
          channel: 'VOIP',
          platform: 'IOS',
          messageType: 'NOTIFICATION',
          eventType: null,
          target: 2,
          sent: 2,
          received: null,
          displayed: null,
          clicked: null,
        },
      ],
    });
  });
});

describe('received/detail → fallback report', () => {
  it('sums the *_received of the doc example except ios_msg_received (inside jpush_received); sent and the rest null', () => {
    const rows = z.array(JPushReceivedDetailSchema).parse(parse(fixture('received-detail.json')));
    const [first, second] = rows.map(toFallbackReport);
    // received: jpush 62 (iOS custom messages included) + android_pns 12 + ios_apns 5 + live 0 + quickapp_jpush 1 + hmos_hmpns 1 + hmos_msg 1;
    // sent: null, JPush's own channel reports none, so no total exists.
    expect(first!.funnel).toEqual({ target: null, sent: null, received: 82, displayed: null, clicked: null, dismissed: null });
    expect(second!.funnel).toEqual({ target: null, sent: null, received: 88, displayed: null, clicked: null, dismissed: null });
    const row = (channel: string, platform: string, messageType: string | null, sent: number | null, received: number | null) => ({
      channel,
      platform,
      messageType,
      eventType: null,
      target: null,
      sent,
      received,
      displayed: null,
      clicked: null,
    });
    expect(first!.channels).toEqual([
      row('JPUSH', 'UNKNOWN', null, null, 62),
      row('UNKNOWN', 'ANDROID', null, 12, 12),
      row('APNS', 'IOS', 'NOTIFICATION', 11, 5),
      row('JPUSH', 'IOS', 'MESSAGE', null, 3),
      row('APNS', 'IOS', 'LIVE_ACTIVITY', 0, 0),
      row('UNKNOWN', 'UNKNOWN', null, 3, null),
      row('JPUSH', 'QUICKAPP', null, null, 1),
      row('UNKNOWN', 'QUICKAPP', null, 1, null),
      row('HMOS', 'HARMONY', 'NOTIFICATION', 1, 1),
      row('HMOS', 'HARMONY', 'MESSAGE', 1, 1),
    ]);
    // wp_mpns_sent is null in the second row: no row for it.
    expect(second!.channels.map((stat) => stat.channel + '/' + stat.platform)).not.toContain('UNKNOWN/UNKNOWN');
    expect(second!.channels).toHaveLength(9);
  });

  it('gives a null funnel figure when every counter of it is null', () => {
    const [row] = z.array(JPushReceivedDetailSchema).parse([{ msg_id: '7', jpush_received: null, ios_apns_sent: null }]);
    expect(toFallbackReport(row!)).toEqual({
      funnel: { target: null, sent: null, received: null, displayed: null, clicked: null, dismissed: null },
      channels: [],
    });
  });
});

describe('status/message and users', () => {
  it('maps the doc example statuses 0..4', () => {
    const answer = JPushStatusAnswerSchema.parse(parse(fixture('status-message.json')));
    expect(Object.entries(answer).map(([id, { status }]) => [id, toDeliveryStatus(status)])).toEqual([
      ['02078f0f1b8', 'NOT_IN_APP'],
      ['1507bfd3a7c568d4761', 'DELIVERED'],
      ['0207870a9b8', 'NOT_IN_APP'],
    ]);
    expect(([0, 1, 2, 3, 4] as const).map(toDeliveryStatus)).toEqual([
      'DELIVERED',
      'NOT_DELIVERED',
      'NOT_IN_APP',
      'NOT_TARGETED',
      'SYSTEM_ERROR',
    ]);
    expect(JPushStatusAnswerSchema.safeParse({ x: { status: 5 } }).success).toBe(false);
  });

  it('maps the doc users example: one point per item and platform block', () => {
    const { items } = JPushUsersAnswerSchema.parse(parse(fixture('users.json')));
    expect(toUserMetrics('DAY', '2014-06-10', 3, items)).toEqual({
      timeUnit: 'DAY',
      start: '2014-06-10',
      duration: 3,
      points: [
        { time: '2024-08-13', platform: 'HARMONY', new: 5, online: 11, active: 7 },
        { time: '2014-06-11', platform: 'ANDROID', new: null, online: null, active: 1 },
        { time: '2014-06-12', platform: 'ANDROID', new: null, online: 2, active: 1 },
      ],
    });
  });

  it('maps ios and an unknown platform, and skips scalars beside the blocks', () => {
    const { items } = JPushUsersAnswerSchema.parse({ items: [{ time: '2025-01-01 09', ios: { new: 1 }, web: { online: 2 }, total: 3 }] });
    expect(toUserMetrics('HOUR', '2025-01-01 09', 1, items).points).toEqual([
      { time: '2025-01-01 09', platform: 'IOS', new: 1, online: null, active: null },
      { time: '2025-01-01 09', platform: 'UNKNOWN', new: null, online: 2, active: null },
    ]);
  });
});
