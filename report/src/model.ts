// The report's data model and the pure arithmetic over it (no DOM), so it is unit-tested in Node.
// Field types come from the schema's generated types: renaming a field there breaks this build.
import type {
  ChannelStat as SchemaChannelStat,
  Funnel as SchemaFunnel,
  LossReason as SchemaLossReason,
  SmsStats as SchemaSmsStats,
  Vendor,
} from '../../src/__generated__/resolvers-types.js';

export type { Vendor };

export const VENDORS: readonly Vendor[] = ['JPUSH', 'TENCENT', 'ALIYUN'];

export const VENDOR_LABEL: Record<Vendor, string> = {
  JPUSH: 'JPush',
  TENCENT: 'Tencent TIMPush',
  ALIYUN: 'Alibaba Cloud Push',
};

/** The app of a vendor when none is named (the server's single-app variables). */
export const DEFAULT_APP = 'default';

/** One chosen app per vendor: a report reads each vendor's campaigns in one app. */
export type AppChoice = Record<Vendor, string>;

export function defaultAppChoice(): AppChoice {
  return { JPUSH: DEFAULT_APP, TENCENT: DEFAULT_APP, ALIYUN: DEFAULT_APP };
}

/** The vendor's name, and the app's where it is not the default one (so single-app pages read as before). */
export function vendorAppLabel(vendor: Vendor, app: string): string {
  return app === DEFAULT_APP ? VENDOR_LABEL[vendor] : `${VENDOR_LABEL[vendor]} (${app})`;
}

/** A name for tables and CSV files: `jpush`, or `jpush-news` for another app. */
export function vendorAppSlug(vendor: Vendor, app: string): string {
  return app === DEFAULT_APP ? vendor.toLowerCase() : `${vendor.toLowerCase()}-${app}`;
}

/** What each vendor calls the id the user pastes. */
export const VENDOR_ID_NAME: Record<Vendor, string> = {
  JPUSH: 'msg_ids',
  TENCENT: 'TaskIDs',
  ALIYUN: 'MessageIds',
};

export type Funnel = Omit<SchemaFunnel, '__typename'>;
export type ChannelStat = Omit<SchemaChannelStat, '__typename'>;
export type LossReason = Omit<SchemaLossReason, '__typename'>;
export type SmsStats = Omit<SchemaSmsStats, '__typename'>;

/** `Campaign.history` (issue 8): the funnel as the archive saw it at `fetchedAt`. */
export interface Snapshot {
  fetchedAt: string;
  funnel: Pick<Funnel, FunnelStage> | null;
}

/** One campaign as the page asks for it. `availability` stays a string: the enum may gain values (ARCHIVED). */
export interface CampaignData {
  vendor: Vendor;
  id: string;
  availability: string;
  /** Present when the server has `Campaign.asOf` (archived answers). */
  asOf?: string | null;
  funnel: Funnel | null;
  channels: ChannelStat[] | null;
  lossReasons: LossReason[] | null;
  sms: SmsStats | null;
}

/** A GraphQL error as the page shows it. `field` is set when only one field of a campaign failed. */
export interface ApiError {
  message: string;
  code: string | null;
  vendorCode: string | null;
  field: string | null;
}

export type CampaignState =
  | { status: 'loading' }
  /** The vendor knows no such id (the API answered null without an error). */
  | { status: 'missing' }
  | { status: 'failed'; errors: ApiError[] }
  /** `errors` are per-field failures: the fields they name are null, the rest is shown. */
  | { status: 'loaded'; data: CampaignData; errors: ApiError[] };

export type HistoryState =
  | { status: 'unsupported' }
  | { status: 'loading' }
  | { status: 'loaded'; snapshots: Snapshot[] }
  | { status: 'failed'; error: ApiError };

export interface CampaignEntry {
  vendor: Vendor;
  app: string;
  id: string;
  state: CampaignState;
  history: HistoryState;
}

export type FunnelStage = 'target' | 'sent' | 'received' | 'displayed' | 'clicked';

/** The funnel in order; every step's conversion is against the step before it. */
export const FUNNEL_STAGES: readonly FunnelStage[] = ['target', 'sent', 'received', 'displayed', 'clicked'];

export const STAGE_LABEL: Record<FunnelStage, string> = {
  target: 'Target',
  sent: 'Sent',
  received: 'Received',
  displayed: 'Displayed',
  clicked: 'Clicked',
};

/** `part / whole`, or null when either is unknown or the whole is 0 (no rate to speak of). */
export function rate(part: number | null | undefined, whole: number | null | undefined): number | null {
  if (part == null || whole == null || whole === 0) return null;
  return part / whole;
}

/** A funnel stage summed over campaigns, and how many of them reported it. */
export interface StageTotal {
  value: number | null;
  reportedBy: number;
}

export interface FunnelTotal {
  /** Campaigns with a funnel. */
  campaigns: number;
  stages: Record<FunnelStage | 'dismissed', StageTotal>;
}

