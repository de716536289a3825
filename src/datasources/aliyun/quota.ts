import { ErrorCode, VendorError } from '../../errors.js';
import { sleep, type QuotaGate } from '../http.js';
import type { SharedRateWindow } from '../slot-clock.js';

export interface AliyunQuotaOptions {
  /** Calls in flight at once (ALIYUN_MAX_CONCURRENCY). */
  maxConcurrency: number;
  /** Calls that may start in any one window (Alibaba: 50 per second). */
  callsPerWindow: number;
  /** The window, in ms. */
  windowMs: number;
  /** Calls waiting for a concurrency slot at most; beyond, VENDOR_RATE_LIMITED at once. */
  maxWaiting?: number;
  /** With REDIS_URL: the window shared by every replica using this AccessKey. */
  shared?: SharedRateWindow;
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
/** A minute of calls at Alibaba's rate: more waiting than that is answered VENDOR_RATE_LIMITED at once. */
export const ALIYUN_MAX_WAITING = 60 * ALIYUN_CALLS_PER_SECOND;
/** While the shared window is unreachable every replica keeps to a third of the rate: it cannot see the others. */
const FALLBACK_SLOWDOWN = 3;

/** A call in the rate window: when it started, and when its answer came back (once it has). */
interface WindowCall {
  startedAt: number;
  answeredAt?: number;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

const abandoned = (): VendorError =>
  new VendorError('ALIYUN', ErrorCode.VENDOR_UNAVAILABLE, 'Alibaba Cloud Push call dropped: no request waits for it any more', {
    vendorCode: 'ABANDONED',
  });

/**
 * The quota of Alibaba's one-MessageId-per-call API, for VendorHttp: a call leaves once it holds
 * a concurrency slot AND fewer than `callsPerWindow` calls started in the last `windowMs` (a
 * sliding window, so no burst can exceed the vendor's rate at a window edge). Every attempt,
 * retries included, passes here. Waiters are served first come, first served; a waiter whose
 * signal aborts (nobody needs its answer) leaves the queue, and a full queue refuses at once.
 *
 * A call that has been answered counts until `windowMs` after its answer rather than its start:
 * it reached Alibaba before its answer came back, whatever delayed it on the way (an event-loop
 * stall between the gate and the socket, a slow network hop), so a call `callsPerWindow` later
 * cannot arrive within Alibaba's window of it. Counting from the start alone let such a delay
 * eat the margin and earn Throttling.User answers (measured by `npm run bench`, scenario 1).
 *
 * With a shared window (REDIS_URL) the rate is counted in Redis for every replica of the
 * AccessKey; the concurrency limit stays per process.
 */
export class AliyunQuotaGate implements QuotaGate {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  /** The last `callsPerWindow` calls, oldest first. */
  private readonly starts: WindowCall[] = [];
  /** Rate turns are taken one after another, so the window check and its record cannot interleave. */
  private turns: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private sequence = 0;
  private readonly id = Math.random().toString(36).slice(2);

  constructor(private readonly options: AliyunQuotaOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  async acquire(_endpoint?: string, signal?: AbortSignal): Promise<() => void> {
    await this.slot(signal);
    let finish: () => void;
    try {
      if (signal?.aborted) throw abandoned();
      finish = await this.rateTurn();
    } catch (error) {
      this.free();
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      finish();
      this.free();
    };
  }

  private slot(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abandoned());
    if (this.active < this.options.maxConcurrency) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiting.length >= (this.options.maxWaiting ?? ALIYUN_MAX_WAITING)) {
      return Promise.reject(
        new VendorError(
          'ALIYUN',
          ErrorCode.VENDOR_RATE_LIMITED,
          'Too many Alibaba Cloud Push calls waiting for the rate limit; try again later',
          {
            vendorCode: 'QUEUE_FULL',
          },
        ),
      );
    }
    // The releasing call hands its slot straight to the next waiter (active stays the same).
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        },
        reject,
      };
      const leave = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(abandoned());
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.waiting.push(waiter);
    });
  }

  private free(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.active--;
  }

  /** Waits for room in the window; resolves with what marks the call answered. */
  private rateTurn(): Promise<() => void> {
    const turn = this.turns.then(() => this.waitForWindow());
    this.turns = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async waitForWindow(): Promise<() => void> {
    const { shared, windowMs } = this.options;
    while (shared?.ready) {
      const call = `${this.id}:${++this.sequence}`;
      let outcome;
      try {
        outcome = await shared.tryStart(call, this.options.callsPerWindow, windowMs);
      } catch {
        break; // Redis went away between the check and the call: count locally.
      }
      if (outcome.started) return () => shared.answered(call, windowMs);
      await sleep(Math.min(outcome.waitMs, windowMs));
    }
    const call = await this.waitForLocalWindow(
      shared ? Math.max(1, Math.floor(this.options.callsPerWindow / FALLBACK_SLOWDOWN)) : this.options.callsPerWindow,
    );
    return () => {
      call.answeredAt = this.now();
    };
  }

  private async waitForLocalWindow(limit: number): Promise<WindowCall> {
    while (this.starts.length >= limit) {
      const oldest = this.starts[0]!;
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
