import { ErrorCode, VendorError, type VendorErrorCode, type VendorErrorDetail } from '../../errors.js';
import type { Vendor } from '../../domain.js';
import type { Interest } from '../interest.js';
import type { SharedQueueItem, SharedSlotQueue, SlotClock } from '../slot-clock.js';

export interface BatchSchedulerOptions<T, R> {
  clock: SlotClock;
  /** The vendor's limit of items per call. */
  maxBatchSize: number;
  /** Identity of an item: equal keys wait once and share a call. */
  keyOf(item: T): string;
  /** Items of one group may share a call (Tencent: the same query window); a call never mixes groups. */
  groupOf(item: T): string;
  /**
   * One vendor call for `items` (one group, at most `maxBatchSize`); resolves to each item's
   * answer. Calls `onSend` as the request leaves, so the clock spaces slots from the real send.
   */
  send(items: T[], onSend: () => void): Promise<(item: T) => R>;
  /** Failures worth another attempt at a later slot. */
  retryable(error: unknown): boolean;
  /** Attempts per item, the first included. */
  maxAttempts: number;
  /** Items waiting at most (a minute of slots by default); beyond, `overloaded()` answers at once. */
  maxQueued?: number;
  /** The error of an item refused by a full queue (VENDOR_RATE_LIMITED). */
  overloaded(): Error;
  /** With REDIS_URL: the queue every replica shares. While it is not ready, this replica paces itself with `clock`. */
  shared?: SharedSlotQueue;
  /** How long another replica's taken item counts as in flight before it may be queued again. */
  leaseMs?: number;
  /** Who still waits for each key: an item nobody holds any more leaves the queue before its call. */
  interest?: Interest;
}

interface Entry<T, R> {
  item: T;
  member: string;
  group: string;
  score: number;
  /** new: not yet in the shared queue; waiting: queued; sending: in a call of this replica. */
  state: 'new' | 'waiting' | 'sending';
  attempt: number;
  /** Everyone this process has waiting on the item (enqueued twice = one item, one call). */
  waiters: Array<{ resolve(answer: R): void; reject(error: unknown): void }>;
}

/** What the replica that sent a call tells every replica, by member. */
interface SharedAnswers {
  answers?: Array<[string, unknown]>;
  failures?: Array<[string, EncodedError]>;
}

interface EncodedError {
  message: string;
  vendor?: Vendor;
  code?: VendorErrorCode;
  detail?: VendorErrorDetail;
}

const encodeError = (error: unknown): EncodedError =>
  error instanceof VendorError
    ? { message: error.message, vendor: error.vendor, code: error.code, detail: error.detail }
    : { message: error instanceof Error ? error.message : String(error) };

const decodeError = (error: EncodedError): Error =>
  error.vendor && error.code ? new VendorError(error.vendor, error.code, error.message, error.detail) : new Error(error.message);

function resolve<T, R>(entry: Entry<T, R>, answer: R): void {
  for (const waiter of entry.waiters) waiter.resolve(answer);
}

function reject<T, R>(entry: Entry<T, R>, error: unknown): void {
  for (const waiter of entry.waiters) waiter.reject(error);
}

/** How long a slot may go by without this replica looking at the shared queue. */
const POLL_MS = 1_000;

/**
 * One per vendor API per process: items wait here for the API's next slot, and at each slot
 * up to `maxBatchSize` waiting items of one group leave in one call. Items enqueued while a
 * call waits for its slot join it, whichever request they come from; a retryable failure puts
 * its items back at the head of the queue for the next slot.
 *
 * With a shared queue (REDIS_URL) the waiting items of every replica are one queue: whichever
 * replica wins a slot takes up to a call's worth of them and publishes the answers, so calls =
 * ceil(waiting items / maxBatchSize) across replicas. While Redis is away each replica serves
 * its own items at its clock's (slower) pace.
 */
export class BatchScheduler<T, R> {
  private readonly entries = new Map<string, Entry<T, R>>();
  private pumping = false;
  private wake: (() => void) | undefined;
  private readonly maxQueued: number;

