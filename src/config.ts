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
  };
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
