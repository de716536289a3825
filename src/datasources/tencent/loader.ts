import DataLoader from 'dataloader';
import type { AnswerCache } from '../../cache.js';
import type { CampaignRef, DeviceTrace, LossReason } from '../../domain.js';
import { badUserInput, VendorError } from '../../errors.js';
import { SharedBatcher } from '../batcher.js';
import { unreadable, type AnswerItem } from '../http.js';
import { TENCENT_MAX_TASK_IDS, type TencentClient } from './client.js';
import type { TencentSource } from './index.js';
import { toCampaignStatistics, toDeviceTrace, toLossReasons, type TencentCampaignStatistics } from './mapper.js';
import { Interest } from '../interest.js';
import { defaultViewCampaigns } from '../vendor.js';
import type { SharedSlotQueue, SlotClock } from '../slot-clock.js';
import { BatchScheduler, queueFull } from './scheduler.js';
import type { TencentApi } from './types.js';
import { checkWindow, DEFAULT_WINDOW, LOSS_WINDOW, STATISTICS_WINDOW, windowKey, type WindowSpec } from './window.js';

/** Attempts per TaskID (the first included); each retry waits for the API's next slot. */
const MAX_ATTEMPTS = 3;

/** One TaskID over one window (statistics, loss). */
export interface WindowedTask {
  taskId: string;
  window: WindowSpec;
}

/** One task to one user (trace). */
export interface TraceQuery {
  taskId: string;
  userId: string;
}

/** Process-wide: answer cache, in-flight table and slot scheduler of each TIMPush API. */
export interface TencentBatchers {
  statistics: SharedBatcher<WindowedTask, TencentCampaignStatistics>;
  loss: SharedBatcher<WindowedTask, LossReason[]>;
  trace: SharedBatcher<TraceQuery, DeviceTrace[]>;
  /** Who still waits for each key of each API: keys nobody waits for leave the slot queues. */
  interest: Record<'statistics' | 'loss' | 'trace', Interest>;
}

export interface TencentBatchersOptions {
  client: TencentClient;
  cache: AnswerCache;
  ttlMs: number;
  /** Namespaces cache entries: two apps' TaskIDs are different tasks. */
  sdkAppId: string;
  /** The slot clock of one API ("Maximum calling frequency: 1 time/second" on every TIMPush page). */
  clock(api: TencentApi): SlotClock;
  /** With REDIS_URL: the API's queue shared by every replica. */
  shared?(api: TencentApi): SharedSlotQueue;
  /** How long a replica's call of shared ids may take, retries included, before others queue them again. */
  leaseMs: number;
}

const windowedKey = (task: WindowedTask): string => JSON.stringify([task.taskId, windowKey(task.window)]);
const traceKey = (query: TraceQuery): string => JSON.stringify([query.taskId, query.userId]);

/**
 * A SharedBatcher whose vendor calls go through a slot scheduler. The batcher drops cached and
 * in-flight keys and hands each remaining key to the scheduler on its own (maxBatchSize 1); the
 * scheduler packs waiting keys of every request into calls of the vendor's size at each slot.
 * So a request never waits on a slot for an answered or in-flight key, and a failed call fails
 * only the keys it carried.
 */
function scheduled<K, V>(
  name: string,
  options: TencentBatchersOptions,
  keyOf: (key: K) => string,
  scheduler: BatchScheduler<K, V | Error | null>,
): SharedBatcher<K, V> {
  return new SharedBatcher<K, V>({
    name: `${name}:${options.sdkAppId}`,
    cache: options.cache,
    ttlMs: options.ttlMs,
    maxBatchSize: 1,
    keyOf,
    fetchBatch: async (keys) => {
      // An Error value (one unreadable TaskID of a call) rejects that key alone and is not cached.
      const answers = new Map<string, V | Error>();
      await Promise.all(
        keys.map(async (key) => {
          const answer = await scheduler.enqueue(key);
          if (answer !== null) answers.set(keyOf(key), answer);
        }),
      );
      return answers;
    },
  });
}

const retryable = (error: unknown): boolean => error instanceof VendorError && error.transient;

/** What every TIMPush API's scheduler shares: slots, the cross-replica queue, retries, the queue bound. */
function slotOptions(options: TencentBatchersOptions, api: TencentApi, interest: Interest) {
  return {
    clock: options.clock(api),
    shared: options.shared?.(api),
    leaseMs: options.leaseMs,
    interest,
    retryable,
    maxAttempts: MAX_ATTEMPTS,
    overloaded: () => queueFull('TENCENT', api),
  };
}

/** Statistics and loss: up to 5 TaskIDs of one window per call, answered per TaskID. */
function windowedScheduler<R extends { TaskID: string }, V>(
  slots: ReturnType<typeof slotOptions>,
  fetch: (taskIds: string[], window: WindowSpec, onSend: () => void) => Promise<Array<AnswerItem<R>>>,
  map: (result: R) => V,
): BatchScheduler<WindowedTask, V | Error | null> {
  return new BatchScheduler({
    ...slots,
    maxBatchSize: TENCENT_MAX_TASK_IDS,
    keyOf: windowedKey,
    groupOf: (task) => windowKey(task.window),
    send: async (tasks, onSend) => {
      // A batch is one group, so its tasks share one window.
      const results = await fetch(
        tasks.map((task) => task.taskId),
        tasks[0]?.window ?? DEFAULT_WINDOW,
        onSend,
      );
      const byId = new Map<string, V | Error>(
        results.map((result) => (result.ok ? [result.value.TaskID, map(result.value)] : [result.id, unreadable('TENCENT', result.field)])),
      );
      return (task) => byId.get(task.taskId) ?? null;
    },
  });
}

