import type { ChannelStat, DeviceDelivery, Funnel, TimeUnit, UserMetrics } from '../../domain.js';
import {
  MESSAGE_TYPE_KEYS,
  type JPushDeliveryStatusCode,
  type JPushMessageDetailParsed,
  type JPushMessageTypeKey,
  type JPushReceivedDetailParsed,
  type JPushStat,
  type JPushUsersItemParsed,
} from './types.js';

type Channel = ChannelStat['channel'];
type Platform = ChannelStat['platform'];
type MessageType = NonNullable<ChannelStat['messageType']>;
type DeliveryStatus = DeviceDelivery['status'];
type UserMetricsPoint = UserMetrics['points'][number];

/** What JPush says about one msg_id: everything the Campaign fields need, from one answer. */
export interface JPushReport {
  funnel: Funnel;
  channels: ChannelStat[];
}

const MESSAGE_TYPES: Record<JPushMessageTypeKey, MessageType> = {
  notification: 'NOTIFICATION',
  message: 'MESSAGE',
  inapp: 'INAPP',
  live_activity: 'LIVE_ACTIVITY',
};

interface PlatformBlock {
  platform: Platform;
  channels: Record<string, Channel>;
  /** The channel of a flat block (live_activity `sub_ios`: Live Activities travel through APNs). */
  flat: Channel;
}

/** Every `sub_*` block and channel key of messages/detail, as the doc names them. */
const PLATFORM_BLOCKS: Record<string, PlatformBlock> = {
  sub_android: {
    platform: 'ANDROID',
    channels: {
      jg_android: 'JPUSH',
      huawei: 'HUAWEI',
      xiaomi: 'XIAOMI',
      oppo: 'OPPO',
      vivo: 'VIVO',
      meizu: 'MEIZU',
      fcm: 'FCM',
      asus: 'ASUS',
      tuibida: 'TUIBIDA',
      honor: 'HONOR',
      nio: 'NIO',
    },
    flat: 'UNKNOWN',
  },
  sub_ios: { platform: 'IOS', channels: { apns: 'APNS', voip: 'VOIP', jg_ios: 'JPUSH' }, flat: 'APNS' },
  sub_hmos: { platform: 'HARMONY', channels: { hmpns: 'HMOS', jg_hmos: 'JPUSH' }, flat: 'UNKNOWN' },
  sub_quickapp: {
    platform: 'QUICKAPP',
    channels: { quick_jg: 'JPUSH', quick_huawei: 'HUAWEI', quick_xiaomi: 'XIAOMI', quick_oppo: 'OPPO' },
    flat: 'UNKNOWN',
  },
};

const UNKNOWN_BLOCK: PlatformBlock = { platform: 'UNKNOWN', channels: {}, flat: 'UNKNOWN' };

// Own keys only: a vendor key such as "constructor" must not find Object.prototype members.
function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Sum of the figures JPush reported; null when it reported none (a missing figure is not 0). */
export function sum(values: ReadonlyArray<number | null | undefined>): number | null {
  let total: number | null = null;
  for (const value of values) if (value !== null && value !== undefined) total = (total ?? 0) + value;
  return total;
}

/** A channel row from figures already named as ours; a figure absent is null (not reported), never 0. */
export function channelRow(
  channel: Channel,
  platform: Platform,
  messageType: MessageType | null,
  figures: Partial<Pick<ChannelStat, 'target' | 'sent' | 'received' | 'displayed' | 'clicked'>>,
): ChannelStat {
  return {
    channel,
    platform,
    messageType,
    eventType: null,
    target: figures.target ?? null,
    sent: figures.sent ?? null,
    received: figures.received ?? null,
    displayed: figures.displayed ?? null,
    clicked: figures.clicked ?? null,
  };
}

function channelStat(channel: Channel, platform: Platform, messageType: MessageType | null, stat: JPushStat): ChannelStat {
  return channelRow(channel, platform, messageType, {
    target: stat.target,
    sent: stat.sent,
    received: stat.received,
    displayed: stat.display,
    clicked: stat.click,
  });
}

/** iOS custom messages have no click statistics, "but the field is returned" (doc): its 0 means not measured. */
function clickMeasured(platform: Platform, messageType: MessageType | null): boolean {
  return !(platform === 'IOS' && messageType === 'MESSAGE');
}

/**
 * messages/detail → funnel and channels. Funnel: the sum over `details.notification`, `.message`,
 * `.inapp`, `.live_activity` of their totals (contract). Channels: one row per channel of each
 * `sub_*` block of each type, in JPush's order; an unnamed channel or platform maps to UNKNOWN.
 * A figure JPush does not measure is null: the click of an iOS custom-message row, and the click
 * total of a type made only of such rows.
 */