/** Sums funnels stage by stage. A stage no campaign reported stays null (unknown, not 0). */
export function sumFunnels(funnels: ReadonlyArray<Partial<Funnel>>): FunnelTotal {
  const total = (key: FunnelStage | 'dismissed'): StageTotal => {
    let value: number | null = null;
    let reportedBy = 0;
    for (const funnel of funnels) {
      const figure = funnel[key];
      if (figure == null) continue;
      value = (value ?? 0) + figure;
      reportedBy += 1;
    }
    return { value, reportedBy };
  };
  return {
    campaigns: funnels.length,
    stages: {
      target: total('target'),
      sent: total('sent'),
      received: total('received'),
      displayed: total('displayed'),
      clicked: total('clicked'),
      dismissed: total('dismissed'),
    },
  };
}

export interface FunnelStep {
  stage: FunnelStage;
  value: number | null;
  /** The reported stage this step converts from (target has none). */
  previous: FunnelStage | null;
  /** value / previous value. */
  stepRate: number | null;
  /** value / target. */
  targetRate: number | null;
  /** Some campaigns of a selection did not report this stage: the sum covers only the others. */
  partial: boolean;
}

/**
 * The funnel as steps with conversion rates. A stage the vendor does not report (Tencent has no
 * "displayed") is skipped when computing the next rate, so clicked converts from received there.
 * Rates over a partially reported stage would mix populations, so they are left out.
 */
export function funnelSteps(total: FunnelTotal): FunnelStep[] {
  const steps: FunnelStep[] = [];
  let previous: FunnelStage | null = null;
  const complete = (stage: FunnelStage): boolean => total.stages[stage].reportedBy === total.campaigns;
  const target = total.stages.target;
  for (const stage of FUNNEL_STAGES) {
    const { value, reportedBy } = total.stages[stage];
    const partial = reportedBy > 0 && reportedBy < total.campaigns;
    const comparable = (other: FunnelStage | null): boolean => other !== null && complete(other) && complete(stage);
    steps.push({
      stage,
      value,
      previous: stage === 'target' || value === null ? null : previous,
      stepRate: comparable(previous) && previous ? rate(value, total.stages[previous].value) : null,
      targetRate: stage !== 'target' && comparable('target') ? rate(value, target.value) : null,
      partial,
    });
    if (value !== null) previous = stage;
  }
  return steps;
}

/** A campaign's own funnel as a one-campaign total, so campaigns and selections share one code path. */
export function singleFunnel(funnel: Funnel): FunnelTotal {
  return sumFunnels([funnel]);
}

export interface ChannelTotal {
  channel: string;
  platform: string;
  target: number | null;
  sent: number | null;
  received: number | null;
  displayed: number | null;
  clicked: number | null;
  /** Pushes handed to the channel (or targeted, where the vendor reports no "sent") that never arrived. */
  notReceived: number | null;
  deliveryRate: number | null;
}

const addNullable = (a: number | null, b: number | null | undefined): number | null => (b == null ? a : (a ?? 0) + b);

/** What a channel failed to deliver: sent − received (target − received where "sent" is not reported). */
function notReceived(row: Pick<ChannelTotal, 'target' | 'sent' | 'received'>): number | null {
  const handed = row.sent ?? row.target;
  if (handed == null || row.received == null) return null;
  return Math.max(0, handed - row.received);
}

/**
 * Channel rows summed per (channel, platform) across message kinds and campaigns, worst first:
 * the channel that lost the most pushes leads. JPush reports each channel once per message type
 * (notification, message, ...); the question "which channel loses most" is about the channel.
 */
export function aggregateChannels(rows: readonly ChannelStat[]): ChannelTotal[] {
  const byKey = new Map<string, ChannelTotal>();
  for (const row of rows) {
    const key = `${row.channel}/${row.platform}`;
    const total = byKey.get(key) ?? {
      channel: row.channel,
      platform: row.platform,
      target: null,
      sent: null,
      received: null,
      displayed: null,
      clicked: null,
      notReceived: null,
      deliveryRate: null,
    };
    total.target = addNullable(total.target, row.target);
    total.sent = addNullable(total.sent, row.sent);
    total.received = addNullable(total.received, row.received);
    total.displayed = addNullable(total.displayed, row.displayed);
    total.clicked = addNullable(total.clicked, row.clicked);
    byKey.set(key, total);
  }
  const totals = [...byKey.values()].map((total) => ({
    ...total,
    notReceived: notReceived(total),
    deliveryRate: rate(total.received, total.sent ?? total.target),
  }));
  return totals.sort((a, b) => (b.notReceived ?? -1) - (a.notReceived ?? -1) || (b.sent ?? 0) - (a.sent ?? 0));
}

/** The channel that lost the most pushes, if any lost one. */
export function worstChannel(totals: readonly ChannelTotal[]): ChannelTotal | null {
  const worst = totals[0];
  return worst && worst.notReceived !== null && worst.notReceived > 0 ? worst : null;
}

