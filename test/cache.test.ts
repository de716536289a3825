import { describe, expect, it } from 'vitest';
import { countingCache, LruAnswerCache } from '../src/cache.js';

describe('in-process answer cache', () => {
  it('frees expired answers within 10 s of use, not only when each is read again', async () => {
    let now = 1_000_000;
    const cache = new LruAnswerCache(100, () => now);
    await Promise.all(['a', 'b', 'c'].map((key) => cache.set(key, { report: key }, 60_000)));
    expect(cache.peek('a')).toEqual({ report: 'a' });
    now += 60_001;
    await cache.set('d', { report: 'd' }, 60_000);
    // a, b and c expired; the sweep after the first use past the due time dropped them unread.
    expect(cache.size).toBe(1);
    expect(cache.peek('d')).toEqual({ report: 'd' });
  });

  it('counts a peek that finds an answer as a hit, and leaves a miss to the get that follows it', async () => {
    const outcomes: string[] = [];
    const cache = countingCache(new LruAnswerCache(), (outcome) => outcomes.push(outcome));
    await cache.set('known', 1, 60_000);
    expect(cache.peek?.('known')).toBe(1);
    expect(cache.peek?.('unknown')).toBeUndefined();
    expect(await cache.get('unknown')).toBeUndefined();
    expect(outcomes).toEqual(['hit', 'miss']);
  });
});