export function toReport(detail: JPushMessageDetailParsed): JPushReport {
  const types = MESSAGE_TYPE_KEYS.flatMap((key) => {
    const block = detail.details?.[key];
    return block ? [{ messageType: MESSAGE_TYPES[key], block }] : [];
  });
  const channels: ChannelStat[] = [];
  const clicks: Array<number | null | undefined> = [];
  for (const { messageType, block } of types) {
    const rows: ChannelStat[] = [];
    for (const [subKey, sub] of Object.entries(block.subs)) {
      const platform = lookup(PLATFORM_BLOCKS, subKey) ?? UNKNOWN_BLOCK;
      if (sub.kind === 'flat') {
        rows.push(channelStat(platform.flat, platform.platform, messageType, sub.stat));
        continue;
      }
      for (const [channelKey, stat] of Object.entries(sub.channels)) {
        rows.push(channelStat(lookup(platform.channels, channelKey) ?? 'UNKNOWN', platform.platform, messageType, stat));
      }
    }
    const unmeasured = rows.filter((row) => !clickMeasured(row.platform, messageType));
    for (const row of unmeasured) row.clicked = null;
    clicks.push(rows.length > 0 && unmeasured.length === rows.length ? null : block.click);
    channels.push(...rows);
  }
  const total = (stage: keyof JPushStat): number | null => sum(types.map(({ block }) => block[stage]));
  return {
    funnel: {
      target: total('target'),
      sent: total('sent'),
      received: total('received'),
      displayed: total('display'),
      clicked: sum(clicks),
      dismissed: null,
    },
    channels,
  };
}

interface ReceivedSource {
  channel: Channel;
  platform: Platform;
  messageType: MessageType | null;
}

/**
 * The `<source>_sent` / `<source>_received` pairs of received/detail. A source that mixes
 * channels or platforms says so with UNKNOWN rather than pretending to be one of them.
 */
const RECEIVED_SOURCES: Record<string, ReceivedSource> = {
  // JPush's own connection: Android notifications and messages plus iOS messages, together.
  jpush: { channel: 'JPUSH', platform: 'UNKNOWN', messageType: null },
  // All Android vendor channels together.
  android_pns: { channel: 'UNKNOWN', platform: 'ANDROID', messageType: null },
  ios_apns: { channel: 'APNS', platform: 'IOS', messageType: 'NOTIFICATION' },
  ios_msg: { channel: 'JPUSH', platform: 'IOS', messageType: 'MESSAGE' },
  // Spelled "acivity" by JPush.
  live_acivity: { channel: 'APNS', platform: 'IOS', messageType: 'LIVE_ACTIVITY' },
  // Windows Phone MPNS: no Platform value names it.
  wp_mpns: { channel: 'UNKNOWN', platform: 'UNKNOWN', messageType: null },
  quickapp_jpush: { channel: 'JPUSH', platform: 'QUICKAPP', messageType: null },
  quickapp_pns: { channel: 'UNKNOWN', platform: 'QUICKAPP', messageType: null },
  hmos_hmpns: { channel: 'HMOS', platform: 'HARMONY', messageType: 'NOTIFICATION' },
  hmos_msg: { channel: 'HMOS', platform: 'HARMONY', messageType: 'MESSAGE' },
};

const UNKNOWN_SOURCE: ReceivedSource = { channel: 'UNKNOWN', platform: 'UNKNOWN', messageType: null };

/**
 * received/detail → the fallback report of an app without the VIP interface (error 2003).
 * Funnel (contract): received = sum of the `*_received` counters except `ios_msg_received`
 * (JPush counts iOS custom messages inside `jpush_received` already); sent = null, because
 * JPush's own channel reports no sent figure, so no total exists; the rest null. Channels: one
 * row per counter source that reported anything, with that source's own sent/received.
 */
export function toFallbackReport(row: JPushReceivedDetailParsed): JPushReport {
  const received: Array<number | null> = [];
  const sources = new Map<string, { sent: number | null; received: number | null }>();
  for (const [key, value] of Object.entries(row.counters)) {
    const isSent = key.endsWith('_sent');
    if (!isSent && key !== 'ios_msg_received') received.push(value);
    const name = key.slice(0, key.lastIndexOf('_'));
    const source = sources.get(name) ?? { sent: null, received: null };
    if (isSent) source.sent = value;
    else source.received = value;
    sources.set(name, source);
  }
  const channels: ChannelStat[] = [];
  for (const [name, counts] of sources) {
    if (counts.sent === null && counts.received === null) continue;
    const source = lookup(RECEIVED_SOURCES, name) ?? UNKNOWN_SOURCE;
    channels.push(channelStat(source.channel, source.platform, source.messageType, { sent: counts.sent, received: counts.received }));
  }
  return {
    funnel: { target: null, sent: null, received: sum(received), displayed: null, clicked: null, dismissed: null },
    channels,
  };
}

const DELIVERY_STATUSES: Record<JPushDeliveryStatusCode, DeliveryStatus> = {
  0: 'DELIVERED',
  1: 'NOT_DELIVERED',
  2: 'NOT_IN_APP',
  3: 'NOT_TARGETED',
  4: 'SYSTEM_ERROR',
};

/** status/message `status` 0..4 → DeliveryStatus. */
export function toDeliveryStatus(code: JPushDeliveryStatusCode): DeliveryStatus {
  return DELIVERY_STATUSES[code];
}

const USER_PLATFORMS: Record<string, Platform> = { android: 'ANDROID', ios: 'IOS', hmos: 'HARMONY', quickapp: 'QUICKAPP' };

/** users → one point per item and platform block, in JPush's order; echoes the question asked. */
export function toUserMetrics(timeUnit: TimeUnit, start: string, duration: number, items: readonly JPushUsersItemParsed[]): UserMetrics {
  const points: UserMetricsPoint[] = items.flatMap((item) =>
    item.platforms.map(([platform, stat]) => ({
      time: item.time,
      platform: lookup(USER_PLATFORMS, platform) ?? 'UNKNOWN',
      new: stat.new ?? null,
      online: stat.online ?? null,
      active: stat.active ?? null,
    })),
  );
  return { timeUnit, start, duration, points };
}
