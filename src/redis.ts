import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { Redis } from 'ioredis';
import type { AnswerCache } from './cache.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/**
 * The Redis connection shared by the cache, the APQ store and the cross-replica quota. Commands
 * fail fast while Redis is away (no offline queue), so callers fall back instead of waiting;
 * ioredis keeps reconnecting in the background. Going down and coming back are logged once each.
 */
export class RedisLink {
  readonly client: Redis;
  private up = false;
  private announcedDown = false;

  constructor(url: string, logger: Logger, metrics: Metrics) {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.client.on('ready', () => {
      this.up = true;
      metrics.redisUp.set(1);
      if (this.announcedDown) logger.info('redis is back: shared cache and quota resumed');
      this.announcedDown = false;
    });
    const down = (): void => {
      this.up = false;
      metrics.redisUp.set(0);
      if (!this.announcedDown) {
        // Never log the URL: it may carry a password.
        logger.warn('redis unavailable: answering from the in-process cache with a conservative local quota');
        this.announcedDown = true;
      }
    };
    this.client.on('error', down);
    this.client.on('close', down);
  }

  get ready(): boolean {
    return this.up && this.client.status === 'ready';
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

/**
 * Vendor answers in Redis, shared by every replica; the in-process cache answers while Redis
 * is away and is kept warm so a Redis outage does not turn into a burst of vendor calls.
 */
export class RedisAnswerCache implements AnswerCache {
  constructor(
    private readonly link: RedisLink,
    private readonly local: AnswerCache,
    private readonly prefix = 'pushgraph:answer:',
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    if (this.link.ready) {
      try {
        const text = await this.link.client.get(this.prefix + key);
        if (text !== null) return JSON.parse(text) as T;
        return undefined;
      } catch {
        // fall through to the local cache
      }
    }
    return this.local.get<T>(key);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    await this.local.set(key, value, ttlMs);
    if (!this.link.ready) return;
    await this.link.client.set(this.prefix + key, JSON.stringify(value), 'PX', ttlMs).catch(() => undefined);
  }
}

/** Apollo's key-value cache (automatic persisted queries) in Redis, so any replica knows a query hash. */
export class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix = 'pushgraph:apq:',
  ) {}

  async get(key: string): Promise<string | undefined> {
    if (!this.link.ready) return undefined;
    return (await this.link.client.get(this.prefix + key).catch(() => null)) ?? undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (!this.link.ready) return;
    const ttl = options?.ttl;
    const write = ttl ? this.link.client.set(this.prefix + key, value, 'EX', ttl) : this.link.client.set(this.prefix + key, value);
    await write.catch(() => undefined);
  }

  async delete(key: string): Promise<void> {
    if (!this.link.ready) return;
    await this.link.client.del(this.prefix + key).catch(() => undefined);
  }
}
