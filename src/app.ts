import type { AddressInfo } from 'node:net';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { Archive } from './archive/index.js';
import { readApps } from './apps.js';
import { countingCache, LruAnswerCache } from './cache.js';
import { readConfig, type Config, type Env } from './config.js';
import { createContext } from './context.js';
import { allRuntimes, appModes, closeVendors, startVendors, vendorModes, type Vendors } from './datasources/index.js';
import { localSlotClocks } from './datasources/slot-clock.js';
import { buildHttp } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { RedisAnswerCache, RedisKeyValueCache, RedisLink, redisQuotas, redisSlotClocks } from './redis.js';
import { buildServer } from './server.js';

export interface App {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  config: Config;
  vendors: Vendors;
  metrics: Metrics;
  /** The campaign archive (tests flush its write queue). */
  archive: Archive;
  close(): Promise<void>;
}

export interface AppOptions {
  env?: Env;
  logger?: Logger;
  /** Overrides `PORT` (tests use 0). */
  port?: number;
}

/** Starts the vendors (live or simulated), Apollo, and the HTTP routes of the contract. */
export async function startApp(options: AppOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  const config = readConfig(env);
  // A mistake in PUSHGRAPH_APPS stops the start here, before anything listens; the message names
  // the entry and field, never a value.
  const apps = readApps(env);
  const logger = options.logger ?? createLogger();
  const metrics = new Metrics();
  const redis = config.redisUrl ? new RedisLink(config.redisUrl, logger, metrics) : undefined;
  const local = new LruAnswerCache();
  const cache = countingCache(redis ? new RedisAnswerCache(redis, local) : local, (outcome) => metrics.cacheLookups.inc({ outcome }));
  const slotClocks = redis ? redisSlotClocks(redis) : localSlotClocks;
  const sharedQuotas = redis ? redisQuotas(redis) : undefined;
  const vendors = await startVendors({ config, env, cache, logger, metrics, slotClocks, sharedQuotas }, apps);
  const apollo = buildServer({
    logger,
    config,
    persistedQueries: redis ? new RedisKeyValueCache(redis) : undefined,
    // Bounded by total size (characters of JSON): a burst of distinct answers cannot grow the heap.
    // 4 Mi: a dozen 100-campaign dashboards (~315 K each) or one of 1000; at 32 Mi the distinct
    // answers it kept raised peak RSS under load by ~60 MiB with no throughput gain (BENCHMARKS.md).
    responseCache: redis
      ? new RedisKeyValueCache(redis, 'pushgraph:response:')
      : new InMemoryLRUCache<string>({ maxSize: 4 * 1024 * 1024 }),
    onResponseCache: (outcome) => metrics.responseCacheLookups.inc({ outcome }),
    jpushGroups: new Set(apps.JPUSH.filter((entry) => entry.kind === 'group').map((entry) => entry.name)),
  });
  await apollo.start();
  // Opens its store in the background: the service answers live while it starts (or is down).
  const archive = new Archive({ config: config.archive, runtimes: allRuntimes(vendors), logger, metrics });

  const http = await buildHttp({
    config,
    logger,
    metrics,
    apollo,
    redis,
    createContext: (signal) => createContext(vendors, archive, signal),
    // The archive is reported, never the DATABASE_URL (it may carry a password).
    health: () => ({ status: 'ok', vendors: vendorModes(vendors), apps: appModes(vendors), archive: archive.health() }),
  });
  await http.listen({ port: options.port ?? config.port, host: '::' });
  const url = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
  logger.info({ url, vendors: vendorModes(vendors), apps: appModes(vendors) }, 'pushgraph listening');

  return {
    url,
    config,
    vendors,
    metrics,
    archive,
    close: async () => {
      // Stop accepting, let in-flight requests finish (bounded by SHUTDOWN_TIMEOUT_MS), then cut the rest.
      const deadline = setTimeout(() => http.server.closeAllConnections(), config.shutdownTimeoutMs);
      await http.close();
      clearTimeout(deadline);
      await apollo.stop();
      // Before the vendors: the refresher calls them, and queued snapshots are written.
      await archive.close();
      await closeVendors(vendors);
      await redis?.close();
    },
  };
}
