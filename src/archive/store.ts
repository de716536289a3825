import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type ColumnType, type SqliteDatabase } from 'kysely';
import Database from 'libsql';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import type { Vendor } from '../domain.js';
import type { Logger } from '../logger.js';
import { preferFigure, readFigures, type PartialFigures } from './figures.js';
import { archiveMigrations } from './migrations.js';

/** A time column: timestamptz (a Date) in PostgreSQL, epoch milliseconds in SQLite. */
type Time = Date | number;

interface CampaignsTable {
  vendor: string;
  /** The vendor's app (issue 16): the same id in two apps is two campaigns. */
  app: string;
  id: string;
  first_seen_at: Time;
  gone_at: Time | null;
  next_refresh_at: Time | null;
}

interface SnapshotsTable {
  vendor: string;
  app: string;
  id: string;
  fetched_at: Time;
  bucket_start: Time;
  content_hash: string;
  // Written as JSON text (pg reads it into jsonb, SQLite keeps the text), read back by `flavor.json`.
  figures: ColumnType<unknown, string, string>;
}

interface ArchiveDatabase {
  campaigns: CampaignsTable;
  snapshots: SnapshotsTable;
}

export type StoreKind = 'sqlite' | 'postgres';

/** What differs between the two engines; the statements are otherwise the same. */
interface Flavor {
  kind: StoreKind;
  time(ms: number): Time;
  ms(value: Time): number;
  json(value: unknown): unknown;
  least: string;
  greatest: string;
}

const postgresFlavor: Flavor = {
  kind: 'postgres',
  time: (ms) => new Date(ms),
  ms: (value) => (value instanceof Date ? value.getTime() : value),
  json: (value) => value,
  least: 'LEAST',
  greatest: 'GREATEST',
};

const sqliteFlavor: Flavor = {
  kind: 'sqlite',
  time: (ms) => ms,
  ms: (value) => (value instanceof Date ? value.getTime() : value),
  json: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  least: 'min',
  greatest: 'max',
};

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

/** A vendor app in this process's maps. */
export const appKey = (vendor: Vendor, app: string): string => `${vendor}\u0000${app}`;
/** A campaign's identity in the archive (and in this process's maps). */
export const campaignKey = (vendor: Vendor, app: string, id: string): string => `${appKey(vendor, app)}\u0000${id}`;

/** A write of one campaign: what it was seen with, coalesced over a short while. */
export interface CampaignWrite {
  vendor: Vendor;
  app: string;
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
  /** Content identity and bucket of the snapshot (idempotency key with vendor, app and id). */
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
  app: string;
  id: string;
  firstSeenAt: number;
}

export interface RecentFilter {
  vendor?: Vendor;
  app?: string;
  /** Only campaigns first seen at or after this instant. */
  since?: number;
  /** Only campaigns strictly after this one in the listing's order (the cursor's position). */
  after?: RecentCampaign;
}

/** The archive's tables in SQLite or PostgreSQL: the same statements for both. */
export interface ArchiveStore {
  readonly kind: StoreKind;
  meta(vendor: Vendor, app: string, ids: readonly string[]): Promise<Map<string, CampaignMeta>>;
  /** Per id and field, the value to answer with once the vendor forgot (fullest, then newest). */
  latest(vendor: Vendor, app: string, ids: readonly string[]): Promise<Map<string, Map<string, ArchivedValue>>>;
  /** Per id, the newest `limit` snapshots within the bounds, oldest first. */
  history(
    vendor: Vendor,
    app: string,
    ids: readonly string[],
    since: number | null,
    until: number | null,
    limit: number,
  ): Promise<Map<string, SnapshotRecord[]>>;
  /** One transaction; idempotent (a retried write changes nothing). */
  write(writes: readonly CampaignWrite[]): Promise<void>;
  due(vendor: Vendor, app: string, now: number, limit: number): Promise<DueCampaign[]>;
  reschedule(vendor: Vendor, app: string, id: string, next: number | null): Promise<void>;
  /** Whether this process may run the refresher (PostgreSQL: it holds the advisory lock). */
  lead(): Promise<boolean>;
  // ---- discovery (issue 18): kysely's portable builder only, so the same code runs on SQLite ----
  /** Campaigns newest first by `first_seen_at` (then vendor, app, id, descending), after `after`, at most `limit`. */
  recent(filter: RecentFilter, limit: number): Promise<RecentCampaign[]>;
  /** Registers campaigns not yet archived, due for the refresher at `nextRefreshAt`; known ones are left as they are. */
  track(vendor: Vendor, app: string, ids: readonly string[], at: number, nextRefreshAt: number | null): Promise<void>;
  close(): Promise<void>;
}

