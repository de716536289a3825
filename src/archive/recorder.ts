import { LRUCache } from 'lru-cache';
import type { Vendor } from '../domain.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { ARCHIVED_FIELDS, canonicalJson, canonicalObject, setFigure, sha256, type ArchivedField, type PartialFigures } from './figures.js';
import { campaignKey, type CampaignWrite } from './store.js';

/** An observation waiting to be written: every field seen for one campaign since the last write. */
export interface PendingCampaign {
  vendor: Vendor;
  app: string;
  id: string;
  firstAt: number;
  lastAt: number;
  figures: PartialFigures;
  /** When each field in `figures` was fetched. */
  fetchedAt: Partial<Record<keyof PartialFigures, number>>;
  goneAt: number | null;
}

export interface RecorderOptions {
  /** Writes one batch in one transaction; rejects when the store is unavailable. */
  write(writes: CampaignWrite[]): Promise<void>;
  /** The refresher's first date for a campaign first seen at `firstSeenAt` (null: none). */
  firstRefreshAt(vendor: Vendor, firstSeenAt: number): number | null;
  /** Unchanged figures are written again at most this often (also the snapshot key's bucket). */
  snapshotEveryMs: number;
  maxQueue: number;
  logger: Logger;
  metrics: Metrics;
  /** Backoff of writes after a failure (default 1 s doubling to 30 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** What this process last wrote per field of a campaign (to skip rewriting unchanged figures). */
interface Written {
  /**
   * `value` is the object last written: answers served from the answer cache are that same
   * object, so they skip hashing. Weakly: once the answer cache lets it go, it is not kept here.
   */
  fields: Map<string, { hash: string; at: number; value: WeakRef<object> | undefined }>;
}

/** Campaigns per transaction (7 parameters each, far below PostgreSQL's 65535). */
const WRITE_BATCH = 100;

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function copyFigure<F extends ArchivedField>(from: PartialFigures, to: PartialFigures, field: F): void {
  const value = from[field];
  if (value !== undefined) setFigure(to, field, value);
}

/**
 * The archive's write path, off the request path: observations are queued (bounded: the oldest
 * is dropped and counted when full), coalesced per campaign, and written in the background in
 * batches. A failed write keeps its batch and retries with backoff, so a store that is down or
 * full costs memory up to `maxQueue`, never a live answer.
 */
export class Recorder {
  private queue = new Map<string, PendingCampaign>();
  /** The batch being written right now. */
  private readonly writing = new Map<string, PendingCampaign>();
  private readonly written = new LRUCache<string, Written>({ max: 50_000 });
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: RecorderOptions) {}

  /** Fields of a campaign the vendor answered (default view). */
  observe(vendor: Vendor, app: string, id: string, figures: PartialFigures, at: number): void {
    const pending = this.pendingFor(vendor, app, id, at);
    // The vendor answered: whatever it said of the id before, it knows it now.
    pending.goneAt = null;
    for (const field of ARCHIVED_FIELDS) {
      if (!(field in figures)) continue;
      // The newest answer of a field wins, whatever order the answers arrive in.
      if ((pending.fetchedAt[field] ?? -Infinity) > at) continue;
      copyFigure(figures, pending.figures, field);
      pending.fetchedAt[field] = at;
    }
    this.enqueue(pending);
  }

  /** The vendor knows the campaign (so the archive and the refresher learn of it). */
  seen(vendor: Vendor, app: string, id: string, at: number): void {
    const pending = this.pendingFor(vendor, app, id, at);
    pending.goneAt = null;
    this.enqueue(pending);
  }

  /** The vendor no longer knows a campaign the archive has. */
  gone(vendor: Vendor, app: string, id: string, at: number): void {
    const pending = this.pendingFor(vendor, app, id, at);
    pending.goneAt ??= at;
    this.enqueue(pending);
  }

  /** Not yet written (queued, or being written): answers read their own writes even while the store is slow or down. */
  pending(vendor: Vendor, app: string, id: string): PendingCampaign | undefined {
    const queued = this.queue.get(campaignKey(vendor, app, id));
    const writing = this.writing.get(campaignKey(vendor, app, id));
    return queued && writing ? merge(writing, queued) : (queued ?? writing);
  }

  get size(): number {
    return this.queue.size;
  }