export interface RankedLoss {
  stage: string;
  errorCode: string;
  description: string | null;
  channel: string | null;
  eventType: string | null;
  count: number;
  /** Share of all losses in the same list (overall or per channel). */
  share: number | null;
}

/**
 * Tencent loss reasons summed over campaigns and ranked by count. The overall lists
 * (`ReadyToSendLoss`, `PostSendDeliveredLoss`: channel null) and the per-platform lists count the
 * same losses twice over, so they are ranked separately and never added together.
 */
export function rankLossReasons(reasons: readonly LossReason[]): { overall: RankedLoss[]; byChannel: RankedLoss[] } {
  const rank = (rows: readonly LossReason[]): RankedLoss[] => {
    const byKey = new Map<string, RankedLoss>();
    for (const row of rows) {
      const key = JSON.stringify([row.stage, row.errorCode, row.channel, row.eventType]);
      const ranked = byKey.get(key) ?? {
        stage: row.stage,
        errorCode: row.errorCode,
        description: null,
        channel: row.channel ?? null,
        eventType: row.eventType ?? null,
        count: 0,
        share: null,
      };
      ranked.count += row.count;
      // Tencent's ErrInfo is sometimes empty for a code; keep the first real description.
      if (!ranked.description && row.description) ranked.description = row.description;
      byKey.set(key, ranked);
    }
    const all = [...byKey.values()];
    const sum = all.reduce((acc, row) => acc + row.count, 0);
    return all
      .map((row) => ({ ...row, share: rate(row.count, sum) }))
      .sort((a, b) => b.count - a.count || a.errorCode.localeCompare(b.errorCode));
  };
  return {
    overall: rank(reasons.filter((reason) => reason.channel == null)),
    byChannel: rank(reasons.filter((reason) => reason.channel != null)),
  };
}

export type SmsTotal = Record<keyof SmsStats, number | null>;

export function sumSms(rows: readonly SmsStats[]): SmsTotal {
  const total: SmsTotal = { sent: null, receiveSuccess: null, receiveFailed: null, skipped: null, failed: null };
  for (const row of rows) {
    for (const key of Object.keys(total) as Array<keyof SmsStats>) total[key] = addNullable(total[key], row[key]);
  }
  return total;
}

export interface CurvePoint {
  time: number;
  /** Campaigns with a snapshot at or before `time`. */
  campaigns: number;
  values: Record<FunnelStage, number | null>;
}

/**
 * The delivery curve of a selection: at every snapshot time, the sum over campaigns of each one's
 * latest snapshot up to then (a campaign counts from its first snapshot on). For one campaign this
 * is its own history.
 */
export function deliveryCurve(histories: ReadonlyArray<readonly Snapshot[]>): CurvePoint[] {
  const series = histories.map((snapshots) =>
    snapshots
      .flatMap(({ fetchedAt, funnel }) => {
        const time = Date.parse(fetchedAt);
        return funnel && Number.isFinite(time) ? [{ time, funnel }] : [];
      })
      .sort((a, b) => a.time - b.time),
  );
  const times = [...new Set(series.flatMap((points) => points.map((point) => point.time)))].sort((a, b) => a - b);
  // One pointer per campaign, moved forward as time advances: linear in the number of snapshots.
  const next = series.map(() => 0);
  const latest: Array<Pick<Funnel, FunnelStage> | undefined> = series.map(() => undefined);
  return times.map((time) => {
    series.forEach((points, i) => {
      let at = next[i] ?? 0;
      for (; at < points.length && points[at]!.time <= time; at++) latest[i] = points[at]!.funnel;
      next[i] = at;
    });
    const known = latest.filter((funnel) => funnel !== undefined);
    const total = sumFunnels(known);
    const values = Object.fromEntries(FUNNEL_STAGES.map((stage) => [stage, total.stages[stage].value])) as Record<FunnelStage, number | null>;
    return { time, campaigns: known.length, values };
  });
}

/** The campaigns of an entry list that answered with figures. */
export function loadedData(entries: readonly CampaignEntry[]): CampaignData[] {
  return entries.flatMap((entry) => (entry.state.status === 'loaded' ? [entry.state.data] : []));
}

export interface Progress {
  total: number;
  settled: number;
  loaded: number;
  missing: number;
  failed: number;
  /** Loaded campaigns with at least one failed field. */
  partial: number;
}

export function progressOf(entries: readonly CampaignEntry[]): Progress {
  const progress: Progress = { total: entries.length, settled: 0, loaded: 0, missing: 0, failed: 0, partial: 0 };
  for (const { state } of entries) {
    if (state.status === 'loading') continue;
    progress.settled += 1;
    if (state.status === 'loaded') {
      progress.loaded += 1;
      if (state.errors.length > 0) progress.partial += 1;
    } else if (state.status === 'missing') progress.missing += 1;
    else progress.failed += 1;
  }
  return progress;
}
