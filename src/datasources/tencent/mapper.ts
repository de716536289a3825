import type { ChannelStat, DeviceTrace, Funnel, LossReason } from '../../domain.js';
import type { Channel, Platform, PushEventType, TraceStage, TraceStageName } from '../../__generated__/resolvers-types.js';
import type {
  TencentInstanceTrace,
  TencentLossItem,
  TencentPlatformLossItem,
  TencentPushLossResult,
  TencentPushStat,
  TencentPushStatisticsResult,
} from './types.js';

/** What `all_member_push_statistics` says about one TaskID, in domain terms. */
export interface TencentCampaignStatistics {
  funnel: Funnel;
  channels: ChannelStat[];
}

/** Statistics doc, `PushPlatform` 0..8. */
const PUSH_PLATFORMS: Record<number, Channel> = {
  0: 'UNKNOWN',
  1: 'APNS',
  2: 'XIAOMI',
  3: 'HUAWEI',
  4: 'FCM',
  5: 'MEIZU',
  6: 'OPPO',
  7: 'VIVO',
  8: 'HONOR',
};

/** `EventType`: 1 = offline push, 2 = online push. */
export function toEventType(eventType: number | undefined): PushEventType | null {
  if (eventType === 1) return 'OFFLINE';
  if (eventType === 2) return 'ONLINE';
  return null;
}

/**
 * Online pushes (EventType 2) travel over Tencent's own IM connection, which Tencent reports as
 * PushPlatform 0, "unknown vendor": UNKNOWN (with eventType ONLINE), never another vendor's name.
 */
export function toChannel(eventType: number | undefined, pushPlatform: number | undefined): Channel {
  if (eventType === 2) return 'UNKNOWN';
  return PUSH_PLATFORMS[pushPlatform ?? 0] ?? 'UNKNOWN';
}

function toPlatform(channel: Channel): Platform {
  if (channel === 'APNS') return 'IOS';
  // The IM connection serves every platform, so it names none.
  if (channel === 'UNKNOWN') return 'UNKNOWN';
  return 'ANDROID';
}

type Stages = Pick<Funnel, 'target' | 'sent' | 'received' | 'clicked'>;

/**
 * A stage Tencent reports as 0 while a later stage counts more than 0 was not measured (the
 * statistics doc's APNs row: DeliveredCount 0, ClickCount 27), so it is null, not 0.
 */
function measured(counts: { target: number; sent: number; received: number; clicked: number }): Stages {
  const order = ['target', 'sent', 'received', 'clicked'] as const;
  const stages: Stages = { ...counts };
  order.forEach((stage, index) => {
    if (counts[stage] === 0 && order.slice(index + 1).some((later) => counts[later] > 0)) stages[stage] = null;
  });
  return stages;
}

/** TotalCount → target, SentCount → sent, DeliveredCount → received, ClickCount → clicked; Tencent reports no displays or dismissals. */
export function toCampaignStatistics(result: TencentPushStatisticsResult): TencentCampaignStatistics {
  const stages = (row: { TotalCount: number; SentCount: number; DeliveredCount: number; ClickCount: number }): Stages =>
    measured({ target: row.TotalCount, sent: row.SentCount, received: row.DeliveredCount, clicked: row.ClickCount });
  return {
    funnel: { ...stages(result), displayed: null, dismissed: null },
    channels: result.PlatformStatistics.map((row) => {
      const channel = toChannel(row.EventType, row.PushPlatform);
      const { target, sent, received, clicked } = stages(row);
      return {
        channel,
        platform: toPlatform(channel),
        messageType: null,
        eventType: toEventType(row.EventType),
        target,
        sent,
        received,
        displayed: null,
        clicked,
      };
    }),
  };
}

function overallLoss(stage: LossReason['stage'], item: TencentLossItem): LossReason {
  return { stage, errorCode: item.ErrCode, count: item.ErrCount, description: item.ErrInfo || null, channel: null, eventType: null };
}

function platformLoss(stage: LossReason['stage'], item: TencentPlatformLossItem): LossReason {
  return { ...overallLoss(stage, item), channel: toChannel(item.EventType, item.PushPlatform), eventType: toEventType(item.EventType) };
}

/** The four loss lists in the loss doc's order: overall lists without channel, per-platform lists with it. */
export function toLossReasons(result: TencentPushLossResult): LossReason[] {
  return [
    ...result.ReadyToSendLoss.map((item) => overallLoss('READY_TO_SEND', item)),
    ...result.PostSendDeliveredLoss.map((item) => overallLoss('POST_SEND_DELIVERED', item)),
    ...result.PlatformReadyToSendLoss.map((item) => platformLoss('READY_TO_SEND', item)),
    ...result.PlatformPostSendDeliveredLoss.map((item) => platformLoss('POST_SEND_DELIVERED', item)),
  ];
}

function toStage(name: TraceStageName, stat: TencentPushStat | undefined): TraceStage[] {
  // Trace doc: PushStatus 1 = success, 2 = failure; the error fields matter only on failure. A
  // stage without either (an empty object, an undocumented value) is not known to be reached.
  if (stat?.PushStatus !== 1 && stat?.PushStatus !== 2) return [];
  const success = stat.PushStatus === 1;
  return [
    {
      name,
      success,
      errorCode: success ? null : (stat.ErrorCode ?? null),
      errorInfo: success ? null : stat.ErrorInfo || null,
      eventTime: stat.EventTime || null,
    },
  ];
}

/** A 0/1 flag of the trace doc; absent stays unknown. */
function flag(value: number | undefined): boolean | null {
  return value === undefined ? null : value === 1;
}

/**
 * One device's path, stages in delivery order; a stage Tencent did not report, reported empty or
 * with a PushStatus other than 1 / 2 is left out.
 */
export function toDeviceTrace(instance: TencentInstanceTrace): DeviceTrace {
  const offline = instance.OfflinePushStat;
  const online = instance.OnlinePushStat;
  return {
    instanceId: instance.InstanceId,
    pushTime: instance.PushTime || null,
    deviceModel: instance.DeviceModel || null,
    system: instance.System || null,
    systemVersion: instance.SystemVersion || null,
    eventType: toEventType(instance.EventType),
    channel: toChannel(instance.EventType, instance.PushPlatform),
    token: instance.Token || null,
    certId: instance.CertId || null,
    sdkVersion: instance.SdkVersion || null,
    pushVersion: instance.PushVersion || null,
    notificationEnabled: flag(instance.NotificationStatus),
    recentlyActive: flag(instance.LastActiveTerminal ?? instance.last_active_terminal),
    stages: [
      ...toStage('IM_COMMIT', instance.IMCommitStat?.IMStat),
      ...toStage('OFFLINE_SUBMIT', offline?.OfflineStat),
      ...toStage('VENDOR_CHANNEL', offline?.ChannelStat),
      ...toStage('DEVICE', offline?.DeviceStat),
      ...toStage('CLICK', offline?.ClickStat),
      ...toStage('ONLINE_CHANNEL', online?.ChannelStat),
      ...toStage('ONLINE_DEVICE', online?.DeviceStat),
    ],
  };
}
