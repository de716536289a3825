import type { DataAvailability, Funnel, SmsStats } from '../../domain.js';
import type { AliyunPushStat, QueryPushStatByMsgResponse } from './types.js';

/** What one QueryPushStatByMsg answer tells about a campaign, vendor-neutral and JSON-shaped (it is cached). */
export interface AliyunCampaignFigures {
  availability: DataAvailability;
  /** Null while PENDING: zeros Alibaba has not published yet are not figures. */
  funnel: Funnel | null;
  /** Null while PENDING and for pushes without SMS fallback (every Sms* count absent). */
  sms: SmsStats | null;
}

/**
 * The statistics of `messageId` in an answer, or null when Alibaba knows no such message (an
 * empty `PushStat` list). A query carries one MessageId, so when no entry names it verbatim (the
 * Chinese doc shows MessageId as a JSON number, which loses digits past 2^53) the sole entry is it.
 */
export function findPushStat(response: QueryPushStatByMsgResponse, messageId: string): AliyunPushStat | null {
  const stats = response.PushStats.PushStat;
  return stats.find((stat) => String(stat.MessageId) === messageId) ?? (stats.length === 1 ? stats[0]! : null);
}

/**
 * Alibaba publishes a day's figures the next day (vendor doc: "Push data is available the next
 * day. You cannot query data for the current day."), answering all zeros until then.
 */
export function isPublished(stat: AliyunPushStat): boolean {
  return [
    stat.AcceptCount,
    stat.SentCount,
    stat.ReceivedCount,
    stat.OpenedCount,
    stat.DeletedCount,
    stat.SmsSentCount,
    stat.SmsReceiveSuccessCount,
    stat.SmsReceiveFailedCount,
    stat.SmsSkipCount,
    stat.SmsFailedCount,
  ].some((value) => (value ?? 0) > 0);
}

export function toCampaignFigures(stat: AliyunPushStat): AliyunCampaignFigures {
  if (!isPublished(stat)) return { availability: 'PENDING', funnel: null, sms: null };
  return { availability: 'READY', funnel: toFunnel(stat), sms: toSmsStats(stat) };
}

/** CONTRACT "What the numbers mean": Alibaba reports no "displayed" stage, so it stays null. */
export function toFunnel(stat: AliyunPushStat): Funnel {
  return {
    target: stat.AcceptCount,
    sent: stat.SentCount,
    received: stat.ReceivedCount,
    displayed: null,
    clicked: stat.OpenedCount,
    dismissed: stat.DeletedCount,
  };
}

/** The composite push's SMS fallback; null when Alibaba sent none of the optional Sms* counts. */
export function toSmsStats(stat: AliyunPushStat): SmsStats | null {
  const sms: SmsStats = {
    sent: stat.SmsSentCount ?? null,
    receiveSuccess: stat.SmsReceiveSuccessCount ?? null,
    receiveFailed: stat.SmsReceiveFailedCount ?? null,
    skipped: stat.SmsSkipCount ?? null,
    failed: stat.SmsFailedCount ?? null,
  };
  return Object.values(sms).every((value) => value === null) ? null : sms;
}