  constructor(private readonly options: BatchSchedulerOptions<T, R>) {
    this.maxQueued = options.maxQueued ?? 60 * options.maxBatchSize;
    options.shared?.subscribe((message) => this.onShared(message));
  }

  /** Items waiting for a slot (not yet in a call of this replica). */
  get waiting(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.state !== 'sending') count++;
    return count;
  }

  /** Resolves with the item's answer once a call carrying it succeeds; rejects once it gives up. */
  enqueue(item: T): Promise<R> {
    const member = this.options.keyOf(item);
    const queued = this.entries.get(member);
    if (queued) return new Promise<R>((resolve, reject) => queued.waiters.push({ resolve, reject }));
    if (this.waiting >= this.maxQueued) return Promise.reject(this.options.overloaded());
    return new Promise<R>((resolve, reject) => {
      const entry: Entry<T, R> = {
        item,
        member,
        group: this.options.groupOf(item),
        score: Date.now(),
        state: 'new',
        attempt: 1,
        waiters: [{ resolve, reject }],
      };
      this.entries.set(member, entry);
      const abandoned = this.options.interest?.signal(member);
      if (abandoned) {
        if (abandoned.aborted) return this.abandon(entry);
        abandoned.addEventListener('abort', () => this.abandon(entry), { once: true });
      }
      this.pump();
      this.wake?.();
    });
  }

  /** Nobody waits for the item any more: it leaves the queue unless its call is already out. */
  private abandon(entry: Entry<T, R>): void {
    if (entry.state === 'sending' || this.entries.get(entry.member) !== entry) return;
    this.entries.delete(entry.member);
    if (entry.state === 'waiting' && this.options.shared?.ready) this.options.shared.drop([entry.member]);
    reject(entry, new Error('abandoned: no request waits for it any more'));
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.run();
  }

  private async run(): Promise<void> {
    while (this.waiting > 0) {
      const shared = this.options.shared;
      if (shared?.ready && (await this.sharedTurn(shared))) continue;
      await this.options.clock.claim();
      // Items enqueued in this same turn of the event loop (one request's DataLoader batch,
      // concurrent requests) join the call: the DataLoader idea, applied at the slot.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = this.takeLocal();
      if (batch.length > 0) void this.dispatch(batch);
    }
    this.pumping = false;
  }

  /** The oldest waiting item's group, up to the batch limit, oldest first. */
  private takeLocal(): Array<Entry<T, R>> {
    const waiting = [...this.entries.values()].filter((entry) => entry.state !== 'sending').sort((a, b) => a.score - b.score);
    const group = waiting[0]?.group;
    const batch = waiting.filter((entry) => entry.group === group).slice(0, this.options.maxBatchSize);
    for (const entry of batch) entry.state = 'sending';
    return batch;
  }

  private async dispatch(batch: Array<Entry<T, R>>): Promise<void> {
    let answerOf: (item: T) => R;
    try {
      answerOf = await this.options.send(
        batch.map((entry) => entry.item),
        () => this.options.clock.sent(),
      );
    } catch (error) {
      const again = batch.filter((entry) => entry.attempt < this.options.maxAttempts && this.options.retryable(error));
      for (const entry of batch) {
        if (again.includes(entry)) continue;
        this.entries.delete(entry.member);
        reject(entry, error);
      }
      // Back in the queue with their first score: they leave first at the next slot.
      for (const entry of again) {
        entry.attempt += 1;
        entry.state = 'waiting';
      }
      if (again.length > 0) this.pump();
      return;
    }
    for (const entry of batch) {
      this.entries.delete(entry.member);
      resolve(entry, answerOf(entry.item));
    }
  }

  /**
   * One look at the shared queue: puts this replica's new items in, and takes a call's worth
   * when the slot has come. False when Redis failed: this turn is paced locally instead.
   */
  private async sharedTurn(shared: SharedSlotQueue): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const fresh: Array<Entry<T, R>> = [];
    const waiting: Array<Entry<T, R>> = [];
    for (const entry of this.entries.values()) {
      if (entry.state === 'new') fresh.push(entry);
      else if (entry.state === 'waiting') waiting.push(entry);
    }
    const asItem = (entry: Entry<T, R>): SharedQueueItem => ({
      member: entry.member,
      score: entry.score,
      payload: JSON.stringify({ group: entry.group, item: entry.item }),
    });
    let poll;
    try {
      poll = await shared.poll(fresh.map(asItem), waiting.map(asItem), true, {
        maxBatchSize: this.options.maxBatchSize,
        maxQueued: this.maxQueued,
        leaseMs: this.options.leaseMs ?? 30_000,
      });
    } catch {
      return false;
    }
    for (const entry of fresh) if (entry.state === 'new') entry.state = 'waiting';
    for (const member of poll.refused) this.settle(member, (entry) => reject(entry, this.options.overloaded()));
    if (poll.taken.length > 0) {
      void this.dispatchShared(shared, poll.taken);
      return true;
    }
    // Our items may be in another replica's call: its answer comes as a message, or a new item wakes us.
    await this.nap(poll.waitMs > 0 ? Math.min(poll.waitMs, POLL_MS) : POLL_MS);
    return true;
  }

  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /** This replica won the slot: it sends the call (retrying at later slots) and tells every replica. */
  private async dispatchShared(shared: SharedSlotQueue, taken: Array<{ member: string; payload: string }>): Promise<void> {
    const items = taken.map(({ member, payload }) => {
      const entry = this.entries.get(member);
      if (entry) entry.state = 'sending';
      // The payload is what a replica of this same code enqueued (JSON of one item), like the answer cache's values.
      return { member, item: (JSON.parse(payload) as { item: T }).item };
    });
    for (let attempt = 1; ; attempt++) {
      try {
        const answerOf = await this.options.send(
          items.map(({ item }) => item),
          () => this.options.clock.sent(),
        );
        const answers: Array<[string, R]> = [];
        const failures: Array<[string, EncodedError]> = [];
        for (const { member, item } of items) {
          const answer = answerOf(item);
          // An Error value (one unreadable element) reaches other replicas as that member's failure: JSON cannot carry it.
          if (answer instanceof Error) failures.push([member, encodeError(answer)]);
          else answers.push([member, answer]);
          this.settle(member, (entry) => resolve(entry, answer));
        }
        shared.publish(JSON.stringify({ answers, failures } satisfies SharedAnswers));
        return;
      } catch (error) {
        if (attempt < this.options.maxAttempts && this.options.retryable(error)) {
          await this.options.clock.claim();
          continue;
        }
        for (const { member } of items) this.settle(member, (entry) => reject(entry, error));
        const encoded = encodeError(error);
        shared.publish(
          JSON.stringify({ failures: items.map(({ member }): [string, EncodedError] => [member, encoded]) } satisfies SharedAnswers),
        );
        return;
      }
    }
  }

  /** Another replica's call answered (or this one's, echoed back). */
  private onShared(message: string): void {
    let parsed: SharedAnswers;
    try {
      parsed = JSON.parse(message) as SharedAnswers;
    } catch {
      return;
    }
    for (const [member, answer] of parsed.answers ?? []) this.settle(member, (entry) => resolve(entry, answer as R));
    for (const [member, error] of parsed.failures ?? []) this.settle(member, (entry) => reject(entry, decodeError(error)));
  }

  private settle(member: string, how: (entry: Entry<T, R>) => void): void {
    const entry = this.entries.get(member);
    if (!entry) return;
    this.entries.delete(member);
    how(entry);
  }
}

/** The error of a full Tencent queue. */
export function queueFull(vendor: Vendor, api: string): VendorError {
  return new VendorError(
    vendor,
    ErrorCode.VENDOR_RATE_LIMITED,
    `${vendor} ${api}: too many ids waiting for the vendor's rate limit; try again later`,
    {
      vendorCode: 'QUEUE_FULL',
    },
  );
}
