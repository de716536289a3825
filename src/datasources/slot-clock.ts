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

/** An item in a queue every replica shares: `member` is its identity, `payload` what any replica needs to send it. */
export interface SharedQueueItem {
  member: string;
  /** Order in the queue (ms since the epoch when this replica first asked). */
  score: number;
  /** JSON `{ group, item }`: the queue reads `group`, the sending replica the item. */
  payload: string;
}

export interface SharedQueueLimits {
  maxBatchSize: number;
  /** Items the queue holds at most; new ones beyond are refused. */
  maxQueued: number;
  /** How long a taken item counts as in flight: a replica that died with it lets it be queued again after this. */
  leaseMs: number;
}

export interface SharedPoll {
  /** Fresh members refused because the queue is full. */
  refused: string[];
  /** Taken for this replica's call (one group, at most maxBatchSize), when the slot had come. */
  taken: Array<{ member: string; payload: string }>;
  /** When nothing was taken: ms until the next slot, or -1 when the queue is empty. */
  waitMs: number;
}

/**
 * The queue of one rate-limited API shared by every replica (Redis): each replica puts in the ids
 * its requests wait for, whichever replica wins a slot takes up to a call's worth of them, and the
 * answers go back to every replica as messages. Items are re-asserted at every poll, so a queue
 * lost or a member dropped by another replica comes back while someone still waits for it.
 */
export interface SharedSlotQueue {
  /** False while Redis is away or stalled: the scheduler then paces itself with its local clock. */
  readonly ready: boolean;
  /** Adds `fresh` (bounded), re-asserts `waiting`, and with `take` takes a batch if the slot has come. */
  poll(fresh: SharedQueueItem[], waiting: SharedQueueItem[], take: boolean, limits: SharedQueueLimits): Promise<SharedPoll>;
  /** Members no request of this replica waits for any more (another replica still waiting re-asserts them). */
  drop(members: string[]): void;
  publish(message: string): void;
  /** Every message published for this queue, by any replica (this one included). */
  subscribe(listener: (message: string) => void): void;
}

/**
 * A rate window every replica shares (Redis): the calls that started for one AccessKey, each
 * counting until a window after its answer, as the Alibaba gate counts them in-process (src/datasources/aliyun/quota.ts).
 */
export interface SharedRateWindow {
  /** False while Redis is away or stalled: the gate then counts locally, at a third of the rate. */
  readonly ready: boolean;
  /** Records a call starting now if fewer than `limit` count; else how long until the oldest stops counting. */
  tryStart(call: string, limit: number, windowMs: number): Promise<{ started: true } | { started: false; waitMs: number }>;
  /** The call was answered: it counts until a window after now. */
  answered(call: string, windowMs: number): void;
}

/** What JPush's headers said of one app key's minute quota (the reset bounded by the gate). */
export interface MinuteQuotaState {
  quota?: number;
  remaining: number;
  /** Until the window resets, at most the gate's cap. */
  resetMs: number;
  /** JPush asked for a longer wait than the cap: calls are refused until the reset rather than held. */
  beyondCap: boolean;
}

/** One app key's minute quota (JPush) counted for every replica. */
export interface SharedMinuteQuota {
  readonly ready: boolean;
  /** Takes a call from what is left: undefined = go; else how long until the window resets. */
  take(): Promise<{ waitMs: number; beyondCap: boolean } | undefined>;
  learn(state: MinuteQuotaState): void;
}

/**
 * The quotas every replica shares through Redis (REDIS_URL); `key` names the quota (vendor,
 * app or credential, API). Absent without Redis: each process then counts on its own.
 */
export interface SharedQuotas {
  /** The slot queue of one API allowing a call per `intervalMs`; its slots are those of the slot clock of the same key. */
  queue(key: string, intervalMs: number): SharedSlotQueue;
  /** A sliding call-rate window (Alibaba per AccessKey). */
  window(key: string): SharedRateWindow;
  /** A per-minute quota learnt from the vendor's headers (JPush per app key). */
  minuteQuota(key: string): SharedMinuteQuota;
}