class SqlArchiveStore implements ArchiveStore {
  readonly kind: StoreKind;

  constructor(
    private readonly flavor: Flavor,
    private readonly db: Kysely<ArchiveDatabase>,
    /** PostgreSQL's schema; SQLite has one file per archive instead. */
    private readonly schema: string | null,
    private readonly leadership: () => Promise<boolean>,
    private readonly release: () => Promise<void>,
  ) {
    this.kind = flavor.kind;
  }

  private get tables(): Kysely<ArchiveDatabase> {
    return this.schema === null ? this.db : this.db.withSchema(this.schema);
  }

  async meta(vendor: Vendor, app: string, ids: readonly string[]): Promise<Map<string, CampaignMeta>> {
    if (ids.length === 0) return new Map();
    const rows = await this.tables
      .selectFrom('campaigns')
      .select(['id', 'first_seen_at'])
      .where('vendor', '=', vendor)
      .where('app', '=', app)
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((row) => [row.id, { firstSeenAt: this.flavor.ms(row.first_seen_at) }]));
  }

  async latest(vendor: Vendor, app: string, ids: readonly string[]): Promise<Map<string, Map<string, ArchivedValue>>> {
    const answer = new Map<string, Map<string, ArchivedValue>>();
    if (ids.length === 0) return answer;
    const rows = await this.tables
      .selectFrom('snapshots')
      .select(['id', 'fetched_at', 'figures'])
      .where('vendor', '=', vendor)
      .where('app', '=', app)
      .where('id', 'in', ids)
      .execute();
    // Per field, the fullest then newest value (figures.ts preferFigure), picked here so both engines share one rule.
    for (const row of rows) {
      const fields = answer.get(row.id) ?? new Map<string, ArchivedValue>();
      const fetchedAt = this.flavor.ms(row.fetched_at);
      for (const [field, value] of Object.entries(readFigures(this.flavor.json(row.figures)))) {
        const candidate = { value, fetchedAt };
        const held = fields.get(field);
        if (!held || preferFigure(candidate, held) < 0) fields.set(field, candidate);
      }
      answer.set(row.id, fields);
    }
    return answer;
  }

  async history(
    vendor: Vendor,
    app: string,
    ids: readonly string[],
    since: number | null,
    until: number | null,
    limit: number,
  ): Promise<Map<string, SnapshotRecord[]>> {
    const answer = new Map<string, SnapshotRecord[]>();
    if (ids.length === 0) return answer;
    // One app per query, so its ids are its partitions.
    const bounds = [sql`vendor = ${vendor}`, sql`app = ${app}`, sql`id IN (${sql.join(ids)})`];
    if (since !== null) bounds.push(sql`fetched_at >= ${this.flavor.time(since)}`);
    if (until !== null) bounds.push(sql`fetched_at <= ${this.flavor.time(until)}`);
    const snapshotsTable = this.schema === null ? sql.table('snapshots') : sql.table(`${this.schema}.snapshots`);
    const { rows } = await sql<{ id: string; fetched_at: Time; figures: unknown }>`
      SELECT id, fetched_at, figures FROM (
        SELECT id, fetched_at, figures, row_number() OVER (PARTITION BY id ORDER BY fetched_at DESC) AS newest
        FROM ${snapshotsTable}
        WHERE ${sql.join(bounds, sql` AND `)}
      ) AS bounded
      WHERE newest <= ${limit}
      ORDER BY id, fetched_at`.execute(this.db);
    for (const row of rows) {
      const snapshots = answer.get(row.id) ?? [];
      snapshots.push({ fetchedAt: this.flavor.ms(row.fetched_at), figures: readFigures(this.flavor.json(row.figures)) });
      answer.set(row.id, snapshots);
    }
    return answer;
  }

  async write(writes: readonly CampaignWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const snapshots = writes.filter((write) => Object.keys(write.figures).length > 0);
    await this.db.transaction().execute(async (trx) => {
      const tables = this.schema === null ? trx : trx.withSchema(this.schema);
      const { time, least, greatest } = this.flavor;
      await tables
        .insertInto('campaigns')
        .values(
          writes.map((write) => ({
            vendor: write.vendor,
            app: write.app,
            id: write.id,
            first_seen_at: time(write.firstAt),
            gone_at: write.goneAt === null ? null : time(write.goneAt),
            next_refresh_at: write.goneAt !== null || write.firstRefreshAt === null ? null : time(write.firstRefreshAt),
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['vendor', 'app', 'id']).doUpdateSet({
            // Replicas and retries may write out of order: the earliest sighting and the first
            // "gone" win while it stays gone; a campaign the vendor knows again is live and
            // refreshed again (its schedule, or the first one).
            first_seen_at: sql`${sql.raw(least)}(campaigns.first_seen_at, excluded.first_seen_at)`,
            gone_at: sql`CASE WHEN excluded.gone_at IS NOT NULL THEN COALESCE(campaigns.gone_at, excluded.gone_at) END`,
            next_refresh_at: sql`CASE WHEN excluded.gone_at IS NULL THEN COALESCE(campaigns.next_refresh_at, excluded.next_refresh_at) END`,
          }),
        )
        .execute();
      if (snapshots.length === 0) return;
      await tables
        .insertInto('snapshots')
        .values(
          snapshots.map((write) => ({
            vendor: write.vendor,
            app: write.app,
            id: write.id,
            fetched_at: time(write.lastAt),
            bucket_start: time(write.bucketStart),
            content_hash: write.contentHash,
            figures: JSON.stringify(write.figures),
          })),
        )
        .onConflict((conflict) =>
          conflict
            .columns(['vendor', 'app', 'id', 'content_hash', 'bucket_start'])
            // The same figures seen again in the bucket: only "as of" moves (A, B, A keeps A newest).
            .doUpdateSet({ fetched_at: sql`${sql.raw(greatest)}(snapshots.fetched_at, excluded.fetched_at)` }),
        )
        .execute();
    });
  }

  async due(vendor: Vendor, app: string, now: number, limit: number): Promise<DueCampaign[]> {
    const rows = await this.tables
      .selectFrom('campaigns')
      .select(['id', 'first_seen_at'])
      .where('vendor', '=', vendor)
      .where('app', '=', app)
      .where('gone_at', 'is', null)
      .where('next_refresh_at', '<=', this.flavor.time(now))
      .orderBy('next_refresh_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ id: row.id, firstSeenAt: this.flavor.ms(row.first_seen_at) }));
  }

  async reschedule(vendor: Vendor, app: string, id: string, next: number | null): Promise<void> {
    await this.tables
      .updateTable('campaigns')
      .set({ next_refresh_at: next === null ? null : this.flavor.time(next) })
      .where('vendor', '=', vendor)
      .where('app', '=', app)
      .where('id', '=', id)
      .execute();
  }

  lead(): Promise<boolean> {
    return this.leadership();
  }

  async recent(filter: RecentFilter, limit: number): Promise<RecentCampaign[]> {
    const { vendor, app, since, after } = filter;
    let query = this.tables.selectFrom('campaigns').select(['vendor', 'app', 'id', 'first_seen_at']);
    if (vendor) query = query.where('vendor', '=', vendor);
    if (app !== undefined) query = query.where('app', '=', app);
    if (since !== undefined) query = query.where('first_seen_at', '>=', this.flavor.time(since));
    if (after) {
      const at = this.flavor.time(after.firstSeenAt);
      // Keyset order: a page never shifts when newer campaigns arrive above it.
      query = query.where((eb) =>
        eb.or([
          eb('first_seen_at', '<', at),
          eb.and([eb('first_seen_at', '=', at), eb('vendor', '<', after.vendor)]),
          eb.and([eb('first_seen_at', '=', at), eb('vendor', '=', after.vendor), eb('app', '<', after.app)]),
          eb.and([eb('first_seen_at', '=', at), eb('vendor', '=', after.vendor), eb('app', '=', after.app), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('first_seen_at', 'desc')
      .orderBy('vendor', 'desc')
      .orderBy('app', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ vendor: row.vendor as Vendor, app: row.app, id: row.id, firstSeenAt: this.flavor.ms(row.first_seen_at) }));
  }

  async track(vendor: Vendor, app: string, ids: readonly string[], at: number, nextRefreshAt: number | null): Promise<void> {
    if (ids.length === 0) return;
    await this.tables
      .insertInto('campaigns')
      .values(
        ids.map((id) => ({
          vendor,
          app,
          id,
          first_seen_at: this.flavor.time(at),
          gone_at: null,
          next_refresh_at: nextRefreshAt === null ? null : this.flavor.time(nextRefreshAt),
        })),
      )
      // Tracking twice is harmless: an archived campaign keeps its first sighting and schedule.
      .onConflict((conflict) => conflict.columns(['vendor', 'app', 'id']).doNothing())
      .execute();
  }

  close(): Promise<void> {
    return this.release();
  }
}

async function migrate(db: Kysely<ArchiveDatabase>, kind: StoreKind, schema: string | null): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: archiveMigrations(kind, schema),
    ...(schema === null ? {} : { migrationTableSchema: schema }),
  });
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
    await migrate(db, 'postgres', options.schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const lock = new AdvisoryLock(connection, options.schema, options.logger);
  return new SqlArchiveStore(
    postgresFlavor,
    db,
    options.schema,
    () => lock.hold(),
    async () => {
      await lock.release();
      await db.destroy();
    },
  );
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

export const MEMORY_DATA_DIR = 'memory://';

export interface SqliteStoreOptions {
  /** `memory://` (private to the app) or the directory holding `archive.sqlite`. */
  dataDir: string;
  /** How long a statement waits for another process's write lock before failing. */
  busyTimeoutMs: number;
}

/**
 * SQLite through libsql, in-process: the embedded default, so `npm start` needs nothing else.
 * WAL lets several processes share one DATA_DIR safely (readers never wait, writers take turns
 * within the busy timeout), and its memory stays within SQLite's page cache.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<ArchiveStore> {
  const memory = options.dataDir === MEMORY_DATA_DIR;
  let file = ':memory:';
  if (!memory) {
    const dir = resolve(options.dataDir);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new Error(`DATA_DIR ${dir} cannot hold the archive: ${(error as Error).message}`);
    }
    file = resolve(dir, 'archive.sqlite');
  }
  const database = new Database(file);
  try {
    if (!memory) database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
    database.pragma('synchronous = NORMAL');
  } catch (error) {
    database.close();
    throw error;
  }
  // libsql implements better-sqlite3's API, which is what kysely's SqliteDialect drives. kysely
  // prepares every query anew (~1.5 ms of a write batch in the profile): statements are kept by
  // their text, which is safe because the driver runs one query at a time on this one connection.
  const statements = new LRUCache<string, ReturnType<SqliteDatabase['prepare']>>({ max: 256 });
  const sqlite = database as unknown as SqliteDatabase;
  const prepared: SqliteDatabase = {
    close: () => sqlite.close(),
    prepare: (text) => {
      let statement = statements.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
  const db = new Kysely<ArchiveDatabase>({ dialect: new SqliteDialect({ database: prepared }) });
  try {
    await migrate(db, 'sqlite', null);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqlArchiveStore(
    sqliteFlavor,
    db,
    null,
    async () => true,
    () => db.destroy(),
  );
}
