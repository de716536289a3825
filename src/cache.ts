import { LRUCache } from 'lru-cache';

/**
 * The vendor-answer cache shared by every request of a process. Async and JSON-shaped on
 * purpose: a Redis implementation sits behind the same interface.
 */
export interface AnswerCache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  /**
   * The answer when this process holds it, synchronously (undefined: not held, ask `get`). Only a
   * cache that is the source of truth has it: a hot request then completes without a promise per id.
   */
  peek?<T>(key: string): T | undefined;
}

/**
 * How late an expired answer may still take memory. lru-cache drops one only when it is read or
 * evicted (its per-entry timers, `ttlAutopurge`, cost more than they free), so the cache sweeps
 * itself on use: after a burst of campaigns, memory comes back once their TTL is over.
 */
const PURGE_EVERY_MS = 10_000;

/** In-process cache: bounded, so a stream of distinct ids cannot grow memory without limit. */
export class LruAnswerCache implements AnswerCache {
  private readonly lru: LRUCache<string, { value: unknown }>;
  private nextPurgeAt = 0;

  constructor(
    maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {
    // ttlResolution 0: every expiry check reads `now` (lru-cache would reuse one reading for a millisecond).
    this.lru = new LRUCache({ max: maxEntries, perf: { now }, ttlResolution: 0 });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.peek<T>(key);
  }

  peek<T>(key: string): T | undefined {
    this.purgeWhenDue();
    return this.lru.get(key)?.value as T | undefined;
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    this.purgeWhenDue();
    this.lru.set(key, { value }, { ttl: ttlMs });
  }

  /** Answers held, expired ones included until the next sweep. */
  get size(): number {
    return this.lru.size;
  }

  private purgeWhenDue(): void {
    const now = this.now();
    if (now < this.nextPurgeAt) return;
    this.nextPurgeAt = now + PURGE_EVERY_MS;
    this.lru.purgeStale();
  }
}

/** Counts hits and misses of any cache for `/metrics`. */
export function countingCache(cache: AnswerCache, count: (outcome: 'hit' | 'miss') => void): AnswerCache {
  return {
    async get<T>(key: string) {
      const value = await cache.get<T>(key);
      count(value === undefined ? 'miss' : 'hit');
      return value;
    },
    set: (key, value, ttlMs) => cache.set(key, value, ttlMs),
    // A peek that finds nothing is not a miss: `get` is asked next, and counts it.
    peek: cache.peek
      ? <T>(key: string): T | undefined => {
          const value = cache.peek?.<T>(key);
          if (value !== undefined) count('hit');
          return value;
        }
      : undefined,
  };
}
