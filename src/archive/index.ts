import { LRUCache } from 'lru-cache';
import type { ArchiveConfig } from '../config.js';
import type { Vendor } from '../domain.js';
import { archiveUnavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { ARCHIVED_FIELDS, preferFigure, readFigure, setFigure, type ArchivedField, type PartialFigures } from './figures.js';
import { Recorder, within } from './recorder.js';
import { Refresher, type VendorRuntime } from './refresher.js';
import { isPastRetention, nextRefreshAt, type RefreshSchedule } from './retention.js';
import { ArchiveSession } from './session.js';
import {
  appKey,
  campaignKey,
  describeDatabaseUrl,
  MEMORY_DATA_DIR,
  openPostgresStore,
  openSqliteStore,
  type ArchiveStore,
  type RecentCampaign,
  type RecentFilter,
  type SnapshotRecord,
  type StoreKind,
} from './store.js';

export { ArchiveSession } from './session.js';

/** A campaign as the archive answers it once the vendor forgot it. */
export interface ArchivedView {
  /** When the newest of its figures was fetched. */
  asOf: number;
  /** The figures the archive has (absent: never fetched before the vendor forgot). */
  figures: PartialFigures;
}

export interface ArchiveDeps {
  config: ArchiveConfig;
  /** Every configured (vendor, app) the refresher asks, through fresh sources. */
  runtimes: readonly VendorRuntime[];
  logger: Logger;
  metrics: Metrics;
  /** Injected in tests. */
  now?: () => number;
  /** How often the refresher looks for due campaigns. */
  refreshTickMs?: number;
}

export type StoreStatus = 'starting' | 'ok' | 'down';

const MINUTE_MS = 60_000;
/** After a failure, requests skip the store this long instead of each waiting for it. */
const DOWN_COOLDOWN_MS = 5_000;
/** The archive cannot know an id it has not seen; that answer is kept this long. */
const UNKNOWN_META_TTL_MS = 10 * MINUTE_MS;
const HISTORY_LIMIT = 1000;
const NEEDED_READ_TIMEOUT_MS = 5_000;

class StoreUnavailable extends Error {
  constructor() {
    super('archive store unavailable');
  }
}

/** The store answered too slowly for a live answer to wait: slow, not down. */
class StoreTimeout extends Error {
  constructor(ms: number) {
    super(`archive did not answer within ${ms} ms`);
  }
}

/**
 * The campaign archive of one app: the store (SQLite or PostgreSQL, opened in the background and
 * reopened until it answers), the write queue, the refresher, and per-request sessions, the tier
 * behind every vendor's CampaignSource. A live answer never waits for the store: reads happen
 * only when the vendor forgot a campaign (or it is past retention), giving up after a timeout (or at
 * once during a cooldown); writes wait in the queue.
 */
export class Archive {
  readonly kind: StoreKind;
  readonly recorder: Recorder;
  private store: ArchiveStore | undefined;
  private status: StoreStatus = 'starting';
  private downUntil = 0;
  private closed = false;
  private readonly opening: Promise<void>;
  private wake: (() => void) | undefined;
  private refresher: Refresher | undefined;
  /** Live vendor calls in flight per vendor app (appKey): each app has its own quota. */
  private readonly inFlight = new Map<string, number>();
  /**
   * First sightings by vendor, app and id, as far as this process knows (what it saw, what it read
   * from the store): a campaign known here to be past the vendor's retention is not asked of the vendor.
   */
  private readonly firstSeen = new LRUCache<string, number>({ max: 100_000 });
  /** Campaigns whose first sighting was looked up in the store lately (found or not). */
  private readonly lookedUp = new LRUCache<string, true>({ max: 100_000, ttl: UNKNOWN_META_TTL_MS });
  /** Ids to look up in the store once this turn of the event loop is over, by vendor app (appKey). */
  private toLookUp = new Map<string, { vendor: Vendor; app: string; ids: Set<string> }>();
  readonly now: () => number;

  constructor(private readonly deps: ArchiveDeps) {
    this.now = deps.now ?? Date.now;
    this.kind = deps.config.databaseUrl ? 'postgres' : 'sqlite';
    this.recorder = new Recorder({
      write: (writes) => this.use('write', (store) => store.write(writes)),
      firstRefreshAt: (vendor, firstSeenAt) => nextRefreshAt(vendor, firstSeenAt, firstSeenAt, this.schedule),
      snapshotEveryMs: deps.config.snapshotMinutes * MINUTE_MS,
      maxQueue: deps.config.queueMax,
      logger: deps.logger,
      metrics: deps.metrics,
    });
    deps.metrics.archiveStoreUp.set({ store: this.kind }, 0);
    this.opening = this.open();
  }

  private get schedule(): RefreshSchedule {
    const { config } = this.deps;
    return {
      firstDayEveryMs: config.refreshFirstDayMinutes * MINUTE_MS,
      laterEveryMs: config.refreshLaterMinutes * MINUTE_MS,
      finalBeforeMs: config.refreshFinalMinutes * MINUTE_MS,
    };
  }

  /** For /health and logs: never the URL (it may carry a password). */
  health(): { store: StoreKind; status: StoreStatus } {
    return { store: this.kind, status: this.status };
  }

  /** Resolves once the store has opened (or the archive closed first). */
  ready(): Promise<void> {
    return this.opening;
  }

  /** A per-request session: the archive tier of the request's campaign loads, `history` and discovery. */
  session(): ArchiveSession {
    return new ArchiveSession(this);
  }

  /** Stops the refresher, writes what is queued, closes the store. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.refresher?.stop();
    // A durable store still opening is waited for, so what this app saw is not lost, but only
    // within the shutdown deadline: what is still queued then is counted lost.
    const deadline = Date.now() + this.deps.config.closeTimeoutMs;
    if (this.deps.config.databaseUrl || this.deps.config.dataDir !== MEMORY_DATA_DIR) await within(this.opening, deadline - Date.now());
    await this.recorder.close(Math.max(deadline - Date.now(), 0));
    const store = this.store;
    this.store = undefined;
    await store?.close();
    this.deps.metrics.archiveStoreUp.set({ store: this.kind }, 0);
  }

  private async open(): Promise<void> {
    const { config, logger } = this.deps;
    const where = config.databaseUrl ? describeDatabaseUrl(config.databaseUrl) : config.dataDir;
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        const store = await this.openStore();
        if (this.closed) return await store.close();
        this.store = store;
        this.markUp();
        logger.info({ store: this.kind, where }, 'archive store ready');
        this.recorder.retryNow();
        if (config.refresh) this.startRefresher();
        return;
      } catch (error) {
        this.deps.metrics.archiveStoreErrors.inc({ operation: 'open' });
        const retryMs = Math.min(30_000, 1_000 * 2 ** (attempt - 1));
        logger.warn({ store: this.kind, where, retryMs, error: messageOf(error) }, 'archive store unavailable, will retry');
        this.status = 'down';
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, retryMs);
          timer.unref();
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private openStore(): Promise<ArchiveStore> {
    const { config, logger } = this.deps;
    if (config.databaseUrl) {
      return openPostgresStore({
        url: config.databaseUrl,
        schema: config.schema,
        logger,
        statementTimeoutMs: Math.max(config.readTimeoutMs, 5_000),
      });
    }
    // In memory, the archive is private to this app: a database of its own.
    return openSqliteStore({ dataDir: config.dataDir, busyTimeoutMs: Math.max(config.readTimeoutMs, 5_000) });
  }

  private startRefresher(): void {
    const tickMs = this.deps.refreshTickMs ?? 15_000;
    this.refresher = new Refresher({
      runtimes: this.deps.runtimes,
      lead: () => this.use('lock', (store) => store.lead()),
      due: (vendor, app, now, limit) => this.use('refresh', (store) => store.due(vendor, app, now, limit)),
      reschedule: (vendor, app, id, next) => this.use('refresh', (store) => store.reschedule(vendor, app, id, next)),
      record: (vendor, app, id, figures, at) => this.record(vendor, app, id, figures, at),
      gone: (vendor, app, id, at) => this.recorder.gone(vendor, app, id, at),
      busy: (vendor, app) => (this.inFlight.get(appKey(vendor, app)) ?? 0) > 0,
      now: this.now,
      schedule: this.schedule,
      perTick: Math.max(1, Math.ceil((this.deps.config.refreshPerMinute * tickMs) / MINUTE_MS)),
      tickMs,
      logger: this.deps.logger,
      metrics: this.deps.metrics,
    });
    this.refresher.start();
  }

  /** Runs `operation` on the store, bounded in time; marks the store down (and counts) when it fails. */
  private async use<T>(operation: string, run: (store: ArchiveStore) => Promise<T>, timeoutMs?: number): Promise<T> {
    const store = this.store;
    if (!store || (this.status === 'down' && this.now() < this.downUntil)) throw new StoreUnavailable();
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = run(store);
      const value =
        timeoutMs === undefined
          ? await work
          : await Promise.race([
              work,
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new StoreTimeout(timeoutMs)), timeoutMs);
              }),
            ]);
      this.markUp();
      return value;
    } catch (error) {
      if (error instanceof StoreTimeout) this.deps.metrics.archiveStoreErrors.inc({ operation });
      else this.markDown(operation, error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private markUp(): void {
    if (this.status === 'ok') return;
    if (this.status === 'down') this.deps.logger.info({ store: this.kind }, 'archive store answers again');
    this.status = 'ok';
    this.deps.metrics.archiveStoreUp.set({ store: this.kind }, 1);
  }

  private markDown(operation: string, error: unknown): void {
    this.deps.metrics.archiveStoreErrors.inc({ operation });
    if (this.status !== 'down') this.deps.logger.warn({ store: this.kind, operation, error: messageOf(error) }, 'archive store failed');
    this.status = 'down';
    this.downUntil = this.now() + DOWN_COOLDOWN_MS;
    this.deps.metrics.archiveStoreUp.set({ store: this.kind }, 0);
  }

  /**
   * A read on the request path: undefined (go on without the archive) when the store is down or
   * slower than `timeoutMs`.
   */
  private async read<T>(run: (store: ArchiveStore) => Promise<T>, timeoutMs: number): Promise<T | undefined> {
    try {
      return await this.use('read', run, timeoutMs);
    } catch {
      return undefined;
    }
  }

  /**
   * How long an answer that needs the archive waits for it: the vendor forgot the campaign (the
   * alternative is null) or the field is the archive's own (`history`). A live answer never waits
   * for the archive: the vendor is asked first.
   */
  private get neededReadTimeoutMs(): number {
    return Math.max(this.deps.config.readTimeoutMs, NEEDED_READ_TIMEOUT_MS);
  }

  // ---- used by ArchiveSession -------------------------------------------------------------

  /** Counts a live vendor call in flight (the refresher stands back from that vendor app while any is). */
  async live<T>(vendor: Vendor, app: string, call: () => Promise<T>): Promise<T> {
    const runtime = appKey(vendor, app);
    this.inFlight.set(runtime, (this.inFlight.get(runtime) ?? 0) + 1);
    try {
      return await call();
    } finally {
      this.inFlight.set(runtime, (this.inFlight.get(runtime) ?? 1) - 1);
    }
  }

  /**
   * Whether the campaign (or one of its figures) is known in memory to be past the vendor's
   * retention. Never waits for the store: an id this process has not seen is looked up in the
   * background, so a later request knows it; this one asks the vendor first.
   */
  isKnownPastRetention(vendor: Vendor, app: string, id: string, field?: ArchivedField): boolean {
    const firstSeenAt = this.firstSeen.get(campaignKey(vendor, app, id));
    if (firstSeenAt === undefined) {
      this.lookUp(vendor, app, id);
      return false;
    }
    return isPastRetention(vendor, firstSeenAt, this.now(), field);
  }

  private lookUp(vendor: Vendor, app: string, id: string): void {
    const key = campaignKey(vendor, app, id);
    if (this.lookedUp.has(key)) return;
    this.lookedUp.set(key, true);
    // A timer, not setImmediate: the batchers' immediates go first, so the vendor call leaves
    // before this (synchronous, with SQLite) read of sightings only later requests need.
    if (this.toLookUp.size === 0) setTimeout(() => this.readFirstSightings(), 0);
    const batch = this.toLookUp.get(appKey(vendor, app)) ?? { vendor, app, ids: new Set<string>() };
    this.toLookUp.set(appKey(vendor, app), batch);
    batch.ids.add(id);
  }

  /** One store read per vendor app for the ids of this turn; off the request path, a failure only leaves them unknown. */
  private readFirstSightings(): void {
    const batches = this.toLookUp;
    this.toLookUp = new Map();
    for (const { vendor, app, ids } of batches.values()) {
      void this.read((store) => store.meta(vendor, app, [...ids]), this.neededReadTimeoutMs).then((found) => {
        for (const [id, meta] of found ?? []) this.noteSeen(vendor, app, id, meta.firstSeenAt);
      });
    }
  }

  /**
   * The archived figures of each id, including snapshots still queued (a request reads its own
   * writes, even while the store is down). Ids without any archived figure are missing.
   */
  async latest(vendor: Vendor, app: string, ids: readonly string[]): Promise<Map<string, ArchivedView>> {
    const stored = (await this.read((store) => store.latest(vendor, app, ids), this.neededReadTimeoutMs)) ?? new Map();
    const answer = new Map<string, ArchivedView>();
    for (const id of ids) {
      const view: ArchivedView = { asOf: 0, figures: {} };
      const fields = stored.get(id);
      const pending = this.recorder.pending(vendor, app, id);
      for (const field of ARCHIVED_FIELDS) {
        const candidates: Array<{ value: unknown; fetchedAt: number }> = [];
        const kept = fields?.get(field);
        if (kept) candidates.push(kept);
        const queued = pending?.fetchedAt[field];
        if (pending && queued !== undefined && field in pending.figures)
          candidates.push({ value: pending.figures[field], fetchedAt: queued });
        for (const candidate of candidates.sort(preferFigure)) {
          if (adopt(view, field, candidate)) break;
        }
      }
      if (Object.keys(view.figures).length > 0) answer.set(id, view);
    }
    return answer;
  }

  /** Snapshots of each id within the bounds (oldest first); throws ARCHIVE_UNAVAILABLE when the store cannot answer. */
  async history(
    vendor: Vendor,
    app: string,
    ids: readonly string[],
    since: number | null,
    until: number | null,
  ): Promise<Map<string, SnapshotRecord[]>> {
    try {
      return await this.use('read', (store) => store.history(vendor, app, ids, since, until, HISTORY_LIMIT), this.neededReadTimeoutMs);
    } catch {
      throw archiveUnavailable();
    }
  }

  /** The vendor answered these figures (default view). */
  record(vendor: Vendor, app: string, id: string, figures: PartialFigures, at: number): void {
    this.noteSeen(vendor, app, id, at);
    this.recorder.observe(vendor, app, id, figures, at);
  }

  /** The vendor knows the campaign. */
  saw(vendor: Vendor, app: string, id: string, at: number): void {
    this.noteSeen(vendor, app, id, at);
    this.recorder.seen(vendor, app, id, at);
  }

  /** The vendor answered that it no longer knows a campaign the archive has. */
  forgot(vendor: Vendor, app: string, id: string, at: number): void {
    this.recorder.gone(vendor, app, id, at);
  }

  count(vendor: Vendor, reason: 'forgotten' | 'expired'): void {
    this.deps.metrics.archiveAnswers.inc({ vendor, reason });
  }

  // ---- discovery (issue 18) ------------------------------------------------------------------

  /** Campaigns newest first (see ArchiveStore.recent); throws ARCHIVE_UNAVAILABLE when the store cannot answer. */
  async recent(filter: RecentFilter, limit: number): Promise<RecentCampaign[]> {
    try {
      // A request reads its own writes: campaigns asked a moment ago are listed.
      await this.recorder.flush();
      return await this.use('read', (store) => store.recent(filter, limit), this.neededReadTimeoutMs);
    } catch {
      throw archiveUnavailable();
    }
  }

  /** Puts campaigns on the refresher's schedule from now; throws ARCHIVE_UNAVAILABLE when the store cannot answer. */
  async track(vendor: Vendor, app: string, ids: readonly string[]): Promise<void> {
    const at = this.now();
    try {
      await this.use('write', (store) => store.track(vendor, app, [...new Set(ids)], at, nextRefreshAt(vendor, at, at, this.schedule)));
    } catch {
      throw archiveUnavailable();
    }
    for (const id of ids) this.noteSeen(vendor, app, id, at);
  }

  /**
   * Keeps the earliest first sighting known. One the store holds may be earlier still: a sighting
   * known here is never earlier than the real one, so it never makes a live campaign look expired.
   */
  private noteSeen(vendor: Vendor, app: string, id: string, at: number): void {
    const key = campaignKey(vendor, app, id);
    const known = this.firstSeen.get(key);
    this.firstSeen.set(key, known === undefined ? at : Math.min(known, at));
  }
}

/** Takes a stored or queued value into the view if it is a valid value of the field. */
function adopt<F extends ArchivedField>(view: ArchivedView, field: F, candidate: { value: unknown; fetchedAt: number }): boolean {
  const read = readFigure(field, candidate.value);
  if (!read) return false;
  setFigure(view.figures, field, read.value);
  view.asOf = Math.max(view.asOf, candidate.fetchedAt);
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
