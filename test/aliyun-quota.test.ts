import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AliyunQuotaGate } from '../src/datasources/aliyun/quota.js';

describe('Alibaba quota gate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts `count` acquisitions; records which resolved (and when, on the fake clock). */
  function acquireMany(gate: AliyunQuotaGate, count: number) {
    const granted: Array<{ index: number; at: number; release: () => void }> = [];
    for (let index = 0; index < count; index++) {
      void gate.acquire().then((release) => granted.push({ index, at: performance.now(), release }));
    }
    return granted;
  }

  it('holds calls beyond maxConcurrency until a slot is released, first come first served', async () => {
    const gate = new AliyunQuotaGate({ maxConcurrency: 3, callsPerWindow: 50, windowMs: 1_000 });
    const granted = acquireMany(gate, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.index)).toEqual([0, 1, 2]);
    granted[1]!.release();
    granted[1]!.release(); // a second release of the same slot frees nothing more
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.index)).toEqual([0, 1, 2, 3]);
    granted[0]!.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets at most callsPerWindow calls start in any window (sliding, not per clock second)', async () => {
    const gate = new AliyunQuotaGate({ maxConcurrency: 1_000, callsPerWindow: 50, windowMs: 1_100 });
    const start = performance.now();
    const granted = acquireMany(gate, 120);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toHaveLength(50);
    await vi.advanceTimersByTimeAsync(1_099);
    expect(granted).toHaveLength(50);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toHaveLength(100);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(granted).toHaveLength(120);
    expect(granted.map((g) => g.index)).toEqual([...Array(120).keys()]);
    for (let i = 0; i + 50 < granted.length; i++) {
      expect(granted[i + 50]!.at - granted[i]!.at).toBeGreaterThanOrEqual(1_100);
    }
    expect(granted[119]!.at - start).toBe(2_200);
  });

  it('spends no waiting while the window has room', async () => {
    const gate = new AliyunQuotaGate({ maxConcurrency: 8, callsPerWindow: 50, windowMs: 1_100 });
    const granted = acquireMany(gate, 8);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map((g) => g.at)).toEqual(Array(8).fill(granted[0]!.at));
  });

  it('counts an answered call until a window after its answer, so a late-leaving call cannot crowd the next', async () => {
    const gate = new AliyunQuotaGate({ maxConcurrency: 10, callsPerWindow: 2, windowMs: 1_000 });
    const start = performance.now();
    const granted = acquireMany(gate, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(300);
    granted[0]!.release(); // the first call is answered at 300 ms
    await vi.advanceTimersByTimeAsync(999);
    expect(granted).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted.map((g) => g.at - start)).toEqual([0, 0, 1_300]);
  });

  it('drops a waiting call whose signal aborts (nobody needs it) and refuses beyond maxWaiting with VENDOR_RATE_LIMITED', async () => {
    const gate = new AliyunQuotaGate({ maxConcurrency: 1, callsPerWindow: 50, windowMs: 1_000, maxWaiting: 2 });
    const first = await gate.acquire();
    const gone = new AbortController();
    const dropped = gate
      .acquire('QueryPushStatByMsg', gone.signal)
      .catch((error: { extensions: { vendorCode: string } }) => error.extensions.vendorCode);
    const kept = gate.acquire();
    const refused = gate.acquire().catch((error: { extensions: { code: string } }) => error.extensions.code);
    expect(await refused).toBe('VENDOR_RATE_LIMITED');
    gone.abort();
    expect(await dropped).toBe('ABANDONED');
    first();
    // The slot goes to the call still wanted, not to the dropped one.
    const release = await kept;
    release();
  });
});
