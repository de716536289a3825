import type { Vendor } from '../domain.js';
import type { ArchivedField } from './figures.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long a vendor keeps a campaign's figures, in days; `fields` lists figures it drops sooner. */
interface Retention {
  days: number;
  fields?: Partial<Record<ArchivedField, number>>;
}

/**
 * What each vendor documents. A vendor missing here (Alibaba: QueryPushStatByMsg states no
 * retention) is never assumed gone before it says so, and is refreshed for
 * {@link UNDOCUMENTED_REFRESH_DAYS}.
 */
const RETENTION: Partial<Record<Vendor, Retention>> = {
  // JPush Report API v3, received/detail and messages/detail: "Only push information within 28 days can be queried."
  JPUSH: { days: 28 },
  // TIMPush all_member_push_statistics: "supports up to 30 days of data query";
  // all_member_push_loss: "supports a maximum of 7-day data query".
  TENCENT: { days: 30, fields: { lossReasons: 7 } },
};

/** How long campaigns of a vendor without a documented retention are refreshed. */
export const UNDOCUMENTED_REFRESH_DAYS = 30;

/**
 * When the vendor drops `field` (or, without a field, the campaign itself), as unix ms; undefined
 * when the vendor does not say. Vendors do not tell when a campaign was sent, so the clock starts
 * when pushgraph first saw it: the campaign is at least that old, so a time computed from it is
 * the latest the vendor may still have the data — once past it, the vendor surely has not.
 */
export function droppedAt(vendor: Vendor, firstSeenAt: number, field?: ArchivedField): number | undefined {
  const retention = RETENTION[vendor];
  if (!retention) return undefined;
  const days = (field !== undefined ? retention.fields?.[field] : undefined) ?? retention.days;
  return firstSeenAt + days * DAY_MS;
}

/** Whether the vendor surely no longer has `field` (or the campaign) of a campaign first seen at `firstSeenAt`. */
export function isPastRetention(vendor: Vendor, firstSeenAt: number, now: number, field?: ArchivedField): boolean {
  const dropped = droppedAt(vendor, firstSeenAt, field);
  return dropped !== undefined && now >= dropped;
}

/** Whether the vendor drops `field` sooner than the rest of the campaign (Tencent loss reasons). */
export function hasShorterRetention(vendor: Vendor, field: ArchivedField): boolean {
  return RETENTION[vendor]?.fields?.[field] !== undefined;
}

export interface RefreshSchedule {
  /** Interval during a campaign's first day (figures move fast: deliveries, clicks). */
  firstDayEveryMs: number;
  /** Interval afterwards. */
  laterEveryMs: number;
  /** The last refresh this long before the vendor drops the data. */
  finalBeforeMs: number;
}

/**
 * When the refresher should next fetch a campaign first seen at `firstSeenAt`, or null when it
 * is final (past every retention). Hourly on the first day, daily after (by default), plus one
 * fetch shortly before each documented retention ends, so the archive keeps the final figures.
 */
export function nextRefreshAt(vendor: Vendor, firstSeenAt: number, now: number, schedule: RefreshSchedule): number | null {
  const retention = RETENTION[vendor];
  const days = retention ? [retention.days, ...Object.values(retention.fields ?? {})] : [UNDOCUMENTED_REFRESH_DAYS];
  const horizon = firstSeenAt + Math.max(...days) * DAY_MS;
  const finals = retention ? days.map((d) => firstSeenAt + d * DAY_MS - schedule.finalBeforeMs).filter((at) => at > now) : [];
  const every = now - firstSeenAt < DAY_MS ? schedule.firstDayEveryMs : schedule.laterEveryMs;
  const next = Math.min(now + every, ...finals);
  return next < horizon ? next : null;
}
