import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { Redis } from 'ioredis';
import type { AnswerCache } from './cache.js';
import { sleep } from './datasources/http.js';
import { LocalSlotClock, type SlotClockFactory } from './datasources/slot-clock.js';
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

/**
 * Claims the next slot in Redis, atomically, on Redis's own clock (replicas' clocks may differ):
 * returns how long the caller waits for its slot. The key expires once its slots are past.
 */
const CLAIM_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, nextAt)
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], at + interval, 'PX', at - now + interval + 1000)
return at - now
`;

/** Pushes the next slot to an interval after now (Redis time), if it is earlier. */
const MARK_SENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + interval > nextAt then
  redis.call('SET', KEYS[1], now + interval, 'PX', interval + 1000)
end
return 0
`;

/** While Redis is away each replica keeps to a slower local pace, since it cannot see the others. */
const FALLBACK_SLOWDOWN = 3;

/** Rate slots shared by every replica: one call per `intervalMs` per key, whoever sends it. */
export function redisSlotClocks(link: RedisLink): SlotClockFactory {
  return (key, intervalMs) => {
    const local = new LocalSlotClock(intervalMs * FALLBACK_SLOWDOWN);
    return {
      async claim() {
        if (link.ready) {
          try {
            const waitMs = Number(await link.client.eval(CLAIM_SLOT, 1, `pushgraph:slot:${key}`, intervalMs));
            if (waitMs > 0) await sleep(waitMs);
            return;
          } catch {
            // Redis went away between the check and the claim: pace locally.
          }
        }
        await local.claim();
      },
      sent() {
        local.sent();
        if (link.ready) void link.client.eval(MARK_SENT, 1, `pushgraph:slot:${key}`, intervalMs).catch(() => undefined);
      },
    };
  };
}
