import type { Vendor } from '../domain.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { CampaignSource } from '../datasources/vendor.js';
import { ARCHIVED_FIELDS, setFigure, type ArchivedField, type Figures, type PartialFigures } from './figures.js';
import { isPastRetention, nextRefreshAt, type RefreshSchedule } from './retention.js';
import type { DueCampaign } from './store.js';

/** One configured app of a vendor, as the refresher asks it. */
export interface VendorRuntime {
  vendor: Vendor;
  app: string;
  /** A fresh source per tick (its loaders batch the tick's ids). */
  createSource(): CampaignSource;
}

export interface RefresherDeps {
  /** Every configured (vendor, app), in a fixed order: campaigns of an app no longer configured are not refreshed. */
  runtimes: readonly VendorRuntime[];
  /** Whether this process is the one refresher (PostgreSQL advisory lock). */
  lead(): Promise<boolean>;
  due(vendor: Vendor, app: string, now: number, limit: number): Promise<DueCampaign[]>;
  reschedule(vendor: Vendor, app: string, id: string, next: number | null): Promise<void>;
  record(vendor: Vendor, app: string, id: string, figures: PartialFigures, at: number): void;
  gone(vendor: Vendor, app: string, id: string, at: number): void;
  /** A live request is waiting on the vendor app right now: the refresher stands back. */
  busy(vendor: Vendor, app: string): boolean;
  now(): number;
  schedule: RefreshSchedule;
  /**
   * Campaigns per vendor app per tick (each app has its own vendor quota): the whole budget
   * (ARCHIVE_REFRESH_PER_MINUTE spread over the ticks).
   */
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
 * and caches apply). Its budget is small and fixed per vendor app, and it skips a vendor app on a
 * tick where a live request is waiting on it: live answers always go first.
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

  /** One tick: at most `perTick` due campaigns per vendor app. */
  async runOnce(): Promise<void> {
    if (!(await this.deps.lead())) return;
    for (const runtime of this.deps.runtimes) {
      if (this.stopped || this.deps.busy(runtime.vendor, runtime.app)) continue;
      const due = await this.deps.due(runtime.vendor, runtime.app, this.deps.now(), this.deps.perTick);
      if (due.length === 0) continue;
      const source = runtime.createSource();
      // Together, so a vendor's loaders put them into as few calls as it allows (Tencent: 5 TaskIDs).
      await Promise.all(due.map((campaign) => this.refresh(runtime, source, campaign)));
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

  private async refresh({ vendor, app }: VendorRuntime, source: CampaignSource, campaign: DueCampaign): Promise<void> {
    const at = this.deps.now();
    let outcome: 'ok' | 'partial' | 'gone' | 'error' | 'final';
    let next: number | null = null;
    try {
      if (isPastRetention(vendor, campaign.firstSeenAt, at)) {
        // The vendor surely dropped it already: asking would only spend quota.
        outcome = 'final';
      } else if ((await source.campaign(campaign.id)) === null) {
        this.deps.gone(vendor, app, campaign.id, at);
        outcome = 'gone';
      } else {
        const fields = ARCHIVED_FIELDS.filter((field) => !isPastRetention(vendor, campaign.firstSeenAt, at, field));
        const figures: PartialFigures = {};
        const settled = await Promise.allSettled(fields.map((field) => fetchInto(source, campaign.id, field, figures)));
        this.deps.record(vendor, app, campaign.id, figures, this.deps.now());
        outcome = settled.some((result) => result.status === 'rejected') ? 'partial' : 'ok';
        next = nextRefreshAt(vendor, campaign.firstSeenAt, at, this.deps.schedule);
      }
    } catch (error) {
      // The vendor failed (it already retried what was transient): try again at the short interval.
      outcome = 'error';
      next = at + this.deps.schedule.firstDayEveryMs;
      this.deps.logger.info(
        { vendor, app, id: campaign.id, error: error instanceof Error ? error.message : String(error) },
        'archive: refresh failed',
      );
    }
    this.deps.metrics.archiveRefreshes.inc({ vendor, outcome });
    await this.deps.reschedule(vendor, app, campaign.id, next);
  }
}
