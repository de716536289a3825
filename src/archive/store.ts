import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type ColumnType } from 'kysely';
import pg from 'pg';
import type { Vendor } from '../domain.js';
import type { Logger } from '../logger.js';
import { readFigures, type PartialFigures } from './figures.js';
import { archiveMigrations } from './migrations.js';
import { PGliteThread, PGliteThreadDialect } from './pglite-thread.js';

interface CampaignsTable {
  vendor: string;
  id: string;
  first_seen_at: Date;
  gone_at: Date | null;
  next_refresh_at: Date | null;
}

interface SnapshotsTable {
  vendor: string;
  id: string;
  fetched_at: Date;
  bucket_start: Date;
  content_hash: string;
  // Written as JSON text (PGlite and pg both read it into jsonb), read back as parsed JSON.
  figures: ColumnType<unknown, string, string>;
}

interface ArchiveDatabase {
  campaigns: CampaignsTable;
  snapshots: SnapshotsTable;
}

export type StoreKind = 'pglite' | 'postgres';

/** What the archive knows of a campaign without reading its figures. */
export interface CampaignMeta {
  firstSeenAt: number;
}

/** One field's value in the archive and when it was fetched. */
export interface ArchivedValue {
  value: unknown;
  fetchedAt: number;
}

export interface SnapshotRecord {
  fetchedAt: number;
  figures: PartialFigures;
}

/** A write of one campaign: what it was seen with, coalesced over a short while. */
export interface CampaignWrite {
  vendor: Vendor;
  id: string;
  /** When this observation started; becomes `first_seen_at` unless the archive saw it earlier. */
  firstAt: number;
  /** When the newest of its figures was fetched: the snapshot's `fetchedAt`. */
  lastAt: number;
  figures: PartialFigures;
  /** The vendor answered that it no longer knows the id. */
  goneAt: number | null;
  /** The refresher's first date for a campaign new to the archive. */
  firstRefreshAt: number | null;
  /** Content identity and bucket of the snapshot (idempotency key with vendor and id). */
  contentHash: string;
  bucketStart: number;
}

export interface DueCampaign {
  id: string;
  firstSeenAt: number;
}

/** A campaign as `recentCampaigns` lists it. */
export interface RecentCampaign {
  vendor: Vendor;
  id: string;
  firstSeenAt: number;
}

export interface RecentFilter {
  vendor?: Vendor;
  /** Only campaigns first seen at or after this instant. */
  since?: number;
  /** Only campaigns strictly after this one in the listing's order (the cursor's position). */
  after?: RecentCampaign;
}

/** The archive's tables in PGlite or PostgreSQL: the same SQL for both. */
export interface ArchiveStore {
  readonly kind: StoreKind;
  meta(vendor: Vendor, ids: readonly string[]): Promise<Map<string, CampaignMeta>>;
  /** Per id and field, the value to answer with once the vendor forgot (fullest, then newest). */
  latest(vendor: Vendor, ids: readonly string[]): Promise<Map<string, Map<string, ArchivedValue>>>;
  /** Per id, the newest `limit` snapshots within the bounds, oldest first. */
  history(vendor: Vendor, ids: readonly string[], since: number | null, until: number | null, limit: number): Promise<Map<string, SnapshotRecord[]>>;
  /** One transaction; idempotent (a retried write changes nothing). */
  write(writes: readonly CampaignWrite[]): Promise<void>;
  due(vendor: Vendor, now: number, limit: number): Promise<DueCampaign[]>;
  reschedule(vendor: Vendor, id: string, next: number | null): Promise<void>;
  /** Whether this process may run the refresher (PostgreSQL: it holds the advisory lock). */
  lead(): Promise<boolean>;
  // ---- discovery (issue 18): kysely's portable builder only, so the same code runs on SQLite ----
  /** Campaigns newest first by `first_seen_at` (then vendor, id, descending), after `after`, at most `limit`. */
  recent(filter: RecentFilter, limit: number): Promise<RecentCampaign[]>;
  /** Registers campaigns not yet archived, due for the refresher at `nextRefreshAt`; known ones are left as they are. */
  track(vendor: Vendor, ids: readonly string[], at: number, nextRefreshAt: number | null): Promise<void>;
  close(): Promise<void>;
}

class SqlArchiveStore implements ArchiveStore {
  constructor(
    readonly kind: StoreKind,
    private readonly db: Kysely<ArchiveDatabase>,
    private readonly schema: string,
    private readonly leadership: () => Promise<boolean>,
    private readonly release: () => Promise<void>,
  ) {}

