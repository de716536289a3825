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

/** A call in the rate window: when it started, and when its answer came back (once it has). */
interface WindowCall {
  startedAt: number;
  answeredAt?: number;
}

/**
 * The quota of Alibaba's one-MessageId-per-call API, for VendorHttp: a call leaves once it holds
 * a concurrency slot AND fewer than `callsPerWindow` calls started in the last `windowMs` (a
 * sliding window, so no burst can exceed the vendor's rate at a window edge). Every attempt,
 * retries included, passes here. Waiters are served first come, first served.
 *
 * A call that has been answered counts until `windowMs` after its answer rather than its start:
 * it reached Alibaba before its answer came back, whatever delayed it on the way (an event-loop
 * stall between the gate and the socket, a slow network hop), so a call `callsPerWindow` later
 * cannot arrive within Alibaba's window of it. Counting from the start alone let such a delay
 * eat the margin and earn Throttling.User answers (measured by `npm run bench`, scenario 1).
 */
export class AliyunQuotaGate implements QuotaGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** The last `callsPerWindow` calls, oldest first. */
  private readonly starts: WindowCall[] = [];
  /** Rate turns are taken one after another, so the window check and its record cannot interleave. */
  private turns: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: AliyunQuotaOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  async acquire(): Promise<() => void> {
    await this.slot();
    const call = await this.rateTurn();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      call.answeredAt = this.now();
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

  private rateTurn(): Promise<WindowCall> {
    const turn = this.turns.then(() => this.waitForWindow());
    this.turns = turn.then(() => undefined);
    return turn;
  }

  private async waitForWindow(): Promise<WindowCall> {
    const oldest = this.starts.length >= this.options.callsPerWindow ? this.starts[0] : undefined;
    if (oldest) {
      // Looped: the oldest call may be answered while we wait, which moves its end.
      for (let wait = this.endOf(oldest) - this.now(); wait > 0; wait = this.endOf(oldest) - this.now()) await sleep(wait);
      this.starts.shift();
    }
    const call: WindowCall = { startedAt: this.now() };
    this.starts.push(call);
    return call;
  }

  /** When a call stops counting against the window. */
  private endOf(call: WindowCall): number {
    return (call.answeredAt ?? call.startedAt) + this.options.windowMs;
  }
}
