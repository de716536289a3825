import type { ChannelStat, Funnel } from '../../domain.js';
import type { JPushGroupMessageDetailParsed } from './group-types.js';
import { channelRow, sum, type JPushReport } from './mapper.js';

type Channel = ChannelStat['channel'];

/** `android_pns.<key>`: the vendor channels the doc names. */
const ANDROID_DETAILS: Record<string, Channel> = {
  xm_detail: 'XIAOMI',
  hw_detail: 'HUAWEI',
  honor_detail: 'HONOR',
  mz_detail: 'MEIZU',
  oppo_detail: 'OPPO',
  vivo_detail: 'VIVO',
  fcm_detail: 'FCM',
  nio_detail: 'NIO',
};

const count = (value: number | null | undefined): number | null => value ?? null;

/**
 * group/messages/detail → one row per channel block, in this order:
 * - `jpush` → JPUSH / UNKNOWN platform (it mixes Android, iOS and HarmonyOS) / messageType null:
 *   target, sent = `online_push`, received, clicked = `click` + `msg_click`.
 * - each `android_pns.<vendor>_detail` → that vendor (unknown key: UNKNOWN) / ANDROID / NOTIFICATION:
 *   target, sent, received. The `pns_*` totals are their sum, so they are no row of their own.
 * - `ios` → APNS / IOS / NOTIFICATION: `apns_target`, `apns_sent`, `apns_received`, `apns_click`.
 * - `hmos` → HMOS / HARMONY / NOTIFICATION: `hmpns_target`, `hmpns_sent`, `hmpns_received`, `hmpns_click`.
 * The `msg_*` figures of `ios` and `hmos` are custom messages that travel over JPush's connection,
 * already counted in `jpush`: a row of their own would count them twice.
 * Funnel: each stage is the sum of that stage over the rows (displayed and dismissed: null).
 */
export function toGroupReport(detail: JPushGroupMessageDetailParsed): JPushReport {
  const channels: ChannelStat[] = [];
  const { jpush, android_pns: androidPns, ios, hmos } = detail;
  if (jpush) {
    channels.push(
      channelRow('JPUSH', 'UNKNOWN', null, {
        target: count(jpush.target),
        sent: count(jpush.online_push),
        received: count(jpush.received),
        clicked: sum([count(jpush.click), count(jpush.msg_click)]),
      }),
    );
  }
  for (const [key, stat] of androidPns?.details ?? []) {
    const channel = Object.hasOwn(ANDROID_DETAILS, key) ? (ANDROID_DETAILS[key] ?? 'UNKNOWN') : 'UNKNOWN';
    channels.push(
      channelRow(channel, 'ANDROID', 'NOTIFICATION', {
        target: count(stat.target),
        sent: count(stat.sent),
        received: count(stat.received),
      }),
    );
  }
  if (ios) {
    channels.push(
      channelRow('APNS', 'IOS', 'NOTIFICATION', {
        target: count(ios.apns_target),
        sent: count(ios.apns_sent),
        received: count(ios.apns_received),
        clicked: count(ios.apns_click),
      }),
    );
  }
  if (hmos) {
    channels.push(
      channelRow('HMOS', 'HARMONY', 'NOTIFICATION', {
        target: count(hmos.hmpns_target),
        sent: count(hmos.hmpns_sent),
        received: count(hmos.hmpns_received),
        clicked: count(hmos.hmpns_click),
      }),
    );
  }
  const total = (stage: 'target' | 'sent' | 'received' | 'clicked'): number | null => sum(channels.map((channel) => channel[stage]));
  const funnel: Funnel = {
    target: total('target'),
    sent: total('sent'),
    received: total('received'),
    displayed: null,
    clicked: total('clicked'),
    dismissed: null,
  };
  return { funnel, channels };
}
