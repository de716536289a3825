import { sleep } from './http.js';

/**
 * The "claim the next slot" step of an API allowing one call per interval (Tencent: 1/s per
 * API per SDKAppID). In-process it is {@link LocalSlotClock}; with REDIS_URL the claim is made
 * in Redis so every replica shares the same slots (src/redis.ts).
 */
export interface SlotClock {
  /**
   * Reserves the next free slot and resolves when it comes: the caller may then send one call.
   * Never rejects (a shared clock that cannot reach its store falls back to a local one).
   */
  claim(): Promise<void>;
  /**
   * The call of the claimed slot is leaving now. The vendor measures arrival, so the next slot is
   * at least an interval after the real send, even when this one left late (a slow first
   * connection, a busy event loop).
   */
  sent(): void;
}

/** Makes the clock of one rate-limited API; `key` names the quota (vendor, app, API). */
export type SlotClockFactory = (key: string, intervalMs: number) => SlotClock;

/** Slots `intervalMs` apart, for one process. */
export class LocalSlotClock implements SlotClock {
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  async claim(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    if (at > now) await this.wait(at - now);
  }

  sent(): void {
    this.nextAt = Math.max(this.nextAt, this.now() + this.intervalMs);
  }
}

export const localSlotClocks: SlotClockFactory = (_key, intervalMs) => new LocalSlotClock(intervalMs);
