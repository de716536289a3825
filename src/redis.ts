import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { Redis } from 'ioredis';
import type { AnswerCache } from './cache.js';
import { sleep } from './datasources/http.js';
import {
  LocalSlotClock,
  type SharedMinuteQuota,
  type SharedQuotas,
  type SharedRateWindow,
  type SharedSlotQueue,
  type SlotClockFactory,
} from './datasources/slot-clock.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** How often the link checks Redis with a PING, and how long that PING may take. */
export interface RedisHealthOptions {
  intervalMs: number;
  timeoutMs: number;
}

const DEFAULT_HEALTH: RedisHealthOptions = { intervalMs: 1_000, timeoutMs: 500 };

/**
 * The Redis connection shared by the cache, the APQ store and the cross-replica quota. Commands
 * fail fast while Redis is away (no offline queue), so callers fall back instead of waiting;
 * ioredis keeps reconnecting in the background. A timed PING also catches a Redis that stalls
 * with its connection open: it is then bypassed like one that is gone (local cache, local
 * pacing) until a PING answers again. Going down and coming back are logged once each.
 */
export class RedisLink {
  readonly client: Redis;
  private connected = false;
  /** The last PING answered in time. */
  private answering = true;
  private announcedDown = false;
  private subscriberClient: Redis | undefined;
  private readonly listeners = new Map<string, Array<(message: string) => void>>();
  private readonly health: NodeJS.Timeout;

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    healthOptions: RedisHealthOptions = DEFAULT_HEALTH,
  ) {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.client.on('ready', () => {
      this.connected = true;
      this.changed();
    });
    const down = (): void => {
      this.connected = false;
      this.changed();
    };
    this.client.on('error', down);
    this.client.on('close', down);
    this.health = setInterval(() => void this.ping(healthOptions.timeoutMs), healthOptions.intervalMs);
    this.health.unref();
  }

  get ready(): boolean {
    return this.connected && this.answering && this.client.status === 'ready';
  }

  private async ping(timeoutMs: number): Promise<void> {
    if (this.client.status !== 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answered = await Promise.race([
      this.client.ping().then(
        () => true,
        () => false,
      ),
      late,
    ]);
    clearTimeout(timer);
    if (answered !== this.answering) {
      this.answering = answered;
      this.changed();
    }
  }

  private changed(): void {
    const up = this.ready;
    this.metrics.redisUp.set(up ? 1 : 0);
    if (up && this.announcedDown) {
      this.logger.info('redis is back: shared cache and quota resumed');
      this.announcedDown = false;
    } else if (!up && !this.announcedDown) {
      // Never log the URL: it may carry a password.
      this.logger.warn('redis unavailable: answering from the in-process cache with a conservative local quota');
      this.announcedDown = true;
    }
  }

  /** Calls `listener` with every message on `channel` (one subscriber connection for all channels). */
  subscribe(channel: string, listener: (message: string) => void): void {
    if (!this.subscriberClient) {
      // Subscribing is queued until connected, and ioredis subscribes again after a reconnect.
      const subscriber = this.client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
      subscriber.on('error', () => undefined); // the main connection reports outages
      subscriber.on('message', (name: string, message: string) => {
        for (const each of this.listeners.get(name) ?? []) each(message);
      });
      this.subscriberClient = subscriber;
    }
    const existing = this.listeners.get(channel);
    if (existing) existing.push(listener);
    else {
      this.listeners.set(channel, [listener]);
      void this.subscriberClient.subscribe(channel).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.health);
    this.subscriberClient?.disconnect();
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

/**
 * One look at a shared slot queue (see SharedSlotQueue), atomically, on Redis's clock.
 * KEYS: slot (the same key as the API's slot clock), queue (zset member -> score), items (hash
 * member -> payload), leases (zset member -> until when it is in a replica's call).
 * ARGV: interval, maxBatchSize, leaseMs, maxQueued, take (0/1), count of fresh items, then
 * (member, score, payload) for the fresh items and then for the re-asserted ones.
 * Returns { refused members, taken (member, payload)..., waitMs (-1 = empty) }.
 */
const POLL_QUEUE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval, maxBatch, leaseMs, maxQueued = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local fresh = tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local refused = {}
local n = 0
for i = 7, #ARGV, 3 do
  n = n + 1
  local member = ARGV[i]
  if not redis.call('ZSCORE', KEYS[2], member) and not redis.call('ZSCORE', KEYS[4], member) then
    if n <= fresh and redis.call('ZCARD', KEYS[2]) >= maxQueued then
      refused[#refused + 1] = member
    else
      redis.call('ZADD', KEYS[2], tonumber(ARGV[i + 1]), member)
      redis.call('HSET', KEYS[3], member, ARGV[i + 2])
    end
  end
end
for k = 2, 4 do redis.call('PEXPIRE', KEYS[k], leaseMs + 60000) end
if ARGV[5] ~= '1' then return { refused, {}, 0 } end
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < nextAt then return { refused, {}, nextAt - now } end
local taken = {}
local group = nil
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local payload = redis.call('HGET', KEYS[3], member)
  if not payload then
    redis.call('ZREM', KEYS[2], member)
  else
    local g = cjson.decode(payload).group
    if group == nil then group = g end
    if g == group then
      taken[#taken + 1] = member
      taken[#taken + 1] = payload
      if #taken >= maxBatch * 2 then break end
    end
  end
end
if #taken == 0 then return { refused, {}, -1 } end
for i = 1, #taken, 2 do
  redis.call('ZREM', KEYS[2], taken[i])
  redis.call('HDEL', KEYS[3], taken[i])
  redis.call('ZADD', KEYS[4], now + leaseMs, taken[i])
end
redis.call('SET', KEYS[1], now + interval, 'PX', interval + 1000)
return { refused, taken, 0 }
`;

const DROP_MEMBERS = `
for i = 1, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return 0
`;

/** The queue every replica shares for one rate-limited API (Tencent: per SDKAppID and API). */
function redisSlotQueue(link: RedisLink, key: string, intervalMs: number): SharedSlotQueue {
  const base = `pushgraph:queue:${key}`;
  const keys = [`pushgraph:slot:${key}`, `${base}:waiting`, `${base}:items`, `${base}:leases`];
  const channel = `${base}:answers`;
  return {
    get ready() {
      return link.ready;
    },
    async poll(fresh, waiting, take, limits) {
      const args = [...fresh, ...waiting].flatMap((item) => [item.member, String(item.score), item.payload]);
      const reply = (await link.client.eval(
        POLL_QUEUE,
        keys.length,
        ...keys,
        intervalMs,
        limits.maxBatchSize,
        limits.leaseMs,
        limits.maxQueued,
        take ? 1 : 0,
        fresh.length,
        ...args,
      )) as [string[], string[], number];
      const [refused, flat, waitMs] = reply;
      const taken: Array<{ member: string; payload: string }> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) taken.push({ member: flat[i]!, payload: flat[i + 1]! });
      return { refused, taken, waitMs: Number(waitMs) };
    },
    drop(members) {
      if (members.length > 0) void link.client.eval(DROP_MEMBERS, 2, keys[1]!, keys[2]!, ...members).catch(() => undefined);
    },
    publish(message) {
      void link.client.publish(channel, message).catch(() => undefined);
    },
    subscribe(listener) {
      link.subscribe(channel, listener);
    },
  };
}

/**
 * A sliding window of calls on Redis's clock. KEYS[1]: zset call -> when it stops counting.
 * ARGV: call, limit, windowMs. Returns 0 when the call may start (recorded), else ms to wait.
 */
const TRY_START = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, windowMs = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + windowMs, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], windowMs + 60000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) - now)
`;

/** An answered call counts until a window after its answer (only if it still counts). */
const ANSWERED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 0
`;

/** Rate windows shared by every replica, one per `key` (Alibaba: per AccessKey). */
function redisRateWindow(link: RedisLink, key: string): SharedRateWindow {
  const window = `pushgraph:window:${key}`;
  return {
    get ready() {
      return link.ready;
    },
    async tryStart(call, limit, windowMs) {
      const waitMs = Number(await link.client.eval(TRY_START, 1, window, call, limit, windowMs));
      return waitMs === 0 ? { started: true } : { started: false, waitMs };
    },
    answered(call, windowMs) {
      if (link.ready) void link.client.eval(ANSWERED, 1, window, call, windowMs).catch(() => undefined);
    },
  };
}

/**
 * One app key's minute quota (JPush). KEYS[1]: hash quota, remaining, resetAt (Redis ms), beyond.
 * Returns {1} to go, or {0, ms until the reset, beyond the cap (0/1)}.
 */
const TAKE_MINUTE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local remaining = redis.call('HGET', KEYS[1], 'remaining')
if not remaining then return { 1 } end
local resetAt = tonumber(redis.call('HGET', KEYS[1], 'resetAt') or '0')
if now >= resetAt then
  local quota = redis.call('HGET', KEYS[1], 'quota')
  if not quota then
    redis.call('DEL', KEYS[1])
    return { 1 }
  end
  remaining = quota
  resetAt = now + tonumber(ARGV[1])
  redis.call('HSET', KEYS[1], 'remaining', quota, 'resetAt', resetAt, 'beyond', 0)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 120000)
end
if tonumber(remaining) > 0 then
  redis.call('HINCRBY', KEYS[1], 'remaining', -1)
  return { 1 }
end
return { 0, resetAt - now, tonumber(redis.call('HGET', KEYS[1], 'beyond') or '0') }
`;

/**
 * What an answer said. ARGV: quota ('' = not said), remaining, resetMs, beyond (0/1). Within the
 * same window (resets within 2 s of each other) the smaller count wins: other replicas' calls in
 * flight are not in this answer's count, and JPush's count only goes down until it resets.
 */
const LEARN_MINUTE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local remaining, resetMs = tonumber(ARGV[2]), tonumber(ARGV[3])
local resetAt = now + resetMs
local known = redis.call('HGET', KEYS[1], 'remaining')
local knownReset = tonumber(redis.call('HGET', KEYS[1], 'resetAt') or '0')
if known and math.abs(knownReset - resetAt) < 2000 then remaining = math.min(remaining, tonumber(known)) end
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'quota', ARGV[1]) end
redis.call('HSET', KEYS[1], 'remaining', remaining, 'resetAt', resetAt, 'beyond', ARGV[4])
redis.call('PEXPIRE', KEYS[1], resetMs + 120000)
return 0
`;

/** JPush's default window, assumed when a window turns before an answer says more. */
const MINUTE_MS = 60_000;

function redisMinuteQuota(link: RedisLink, key: string): SharedMinuteQuota {
  const hash = `pushgraph:quota:${key}`;
  return {
    get ready() {
      return link.ready;
    },
    async take() {
      const [go, waitMs, beyond] = (await link.client.eval(TAKE_MINUTE, 1, hash, MINUTE_MS)) as number[];
      return go === 1 ? undefined : { waitMs: Number(waitMs), beyondCap: beyond === 1 };
    },
    learn(state) {
      const args = [state.quota === undefined ? '' : String(state.quota), state.remaining, state.resetMs, state.beyondCap ? 1 : 0];
      void link.client.eval(LEARN_MINUTE, 1, hash, ...args).catch(() => undefined);
    },
  };
}

/** The vendors' quotas in Redis, counted for every replica. */
export function redisQuotas(link: RedisLink): SharedQuotas {
  return {
    queue: (key, intervalMs) => redisSlotQueue(link, key, intervalMs),
    window: (key) => redisRateWindow(link, key),
    minuteQuota: (key) => redisMinuteQuota(link, key),
  };
}