  /** The store is back: write now instead of at the end of the backoff. */
  retryNow(): void {
    this.failures = 0;
    if (this.draining) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.size > 0) this.schedule(0);
  }

  /** Writes everything queued now (tests; shutdown). Rejects if the store fails. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.draining) await this.draining;
    if (this.queue.size > 0) await this.drain(true);
  }

  /** Final flush within `timeoutMs`, then no more background writes. What is not written by then is counted and logged as lost. */
  async close(timeoutMs: number): Promise<void> {
    let failure = 'shutdown deadline passed';
    const flushed = await within(
      this.flush().catch((error: unknown) => {
        failure = errorMessage(error);
        throw error;
      }),
      timeoutMs,
    ).catch(() => false);
    this.closed = true;
    clearTimeout(this.timer);
    if (flushed) return;
    const lost = new Set([...this.queue.keys(), ...this.writing.keys()]).size;
    this.options.metrics.archiveSnapshots.inc({ outcome: 'lost' }, lost);
    this.options.logger.warn({ lost, error: failure }, 'archive: snapshots not written at shutdown');
  }

  private pendingFor(vendor: Vendor, app: string, id: string, at: number): PendingCampaign {
    const existing = this.queue.get(campaignKey(vendor, app, id));
    if (existing) {
      existing.firstAt = Math.min(existing.firstAt, at);
      existing.lastAt = Math.max(existing.lastAt, at);
      return existing;
    }
    return { vendor, app, id, firstAt: at, lastAt: at, figures: {}, fetchedAt: {}, goneAt: null };
  }

  private enqueue(pending: PendingCampaign): void {
    if (this.closed) return;
    const id = campaignKey(pending.vendor, pending.app, pending.id);
    if (!this.queue.has(id)) {
      this.queue.set(id, pending);
      this.dropOverflow();
    }
    this.options.metrics.archiveQueueSize.set(this.queue.size);
    // At once: a request hands over its campaign's fields together (ArchiveSession), and a replica
    // asked right after this one answered should find the snapshot in the shared store.
    this.schedule(0);
  }

  private dropOverflow(): void {
    while (this.queue.size > this.options.maxQueue) {
      const oldest = this.queue.keys().next().value;
      if (oldest === undefined) return;
      this.queue.delete(oldest);
      this.options.metrics.archiveSnapshots.inc({ outcome: 'dropped' });
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.draining || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain(false).catch(() => undefined);
    }, delayMs);
    this.timer.unref();
  }

  /** Writes the queue; on failure keeps what is left, retries later with backoff, and rethrows when asked. */
  private async drain(rethrow: boolean): Promise<void> {
    let finished = (): void => undefined;
    this.draining = new Promise((resolve) => (finished = resolve));
    let failure: { error: unknown } | undefined;
    try {
      failure = await this.writeQueue();
    } finally {
      this.draining = undefined;
      finished();
      this.options.metrics.archiveQueueSize.set(this.queue.size);
    }
    if (failure) {
      this.failures += 1;
      const retryMs = Math.min(this.options.retryMaxMs ?? 30_000, (this.options.retryMinMs ?? 1_000) * 2 ** (this.failures - 1));
      // Once per outage: the store's own failure is logged where it happens (Archive.use).
      this.options.logger[this.failures === 1 ? 'warn' : 'debug'](
        { queued: this.queue.size, retryMs, error: errorMessage(failure.error) },
        'archive: write failed, will retry',
      );
      this.schedule(retryMs);
      if (rethrow) throw failure.error;
      return;
    }
    this.failures = 0;
    if (this.queue.size > 0) this.schedule(0);
  }

  private async writeQueue(): Promise<{ error: unknown } | undefined> {
    while (this.queue.size > 0) {
      const batch = [...this.queue.values()].slice(0, WRITE_BATCH);
      for (const pending of batch) {
        this.queue.delete(campaignKey(pending.vendor, pending.app, pending.id));
        this.writing.set(campaignKey(pending.vendor, pending.app, pending.id), pending);
      }
      const prepared = batch.flatMap((pending) => this.toWrite(pending) ?? []);
      const writes = prepared.map(({ write }) => write);
      try {
        await this.options.write(writes);
      } catch (error) {
        this.requeue(batch);
        return { error };
      } finally {
        this.writing.clear();
      }
      this.remember(prepared);
      const snapshots = writes.filter((write) => Object.keys(write.figures).length > 0).length;
      this.options.metrics.archiveSnapshots.inc({ outcome: 'written' }, snapshots);
      this.options.metrics.archiveSnapshots.inc({ outcome: 'unchanged' }, batch.length - writes.length);
    }
    return undefined;
  }

  /**
   * The write for a campaign (with each field's hash, remembered once it is written), or undefined
   * when this process wrote the same figures recently. Each figure's canonical text is built once:
   * its hash and the snapshot's content hash both come from it.
   */
  private toWrite(pending: PendingCampaign): { write: CampaignWrite; fieldHashes: Map<string, string> } | undefined {
    const written = this.written.get(campaignKey(pending.vendor, pending.app, pending.id));
    const canonical = new Map<string, { text: string; hash: string }>();
    const canonicalOf = (field: string, value: unknown): { text: string; hash: string } => {
      let known = canonical.get(field);
      if (!known) {
        const text = canonicalJson(value);
        canonical.set(field, (known = { text, hash: sha256(text) }));
      }
      return known;
    };
    const fields = Object.keys(pending.figures) as Array<keyof PartialFigures>;
    const unchanged =
      written !== undefined &&
      pending.goneAt === null &&
      fields.every((field) => {
        const last = written.fields.get(field);
        if (last === undefined || pending.lastAt - last.at >= this.options.snapshotEveryMs) return false;
        const value = pending.figures[field];
        const same = typeof value === 'object' && value !== null && last.value?.deref() === value;
        return same || last.hash === canonicalOf(field, value).hash;
      });
    if (unchanged) return undefined;
    const write: CampaignWrite = {
      vendor: pending.vendor,
      app: pending.app,
      id: pending.id,
      firstAt: pending.firstAt,
      lastAt: pending.lastAt,
      figures: pending.figures,
      goneAt: pending.goneAt,
      firstRefreshAt: this.options.firstRefreshAt(pending.vendor, pending.firstAt),
      contentHash: sha256(canonicalObject(pending.figures, (field, value) => canonicalOf(field, value).text)),
      bucketStart: pending.lastAt - (pending.lastAt % this.options.snapshotEveryMs),
    };
    // canonicalObject made every defined field's text: these are the hashes to remember once written.
    return { write, fieldHashes: new Map([...canonical].map(([field, { hash }]) => [field, hash])) };
  }

  private remember(writes: ReadonlyArray<{ write: CampaignWrite; fieldHashes: Map<string, string> }>): void {
    for (const { write, fieldHashes } of writes) {
      const id = campaignKey(write.vendor, write.app, write.id);
      const written = this.written.get(id) ?? { fields: new Map() };
      for (const [field, value] of Object.entries(write.figures)) {
        const hash = fieldHashes.get(field);
        if (hash === undefined) continue;
        written.fields.set(field, {
          hash,
          at: write.lastAt,
          value: typeof value === 'object' && value !== null ? new WeakRef(value) : undefined,
        });
      }
      this.written.set(id, written);
    }
  }

  /** A failed batch goes back in front, merged under anything newer queued meanwhile. */
  private requeue(batch: PendingCampaign[]): void {
    const queue = new Map<string, PendingCampaign>();
    for (const pending of batch) queue.set(campaignKey(pending.vendor, pending.app, pending.id), pending);
    for (const [id, newer] of this.queue) {
      const older = queue.get(id);
      queue.set(id, older ? merge(older, newer) : newer);
    }
    this.queue = queue;
    this.dropOverflow();
  }
}

/** One campaign's observations: the newer's figures win field by field, the first sighting is kept, the newer says whether it is gone. */
function merge(older: PendingCampaign, newer: PendingCampaign): PendingCampaign {
  return {
    ...newer,
    firstAt: Math.min(older.firstAt, newer.firstAt),
    lastAt: Math.max(older.lastAt, newer.lastAt),
    figures: { ...older.figures, ...newer.figures },
    fetchedAt: { ...older.fetchedAt, ...newer.fetchedAt },
    goneAt: newer.goneAt,
  };
}

/** Waits for `work` at most `ms`; whether it finished. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(ms, 0))));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