  private get tables(): Kysely<ArchiveDatabase> {
    return this.db.withSchema(this.schema);
  }

  async meta(vendor: Vendor, ids: readonly string[]): Promise<Map<string, CampaignMeta>> {
    if (ids.length === 0) return new Map();
    const rows = await this.tables
      .selectFrom('campaigns')
      .select(['id', 'first_seen_at'])
      .where('vendor', '=', vendor)
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((row) => [row.id, { firstSeenAt: row.first_seen_at.getTime() }]));
  }

  async latest(vendor: Vendor, ids: readonly string[]): Promise<Map<string, Map<string, ArchivedValue>>> {
    const answer = new Map<string, Map<string, ArchivedValue>>();
    if (ids.length === 0) return answer;
    // Per field, the fullest then newest value: the same rule as figures.ts preferFigure.
    const { rows } = await sql<{ id: string; field: string; value: unknown; fetched_at: Date }>`
      SELECT DISTINCT ON (s.id, f.field) s.id, f.field, f.value, s.fetched_at
      FROM ${sql.table(`${this.schema}.snapshots`)} AS s
      CROSS JOIN LATERAL jsonb_each(s.figures) AS f(field, value)
      WHERE s.vendor = ${vendor} AND s.id IN (${sql.join(ids)})
      ORDER BY s.id, f.field, f.value IN ('null'::jsonb, '[]'::jsonb), s.fetched_at DESC`.execute(this.db);
    for (const row of rows) {
      const fields = answer.get(row.id) ?? new Map<string, ArchivedValue>();
      fields.set(row.field, { value: row.value, fetchedAt: row.fetched_at.getTime() });
      answer.set(row.id, fields);
    }
    return answer;
  }

  async history(
    vendor: Vendor,
    ids: readonly string[],
    since: number | null,
    until: number | null,
    limit: number,
  ): Promise<Map<string, SnapshotRecord[]>> {
    const answer = new Map<string, SnapshotRecord[]>();
    if (ids.length === 0) return answer;
    const bounds = [sql`vendor = ${vendor}`, sql`id IN (${sql.join(ids)})`];
    if (since !== null) bounds.push(sql`fetched_at >= ${new Date(since)}`);
    if (until !== null) bounds.push(sql`fetched_at <= ${new Date(until)}`);
    const { rows } = await sql<{ id: string; fetched_at: Date; figures: unknown }>`
      SELECT id, fetched_at, figures FROM (
        SELECT id, fetched_at, figures, row_number() OVER (PARTITION BY id ORDER BY fetched_at DESC) AS newest
        FROM ${sql.table(`${this.schema}.snapshots`)}
        WHERE ${sql.join(bounds, sql` AND `)}
      ) AS bounded
      WHERE newest <= ${limit}
      ORDER BY id, fetched_at`.execute(this.db);
    for (const row of rows) {
      const snapshots = answer.get(row.id) ?? [];
      snapshots.push({ fetchedAt: row.fetched_at.getTime(), figures: readFigures(row.figures) });
      answer.set(row.id, snapshots);
    }
    return answer;
  }

  async write(writes: readonly CampaignWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const snapshots = writes.filter((write) => Object.keys(write.figures).length > 0);
    await this.db.transaction().execute(async (trx) => {
      const tables = trx.withSchema(this.schema);
      await tables
        .insertInto('campaigns')
        .values(
          writes.map((write) => ({
            vendor: write.vendor,
            id: write.id,
            first_seen_at: new Date(write.firstAt),
            gone_at: write.goneAt === null ? null : new Date(write.goneAt),
            next_refresh_at: write.goneAt !== null || write.firstRefreshAt === null ? null : new Date(write.firstRefreshAt),
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['vendor', 'id']).doUpdateSet({
            // Replicas and retries may write out of order: the earliest sighting and the first
            // "gone" win; a gone campaign is never refreshed again.
            first_seen_at: sql`LEAST(campaigns.first_seen_at, excluded.first_seen_at)`,
            gone_at: sql`COALESCE(campaigns.gone_at, excluded.gone_at)`,
            next_refresh_at: sql`CASE WHEN excluded.gone_at IS NULL THEN campaigns.next_refresh_at END`,
          }),
        )
        .execute();
      if (snapshots.length === 0) return;
      await tables
        .insertInto('snapshots')
        .values(
          snapshots.map((write) => ({
            vendor: write.vendor,
            id: write.id,
            fetched_at: new Date(write.lastAt),
            bucket_start: new Date(write.bucketStart),
            content_hash: write.contentHash,
            figures: JSON.stringify(write.figures),
          })),
        )
        .onConflict((conflict) =>
          conflict
            .columns(['vendor', 'id', 'content_hash', 'bucket_start'])
            // The same figures seen again in the bucket: only "as of" moves (A, B, A keeps A newest).
            .doUpdateSet({ fetched_at: sql`GREATEST(snapshots.fetched_at, excluded.fetched_at)` }),
        )
        .execute();
    });
  }

  async due(vendor: Vendor, now: number, limit: number): Promise<DueCampaign[]> {
    const rows = await this.tables
      .selectFrom('campaigns')
      .select(['id', 'first_seen_at'])
      .where('vendor', '=', vendor)
      .where('gone_at', 'is', null)
      .where('next_refresh_at', '<=', new Date(now))
      .orderBy('next_refresh_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ id: row.id, firstSeenAt: row.first_seen_at.getTime() }));
  }

  async reschedule(vendor: Vendor, id: string, next: number | null): Promise<void> {
    await this.tables
      .updateTable('campaigns')
      .set({ next_refresh_at: next === null ? null : new Date(next) })
      .where('vendor', '=', vendor)
      .where('id', '=', id)
      .execute();
  }

  lead(): Promise<boolean> {
    return this.leadership();
  }

  async recent(filter: RecentFilter, limit: number): Promise<RecentCampaign[]> {
    const { vendor, since, after } = filter;
    let query = this.tables.selectFrom('campaigns').select(['vendor', 'id', 'first_seen_at']);
    if (vendor) query = query.where('vendor', '=', vendor);
    if (since !== undefined) query = query.where('first_seen_at', '>=', new Date(since));
    if (after) {
      const at = new Date(after.firstSeenAt);
      // Keyset order: a page never shifts when newer campaigns arrive above it.
      query = query.where((eb) =>
        eb.or([
          eb('first_seen_at', '<', at),
          eb.and([eb('first_seen_at', '=', at), eb('vendor', '<', after.vendor)]),
          eb.and([eb('first_seen_at', '=', at), eb('vendor', '=', after.vendor), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('first_seen_at', 'desc').orderBy('vendor', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((row) => ({ vendor: row.vendor as Vendor, id: row.id, firstSeenAt: row.first_seen_at.getTime() }));
  }

  async track(vendor: Vendor, ids: readonly string[], at: number, nextRefreshAt: number | null): Promise<void> {
    if (ids.length === 0) return;
    await this.tables
      .insertInto('campaigns')
      .values(
        ids.map((id) => ({
          vendor,
          id,
          first_seen_at: new Date(at),
          gone_at: null,
          next_refresh_at: nextRefreshAt === null ? null : new Date(nextRefreshAt),
        })),
      )
      // Tracking twice is harmless: an archived campaign keeps its first sighting and schedule.
      .onConflict((conflict) => conflict.columns(['vendor', 'id']).doNothing())
      .execute();
  }

  close(): Promise<void> {
    return this.release();
  }
}

async function migrate(db: Kysely<ArchiveDatabase>, schema: string): Promise<void> {
  const migrator = new Migrator({ db, provider: archiveMigrations(schema), migrationTableSchema: schema });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** A PostgreSQL URL without user and password, for logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres (unparsable DATABASE_URL)';
  }
}

export interface PostgresStoreOptions {
  url: string;
  schema: string;
  logger: Logger;
  /** Bounds every statement, so a hung database cannot hold a request or the write queue. */
  statementTimeoutMs: number;
}

/** PostgreSQL (DATABASE_URL): shared by replicas; the refresher runs where the advisory lock is held. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<ArchiveStore> {
  const connection = {
    connectionString: options.url,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1_000,
    application_name: 'pushgraph-archive',
  };
  const pool = new pg.Pool({ ...connection, max: 5 });
  // An idle client's connection dropping (database restart) must not crash the process.
  pool.on('error', (error) => options.logger.warn({ store: 'postgres', error: error.message }, 'archive connection lost'));
  const db = new Kysely<ArchiveDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, options.schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const lock = new AdvisoryLock(connection, options.schema, options.logger);
  return new SqlArchiveStore('postgres', db, options.schema, () => lock.hold(), async () => {
    await lock.release();
    await db.destroy();
  });
}

/**
 * The refresher's single-runner lock: a session-level advisory lock on a connection of its own,
 * held while this replica runs the refresher. If that connection dies, PostgreSQL releases the
 * lock and another replica takes over at its next tick.
 */
class AdvisoryLock {
  private client: pg.Client | undefined;
  private held = false;
  // Two int4 keys: the service, and the schema (test runs in their own schemas do not contend).
  private readonly keys: [number, number];

  constructor(
    private readonly connection: pg.ClientConfig,
    schema: string,
    private readonly logger: Logger,
  ) {
    this.keys = [0x70757368, createHash('sha256').update(schema).digest().readInt32LE(0)];
  }

  async hold(): Promise<boolean> {
    if (this.held) return true;
    this.client ??= await this.connect();
    const { rows } = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', this.keys);
    this.held = rows[0]?.locked === true;
    return this.held;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held = false;
    // Ending the session releases its advisory locks.
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.connection);
    client.on('error', (error) => {
      this.logger.warn({ store: 'postgres', error: error.message }, 'archive refresher lock connection lost');
      if (this.client !== client) return;
      this.client = undefined;
      this.held = false;
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }
}

interface Engine {
  db: Kysely<ArchiveDatabase>;
  users: number;
  destroy(): Promise<void>;
}

/**
 * PGlite allows one process per directory and one session per cluster, so every archive of this
 * process on the same directory shares one engine (one worker thread, one kysely driver that
 * serializes sessions). The in-memory engine serves every in-memory archive of the process, each
 * in a schema of its own, and ends with the process.
 */
const engines = new Map<string, Promise<Engine>>();

export const MEMORY_DATA_DIR = 'memory://';

export interface PgliteStoreOptions {
  /** `memory://` or the directory holding `archive/` (PGlite's cluster) and `archive.lock`. */
  dataDir: string;
  schema: string;
}

/** PGlite, Postgres in-process: the embedded default, so `npm start` needs nothing else. */
export async function openPgliteStore(options: PgliteStoreOptions): Promise<ArchiveStore> {
  const memory = options.dataDir === MEMORY_DATA_DIR;
  const key = memory ? MEMORY_DATA_DIR : resolve(options.dataDir);
  let pending = engines.get(key);
  if (!pending) {
    pending = startEngine(key);
    engines.set(key, pending);
    pending.catch(() => engines.delete(key));
  }
  const engine = await pending;
  engine.users += 1;
  const leave = async (): Promise<void> => {
    engine.users -= 1;
    if (engine.users > 0 || memory) return;
    engines.delete(key);
    await engine.destroy();
  };
  try {
    await migrate(engine.db, options.schema);
  } catch (error) {
    await leave();
    throw error;
  }
  const release = async (): Promise<void> => {
    // An in-memory archive is private to its app: its schema goes with it.
    if (memory) await sql`DROP SCHEMA IF EXISTS ${sql.id(options.schema)} CASCADE`.execute(engine.db).catch(() => undefined);
    await leave();
  };
  return new SqlArchiveStore('pglite', engine.db, options.schema, async () => true, release);
}

async function startEngine(key: string): Promise<Engine> {
  if (key === MEMORY_DATA_DIR) {
    const db = await connect(new PGliteThread(MEMORY_DATA_DIR, false));
    return { db, users: 0, destroy: () => db.destroy() };
  }
  mkdirSync(key, { recursive: true });
  const lockFile = resolve(key, 'archive.lock');
  takeDirectoryLock(lockFile);
  try {
    const db = await connect(new PGliteThread(resolve(key, 'archive'), true));
    return {
      db,
      users: 0,
      destroy: async () => {
        await db.destroy();
        freeDirectoryLock(lockFile);
      },
    };
  } catch (error) {
    freeDirectoryLock(lockFile);
    throw error;
  }
}

async function connect(thread: PGliteThread): Promise<Kysely<ArchiveDatabase>> {
  try {
    await thread.ready;
  } catch (error) {
    await thread.close();
    throw error;
  }
  return new Kysely<ArchiveDatabase>({ dialect: new PGliteThreadDialect(thread) });
}

/**
 * PGlite has no lock of its own, and two processes on one directory corrupt it: the second
 * process finds the archive "down" (and retries) instead.
 */
function takeDirectoryLock(lockFile: string): void {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(lockFile, 'utf8').trim());
  // Our own pid can only be left over from an earlier run (containers reuse pid 1).
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
    throw new Error(`DATA_DIR is in use by another pushgraph process (pid ${holder})`);
  }
  writeFileSync(lockFile, String(process.pid));
}

function freeDirectoryLock(lockFile: string): void {
  try {
    if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