export function createTencentBatchers(options: TencentBatchersOptions): TencentBatchers {
  const { client } = options;
  const interest = { statistics: new Interest(), loss: new Interest(), trace: new Interest() };
  const statistics = windowedScheduler(
    slotOptions(options, 'all_member_push_statistics', interest.statistics),
    (taskIds, window, onSend) => client.allMemberPushStatistics(taskIds, window, onSend),
    toCampaignStatistics,
  );
  const loss = windowedScheduler(
    slotOptions(options, 'all_member_push_loss', interest.loss),
    (taskIds, window, onSend) => client.allMemberPushLoss(taskIds, window, onSend),
    toLossReasons,
  );
  // Trace doc: one TaskID and one UserID per call.
  const trace = new BatchScheduler<TraceQuery, DeviceTrace[] | null>({
    ...slotOptions(options, 'all_member_push_trace', interest.trace),
    maxBatchSize: 1,
    keyOf: traceKey,
    groupOf: traceKey,
    // maxBatchSize 1: a batch is exactly one query.
    send: async ([query], onSend) => {
      const instances = query ? await client.allMemberPushTrace(query.taskId, query.userId, onSend) : [];
      const traces = instances.map(toDeviceTrace);
      return () => traces;
    },
  });
  return {
    statistics: scheduled('tencent.statistics', options, windowedKey, statistics),
    loss: scheduled('tencent.loss', options, windowedKey, loss),
    trace: scheduled('tencent.trace', options, traceKey, trace),
    interest,
  };
}

// TaskIDs and UserIDs are opaque strings (the docs show "xxx-yyy-zzz"): bounded, printable, no spaces.
const TENCENT_ID = /^[^\s\p{C}]{1,128}$/u;

function checkId(value: string, argumentName: string): void {
  if (!TENCENT_ID.test(value)) {
    throw badUserInput(`${argumentName} must be a Tencent id: 1 to 128 characters, no spaces or control characters`, argumentName);
  }
}

/**
 * A per-request memo over a process-wide batcher, without DataLoader batching: the slot
 * scheduler batches (across requests too), and each key resolves as soon as the call carrying
 * it answers, not when the slowest key of the request does.
 */
function perRequest<K, V>(
  batcher: SharedBatcher<K, V>,
  keyOf: (key: K) => string,
  name: string,
  interest: Interest,
  signal: AbortSignal | undefined,
): { load(key: K): Promise<V | null> } {
  const loader = new DataLoader<K, V | null, string>((keys) => batcher.loadMany(keys), { batch: false, cacheKeyFn: keyOf, name });
  return {
    // The request holds the key while it waits: once its client is gone (and nobody else waits), the key leaves the queue.
    load: async (key) => {
      const holding = interest.hold(keyOf(key), signal);
      try {
        return await loader.load(key);
      } finally {
        holding.answered();
      }
    },
  };
}

/**
 * The per-request source. Windows are checked before any call. A campaign exists when the
 * statistics over the default window (the last 30 days) list its TaskID.
 */
export function createTencentSource(
  batchers: TencentBatchers,
  app: string,
  signal?: AbortSignal,
  now: () => number = Date.now,
): TencentSource {
  const statistics = perRequest(batchers.statistics, windowedKey, 'tencent.statistics', batchers.interest.statistics, signal);
  const loss = perRequest(batchers.loss, windowedKey, 'tencent.loss', batchers.interest.loss, signal);
  const trace = perRequest(batchers.trace, traceKey, 'tencent.trace', batchers.interest.trace, signal);
  return {
    validateId: (id) => checkId(id, 'id'),
    validateWindow: (field, args) => void checkWindow(args, field === 'lossReasons' ? LOSS_WINDOW : STATISTICS_WINDOW, now()),
    // The default-window statistics carry funnel and channels; loss reasons are a call of their own, made only when selected.
    ...defaultViewCampaigns(
      (id) => statistics.load({ taskId: id, window: DEFAULT_WINDOW }),
      (id) => batchers.statistics.cached({ taskId: id, window: DEFAULT_WINDOW }),
      (id, found): CampaignRef => ({
        vendor: 'TENCENT',
        app,
        id,
        view: { availability: 'READY', funnel: found.funnel, channels: found.channels, sms: null },
      }),
    ),
    availability: async () => 'READY',
    // Null when Tencent has no figures for the task in that window.
    funnel: async (id, args) =>
      (await statistics.load({ taskId: id, window: checkWindow(args, STATISTICS_WINDOW, now()) }))?.funnel ?? null,
    channels: async (id, args) =>
      (await statistics.load({ taskId: id, window: checkWindow(args, STATISTICS_WINDOW, now()) }))?.channels ?? null,
    // A task absent from the loss answer lost nothing Tencent recorded in that window.
    lossReasons: async (id, args) => (await loss.load({ taskId: id, window: checkWindow(args, LOSS_WINDOW, now()) })) ?? [],
    sms: async () => null,
    deviceTrace: async (taskId, userId) => {
      checkId(taskId, 'taskId');
      checkId(userId, 'userId');
      return (await trace.load({ taskId, userId })) ?? [];
    },
  };
}
