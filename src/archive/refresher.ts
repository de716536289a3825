import type { Vendor } from '../domain.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { CampaignSource } from '../datasources/vendor.js';
import { ARCHIVED_FIELDS, setFigure, type ArchivedField, type Figures, type PartialFigures } from './figures.js';
import { isPastRetention, nextRefreshAt, type RefreshSchedule } from './retention.js';
import type { DueCampaign } from './store.js';

export interface RefresherDeps {
  /** Every vendor, in a fixed order; a fresh source per tick (its loaders batch the tick's ids). */
  vendors: ReadonlyArray<{ vendor: Vendor; createSource(): CampaignSource }>;
  /** Whether this process is the one refresher (PostgreSQL advisory lock). */
  lead(): Promise<boolean>;
  due(vendor: Vendor, now: number, limit: number): Promise<DueCampaign[]>;
  reschedule(vendor: Vendor, id: string, next: number | null): Promise<void>;
  record(vendor: Vendor, id: string, figures: PartialFigures, at: number): void;
  gone(vendor: Vendor, id: string, at: number): void;
  /** A live request is waiting on the vendor right now: the refresher stands back. */
  busy(vendor: Vendor): boolean;
  now(): number;
  schedule: RefreshSchedule;
  /** Campaigns per vendor per tick: the whole budget (ARCHIVE_REFRESH_PER_MINUTE spread over the ticks). */
  perTick: number;
  tickMs: number;
  logger: Logger;
  metrics: Metrics;
}

const FETCH: { [F in ArchivedField]: (source: CampaignSource, id: string) => Promise<Figures[F]> } = {
  funnel: (source, id) => source.funnel(id, {}),
  channels: (source, id) => source.channels(id, {}),
  lossReasons: (source, id) => source.lossReasons(id, {}),
  sms: (source, id) => source.sms(id),
};

async function fetchInto<F extends ArchivedField>(source: CampaignSource, id: string, field: F, figures: PartialFigures): Promise<void> {
  setFigure(figures, field, await FETCH[field](source, id));
}

/**
 * Keeps the archive final: re-fetches campaigns still inside their vendor's retention on the
 * schedule of retention.ts, through the vendors' own sources (so their quota gates, schedulers
 * and caches apply). Its budget is small and fixed per vendor, and it skips a vendor on a tick
 * where a live request is waiting on it: live answers always go first.
 */
export class Refresher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: RefresherDeps) {}

  start(): void {
    this.stopped = false;
    this.next();
  }

  /** Stops the schedule and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One tick: at most `perTick` due campaigns per vendor. */
  async runOnce(): Promise<void> {
    if (!(await this.deps.lead())) return;
    for (const { vendor, createSource } of this.deps.vendors) {
      if (this.stopped || this.deps.busy(vendor)) continue;
      const due = await this.deps.due(vendor, this.deps.now(), this.deps.perTick);
      if (due.length === 0) continue;
      const source = createSource();
      // Together, so a vendor's loaders put them into as few calls as it allows (Tencent: 5 TaskIDs).
      await Promise.all(due.map((campaign) => this.refresh(vendor, source, campaign)));
    }
  }

  private next(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => {
          // Store failures are counted where they happen (Archive.use); this is the tick's own log.
          this.deps.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'archive: refresh tick failed');
        })
        .finally(() => {
          this.running = undefined;
          this.next();
        });
    }, this.deps.tickMs);
    this.timer.unref();
  }

  private async refresh(vendor: Vendor, source: CampaignSource, campaign: DueCampaign): Promise<void> {
    const at = this.deps.now();
    let outcome: 'ok' | 'partial' | 'gone' | 'error' | 'final';
    let next: number | null = null;
    try {
      if (isPastRetention(vendor, campaign.firstSeenAt, at)) {
        // The vendor surely dropped it already: asking would only spend quota.
        outcome = 'final';
      } else if ((await source.campaign(campaign.id)) === null) {
        this.deps.gone(vendor, campaign.id, at);
        outcome = 'gone';
      } else {
        const fields = ARCHIVED_FIELDS.filter((field) => !isPastRetention(vendor, campaign.firstSeenAt, at, field));
        const figures: PartialFigures = {};
        const settled = await Promise.allSettled(fields.map((field) => fetchInto(source, campaign.id, field, figures)));
        this.deps.record(vendor, campaign.id, figures, this.deps.now());
        outcome = settled.some((result) => result.status === 'rejected') ? 'partial' : 'ok';
        next = nextRefreshAt(vendor, campaign.firstSeenAt, at, this.deps.schedule);
      }
    } catch (error) {
      // The vendor failed (it already retried what was transient): try again at the short interval.
      outcome = 'error';
      next = at + this.deps.schedule.firstDayEveryMs;
      this.deps.logger.info(
        { vendor, id: campaign.id, error: error instanceof Error ? error.message : String(error) },
        'archive: refresh failed',
      );
    }
    this.deps.metrics.archiveRefreshes.inc({ vendor, outcome });
    await this.deps.reschedule(vendor, campaign.id, next);
  }
}
