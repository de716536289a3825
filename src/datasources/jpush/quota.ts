import { ErrorCode, VendorError } from '../../errors.js';
import type { QuotaGate, VendorResponse } from '../http.js';
import type { MinuteQuotaState, SharedMinuteQuota } from '../slot-clock.js';

/** JPush's quota headers; any of them may be missing. */
export interface JPushRateLimit {
  /** Calls per window (`X-Rate-Limit-Quota`, older answers `X-Rate-Limit-Limit`). */
  quota?: number;
  /** Calls left in the window (`X-Rate-Limit-Remaining`). */
  remaining?: number;
  /** Seconds until the window resets (`X-Rate-Limit-Reset`), as sent: the gate bounds what it believes. */
  resetSeconds?: number;
}

function headerNumber(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Reads the quota headers JPush sends on every answer (CONTRACT.md, JPush row). */
export function readRateLimit(headers: Headers): JPushRateLimit {
  return {
    quota: headerNumber(headers, 'x-rate-limit-quota') ?? headerNumber(headers, 'x-rate-limit-limit'),
    remaining: headerNumber(headers, 'x-rate-limit-remaining'),
    resetSeconds: headerNumber(headers, 'x-rate-limit-reset'),
  };
}

/** JPush counts its quota per minute (2400/min on the free plan): the window assumed until an answer tells. */
const DEFAULT_WINDOW_SECONDS = 60;
/**
 * The longest quota wait a request sits through (README "Worst-case time"). JPush's window is a
 * minute, so a longer reset (3600, an epoch timestamp) is not believed as a wait: calls are
 * answered VENDOR_RATE_LIMITED at once, and the gate looks again after this long.
 */
export const MAX_QUOTA_WAIT_SECONDS = 60;

/**
 * What is left of one app key's minute quota, in one process. With REDIS_URL the same state
 * lives in Redis for every replica (src/redis.ts); this one answers while Redis is away.
 */
export class LocalMinuteQuota {
  private quota: number | undefined;
  /** Calls that may still leave in this window; undefined = unknown, so do not hold. */
  private remaining: number | undefined;
  private resetAt = 0;
  private beyondCap = false;

  constructor(private readonly now: () => number) {}

  take(): { waitMs: number; beyondCap: boolean } | undefined {
    const now = this.now();
    if (this.remaining !== undefined && now >= this.resetAt) {
      // The window turned: a fresh quota (if JPush told us its size) until the next answer says more.
      this.remaining = this.quota;
      this.resetAt = now + DEFAULT_WINDOW_SECONDS * 1000;
      this.beyondCap = false;
    }
    if (this.remaining === undefined) return undefined;
    if (this.remaining > 0) {
      this.remaining--;
      return undefined;
    }
    return { waitMs: this.resetAt - now, beyondCap: this.beyondCap };
  }

  /** JPush said its quota size, without what is left. */
  setQuota(quota: number): void {
    this.quota = quota;
  }

  learn(state: MinuteQuotaState): void {
    if (state.quota !== undefined) this.quota = state.quota;
    this.remaining = state.remaining;
    this.resetAt = this.now() + state.resetMs;
    this.beyondCap = state.beyondCap;
  }
}

export interface JPushQuotaOptions {
  /** Unix ms. */
  now?: () => number;
  /** With REDIS_URL: the app key's quota as every replica sees it. */
  shared?: SharedMinuteQuota;
}

const rateLimited = (message: string): VendorError =>
  new VendorError('JPUSH', ErrorCode.VENDOR_RATE_LIMITED, message, { vendorCode: 'QUOTA_WAIT_TOO_LONG' });

const abandoned = (): VendorError =>
  new VendorError('JPUSH', ErrorCode.VENDOR_UNAVAILABLE, 'JPush call dropped: no request waits for it any more', {
    vendorCode: 'ABANDONED',
  });

/** Sleeps `ms`, or rejects as soon as `signal` aborts (a request that is gone waits for nothing). */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abandoned());
    const leave = (): void => {
      clearTimeout(timer);
      reject(abandoned());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', leave);
      resolve();
    }, ms);
    signal?.addEventListener('abort', leave, { once: true });
  });
}

/**
 * JPush's per-app, per-minute quota, learnt from the headers of every answer: once JPush says
 * no call is left, further calls wait for the window to reset instead of earning a 429 — at
 * most {@link MAX_QUOTA_WAIT_SECONDS}; a longer reset is answered VENDOR_RATE_LIMITED at once.
 * Calls in flight count against what is left, since JPush will count them when they land. One
 * app key = one gate for all its endpoints: the quota is per app, not per API. With a shared
 * quota (REDIS_URL) every replica of the app key takes from the same count.
 */
export class JPushQuota implements QuotaGate {
  private readonly local: LocalMinuteQuota;
  private readonly now: () => number;
  private inFlight = 0;

  constructor(private readonly options: JPushQuotaOptions = {}) {
    this.now = options.now ?? Date.now;
    this.local = new LocalMinuteQuota(this.now);
  }

  async acquire(_endpoint?: string, signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      const held = await this.take();
      if (!held) break;
      if (held.beyondCap || held.waitMs > MAX_QUOTA_WAIT_SECONDS * 1000) {
        throw rateLimited(`JPush's quota resets later than ${MAX_QUOTA_WAIT_SECONDS} s from now; try again later`);
      }
      await wait(Math.max(1, held.waitMs), signal);
    }
    if (signal?.aborted) throw abandoned();
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }

  private async take(): Promise<{ waitMs: number; beyondCap: boolean } | undefined> {
    const { shared } = this.options;
    if (shared?.ready) {
      try {
        return await shared.take();
      } catch {
        // Redis went away between the check and the call: the local count answers.
      }
    }
    return this.local.take();
  }

  observe(_endpoint: string, response: VendorResponse): void {
    const limit = readRateLimit(response.headers);
    if (limit.remaining === undefined) {
      if (limit.quota !== undefined) this.local.setQuota(limit.quota);
      return;
    }
    const reset = limit.resetSeconds ?? DEFAULT_WINDOW_SECONDS;
    // This call is counted by JPush already; the others in flight are not yet.
    const othersInFlight = Math.max(0, this.inFlight - 1);
    const state: MinuteQuotaState = {
      quota: limit.quota,
      remaining: Math.max(0, limit.remaining - othersInFlight),
      resetMs: Math.min(reset, MAX_QUOTA_WAIT_SECONDS) * 1000,
      beyondCap: reset > MAX_QUOTA_WAIT_SECONDS,
    };
    this.local.learn(state);
    if (this.options.shared?.ready) this.options.shared.learn(state);
  }
}
