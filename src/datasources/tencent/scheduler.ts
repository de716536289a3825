import type { SlotClock } from '../slot-clock.js';

export interface BatchSchedulerOptions<T, R> {
  clock: SlotClock;
  /** The vendor's limit of items per call. */
  maxBatchSize: number;
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
}

interface Waiter<T, R> {
  item: T;
  group: string;
  attempt: number;
  resolve(answer: R): void;
  reject(error: unknown): void;
}

/**
 * One per vendor API per process: items wait here for the API's next slot, and at each slot
 * up to `maxBatchSize` waiting items of one group leave in one call. Items enqueued while a
 * call waits for its slot join it, whichever request they come from; a retryable failure puts
 * its items back at the head of the queue for the next slot.
 */
export class BatchScheduler<T, R> {
  private queue: Array<Waiter<T, R>> = [];
  private pumping = false;

  constructor(private readonly options: BatchSchedulerOptions<T, R>) {}

  /** Resolves with the item's answer once a call carrying it succeeds; rejects once it gives up. */
  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, group: this.options.groupOf(item), attempt: 1, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.run();
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      await this.options.clock.claim();
      // Items enqueued in this same turn of the event loop (one request's DataLoader batch,
      // concurrent requests) join the call: the DataLoader idea, applied at the slot.
      await new Promise<void>((resolve) => setImmediate(resolve));
      void this.dispatch(this.takeBatch());
    }
    this.pumping = false;
  }

  /** The oldest waiting item's group, up to the batch limit, in arrival order. */
  private takeBatch(): Array<Waiter<T, R>> {
    const group = this.queue[0]?.group;
    const batch: Array<Waiter<T, R>> = [];
    const rest: Array<Waiter<T, R>> = [];
    for (const waiter of this.queue) {
      if (waiter.group === group && batch.length < this.options.maxBatchSize) batch.push(waiter);
      else rest.push(waiter);
    }
    this.queue = rest;
    return batch;
  }

  private async dispatch(batch: Array<Waiter<T, R>>): Promise<void> {
    let answerOf: (item: T) => R;
    try {
      answerOf = await this.options.send(
        batch.map((waiter) => waiter.item),
        () => this.options.clock.sent(),
      );
    } catch (error) {
      const again = batch.filter((waiter) => waiter.attempt < this.options.maxAttempts && this.options.retryable(error));
      for (const waiter of batch) if (!again.includes(waiter)) waiter.reject(error);
      if (again.length > 0) {
        for (const waiter of again) waiter.attempt += 1;
        this.queue.unshift(...again);
        this.pump();
      }
      return;
    }
    for (const waiter of batch) waiter.resolve(answerOf(waiter.item));
  }
}
