import { sleep, type QuotaGate } from '../http.js';

export interface AliyunQuotaOptions {
  /** Calls in flight at once (ALIYUN_MAX_CONCURRENCY). */
  maxConcurrency: number;
  /** Calls that may start in any one window (Alibaba: 50 per second). */
  callsPerWindow: number;
  /** The window, in ms. */
  windowMs: number;
  /** Clock, in ms (performance.now by default). */
  now?: () => number;
}

/** CONTRACT vendor table: QueryPushStatByMsg allows 50 calls/s; beyond, HTTP 400 Throttling.User. */
export const ALIYUN_CALLS_PER_SECOND = 50;
/**
 * Alibaba counts calls by arrival; ours are counted when they leave. The margin absorbs the
 * difference in network and event-loop delay between two calls 50 apart.
 */
export const ALIYUN_RATE_WINDOW_MS = 1_000 + 100;

/**
 * The quota of Alibaba's one-MessageId-per-call API, for VendorHttp: a call leaves once it holds
 * a concurrency slot AND fewer than `callsPerWindow` calls started in the last `windowMs` (a
 * sliding window, so no burst can exceed the vendor's rate at a window edge). Every attempt,
 * retries included, passes here. Waiters are served first come, first served.
 */
export class AliyunQuotaGate implements QuotaGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Start times of the last `callsPerWindow` calls, oldest first. */
  private readonly starts: number[] = [];
  /** Rate turns are taken one after another, so the window check and its record cannot interleave. */
  private turns: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: AliyunQuotaOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  async acquire(): Promise<() => void> {
    await this.slot();
    await this.rateTurn();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.free();
    };
  }

  private slot(): Promise<void> {
    if (this.active < this.options.maxConcurrency) {
      this.active++;
      return Promise.resolve();
    }
    // The releasing call hands its slot straight to the next waiter (active stays the same).
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private rateTurn(): Promise<void> {
    const turn = this.turns.then(() => this.waitForWindow());
    this.turns = turn;
    return turn;
  }

  private async waitForWindow(): Promise<void> {
    if (this.starts.length >= this.options.callsPerWindow) {
      const wait = this.starts[0]! + this.options.windowMs - this.now();
      if (wait > 0) await sleep(wait);
      this.starts.shift();
    }
    this.starts.push(this.now());
  }
}
