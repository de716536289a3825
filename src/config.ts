/** Service-wide settings from the environment (CONTRACT.md "Configuration"); vendors read their own. */
export interface Config {
  port: number;
  vendorTimeoutMs: number;
  cacheTtlSeconds: number;
  redisUrl: string | undefined;
  apiKeys: string[];
  maxIdsPerRequest: number;
  corsOrigins: string[];
  /** Seconds of any vendor's call quota one operation may spend (see src/limits.ts). */
  maxQuotaSecondsPerRequest: number;
  /** Off in production if the schema should not be browsable. */
  introspection: boolean;
  graphiql: boolean;
  /** How long SIGTERM waits for in-flight requests. */
  shutdownTimeoutMs: number;
  /** Requests per minute per API key (or client address without API_KEYS), shared through Redis. */
  rateLimitPerMinute: number;
  /** Event-loop lag past which new /graphql requests are shed with 503 OVERLOADED. */
  maxEventLoopDelayMs: number;
  /** Deadline for a request's headers and body: slow clients cannot hold a connection. */
  requestTimeoutMs: number;
  /** Open connections at most; further ones are dropped at accept. */
  maxConnections: number;
  /** The campaign archive (src/archive/). */
  archive: ArchiveConfig;
}

/** Where campaign snapshots are kept and how the refresher keeps them final. */
export interface ArchiveConfig {
  /** SQLite's file is `<dataDir>/archive.sqlite` (WAL: processes may share it); `memory://` keeps the archive in memory, private to the app. */
  dataDir: string;
  /** PostgreSQL instead of SQLite. May carry a password: never log it. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema holding the archive's tables; replicas sharing a database share it. */
  schema: string;
  /** Whether campaigns younger than their vendor's retention are re-fetched on a schedule. */
  refresh: boolean;
  /** Refresh interval during a campaign's first day. */
  refreshFirstDayMinutes: number;
  /** Refresh interval after the first day. */
  refreshLaterMinutes: number;
  /** The last refresh happens this long before the vendor drops the data. */
  refreshFinalMinutes: number;
  /** Campaigns the refresher may re-fetch per vendor per minute (its whole vendor budget). */
  refreshPerMinute: number;
  /** Unchanged figures are archived again at most this often. */
  snapshotMinutes: number;
  /** At close, queued writes get this long (SHUTDOWN_TIMEOUT_MS) to reach the store; the rest are counted lost. */
  closeTimeoutMs: number;
  /** Snapshots waiting to be written; beyond it the oldest are dropped (and counted). */
  queueMax: number;
  /** How long a live answer waits for the archive's look-up before asking the vendor without it. */
  readTimeoutMs: number;
}

export type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): Config {
  return {
    port: intVar(env, 'PORT', 4000, 0),
    vendorTimeoutMs: intVar(env, 'VENDOR_TIMEOUT_MS', 5000, 1),
    cacheTtlSeconds: intVar(env, 'CACHE_TTL_SECONDS', 60, 0),
    redisUrl: nonEmpty(env.REDIS_URL),
    apiKeys: listVar(env, 'API_KEYS'),
    maxIdsPerRequest: intVar(env, 'MAX_IDS_PER_REQUEST', 1000, 1),
    corsOrigins: listVar(env, 'CORS_ORIGINS'),
    maxQuotaSecondsPerRequest: intVar(env, 'MAX_QUOTA_SECONDS_PER_REQUEST', 30, 1),
    introspection: boolVar(env, 'GRAPHQL_INTROSPECTION', true),
    graphiql: boolVar(env, 'GRAPHIQL', true),
    shutdownTimeoutMs: intVar(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    rateLimitPerMinute: intVar(env, 'RATE_LIMIT_PER_MINUTE', 600, 1),
    maxEventLoopDelayMs: intVar(env, 'MAX_EVENT_LOOP_DELAY_MS', 1000, 1),
    requestTimeoutMs: intVar(env, 'REQUEST_TIMEOUT_MS', 30_000, 1),
    maxConnections: intVar(env, 'MAX_CONNECTIONS', 1000, 1),
    archive: {
      dataDir: nonEmpty(env.DATA_DIR) ?? './data',
      databaseUrl: nonEmpty(env.DATABASE_URL),
      schema: identifierVar(env, 'ARCHIVE_SCHEMA', 'pushgraph'),
      refresh: boolVar(env, 'ARCHIVE_REFRESH', true),
      refreshFirstDayMinutes: intVar(env, 'ARCHIVE_REFRESH_FIRST_DAY_MINUTES', 60, 1),
      refreshLaterMinutes: intVar(env, 'ARCHIVE_REFRESH_LATER_MINUTES', 24 * 60, 1),
      refreshFinalMinutes: intVar(env, 'ARCHIVE_REFRESH_FINAL_MINUTES', 180, 1),
      refreshPerMinute: intVar(env, 'ARCHIVE_REFRESH_PER_MINUTE', 20, 1),
      snapshotMinutes: intVar(env, 'ARCHIVE_SNAPSHOT_MINUTES', 60, 1),
      closeTimeoutMs: intVar(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0),
      queueMax: intVar(env, 'ARCHIVE_QUEUE_MAX', 10_000, 1),
      readTimeoutMs: intVar(env, 'ARCHIVE_READ_TIMEOUT_MS', 500, 1),
    },
  };
}

/** A PostgreSQL identifier we put into SQL ourselves: lower-case letters, digits and _, at most 63. */
function identifierVar(env: Env, name: string, fallback: string): string {
  const value = nonEmpty(env[name]) ?? fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new Error(`${name} must be a lower-case SQL identifier, got "${value}"`);
  return value;
}

export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function listVar(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** A mistyped number must stop the start, not silently become the default. */
export function intVar(env: Env, name: string, fallback: number, min: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}
