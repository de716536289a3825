import { sleep, type QuotaGate, type VendorResponse } from '../http.js';

/** JPush's quota headers; any of them may be missing. */
export interface JPushRateLimit {
  /** Calls per window (`X-Rate-Limit-Quota`, older answers `X-Rate-Limit-Limit`). */
  quota?: number;
  /** Calls left in the window (`X-Rate-Limit-Remaining`). */
  remaining?: number;
  /** Seconds until the window resets (`X-Rate-Limit-Reset`). */
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
 * JPush's per-app, per-minute quota, learnt from the headers of every answer: once JPush says
 * no call is left, further calls wait for the window to reset instead of earning a 429. Calls
 * in flight count against what is left, since JPush will count them when they land. One app
 * key = one gate for all its endpoints: the quota is per app, not per API.
 */
export class JPushQuota implements QuotaGate {
  private quota: number | undefined;
  /** Calls that may still leave in this window; undefined = unknown, so do not hold. */
  private remaining: number | undefined;
  private resetAt = 0;
  private inFlight = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      if (this.remaining !== undefined && now >= this.resetAt) {
        // The window turned: a fresh quota (if JPush told us its size) until the next answer says more.
        this.remaining = this.quota;
        this.resetAt = now + DEFAULT_WINDOW_SECONDS * 1000;
      }
      if (this.remaining === undefined || this.remaining > 0) break;
      await sleep(this.resetAt - now);
    }
    if (this.remaining !== undefined) this.remaining--;
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }

  observe(_endpoint: string, response: VendorResponse): void {
    const limit = readRateLimit(response.headers);
    if (limit.quota !== undefined) this.quota = limit.quota;
    if (limit.remaining === undefined) return;
    // This call is counted by JPush already; the others in flight are not yet.
    const othersInFlight = Math.max(0, this.inFlight - 1);
    this.remaining = Math.max(0, limit.remaining - othersInFlight);
    this.resetAt = this.now() + (limit.resetSeconds ?? DEFAULT_WINDOW_SECONDS) * 1000;
  }
}
