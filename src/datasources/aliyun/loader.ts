import type { AnswerCache } from '../../cache.js';
import type { CampaignRef } from '../../domain.js';
import { badUserInput } from '../../errors.js';
import { SharedBatcher } from '../batcher.js';
import type { Interest } from '../interest.js';
import { defaultViewCampaigns, type CampaignSource } from '../vendor.js';
import type { AliyunClient } from './client.js';
import { findPushStat, toCampaignFigures, type AliyunCampaignFigures } from './mapper.js';

export interface PushStatBatcherOptions {
  client: AliyunClient;
  cache: AnswerCache;
  ttlMs: number;
  /** Namespaces the cache: two apps' MessageIds are different messages. */
  appKey: string;
  /** Who still waits for each MessageId: a call nobody waits for leaves the gate's queue. */
  interest: Interest;
}

/**
 * Process-wide: one QueryPushStatByMsg call per distinct MessageId, shared by every request that
 * asks it while the call is in flight or its answer is cached.
 */
export function createPushStatBatcher(options: PushStatBatcherOptions): SharedBatcher<string, AliyunCampaignFigures> {
  return new SharedBatcher<string, AliyunCampaignFigures>({
    name: `aliyun.queryPushStatByMsg:${options.appKey}`,
    cache: options.cache,
    ttlMs: options.ttlMs,
    // Vendor doc: QueryPushStatByMsg takes one MessageId, so every id is a call of its own;
    // the AliyunQuotaGate bounds how many run at once.
    maxBatchSize: 1,
    keyOf: (messageId) => messageId,
    fetchBatch: async (messageIds) => {
      const figures = new Map<string, AliyunCampaignFigures>();
      await Promise.all(
        messageIds.map(async (messageId) => {
          const stat = findPushStat(await options.client.queryPushStatByMsg(messageId, options.interest.signal(messageId)), messageId);
          if (stat) figures.set(messageId, toCampaignFigures(stat));
        }),
      );
      return figures;
    },
  });
}

/** Vendor doc: MessageId is a long (64-bit signed integer). */
const MAX_MESSAGE_ID = 2n ** 63n - 1n;

/** Throws BAD_USER_INPUT for anything that can never be an Alibaba MessageId, before any call. */
export function validateMessageId(id: string): void {
  if (!/^\d{1,19}$/.test(id) || BigInt(id) > MAX_MESSAGE_ID) {
    throw badUserInput(`${JSON.stringify(id.slice(0, 40))} is not an Alibaba Cloud Push MessageId (a 64-bit integer)`);
  }
}

/**
 * The per-request source: a fresh DataLoader over the shared batcher, so a request's fields and
 * aliases asking the same MessageId share one answer.
 */
export function createAliyunSource(
  batcher: SharedBatcher<string, AliyunCampaignFigures>,
  interest: Interest,
  app: string,
  signal?: AbortSignal,
): CampaignSource {
  const loader = batcher.loader();
  // The request holds the id while it waits; once its client is gone (and nobody else waits), the call leaves the queue.
  const figures = {
    load: async (id: string): Promise<AliyunCampaignFigures | null> => {
      const holding = interest.hold(id, signal);
      try {
        return await loader.load(id);
      } finally {
        holding.answered();
      }
    },
  };
  return {
    validateId: validateMessageId,
    // One QueryPushStatByMsg answer is the whole default view: the Campaign's plain fields read it from the parent.
    ...defaultViewCampaigns(
      figures.load,
      (id) => batcher.cached(id),
      (id, found): CampaignRef => ({
        vendor: 'ALIYUN',
        app,
        id,
        view: { availability: found.availability, funnel: found.funnel, channels: [], lossReasons: [], sms: found.sms },
      }),
    ),
    // Unreachable through GraphQL for an unknown id (its campaign is null); nothing is published for it.
    availability: async (id) => (await figures.load(id))?.availability ?? 'PENDING',
    funnel: async (id) => (await figures.load(id))?.funnel ?? null,
    // QueryPushStatByMsg has no per-channel breakdown: an empty list, like lossReasons for
    // vendors without loss analysis (schema), rather than null, which the schema reserves for failures.
    channels: async () => [],
    lossReasons: async () => [],
    sms: async (id) => (await figures.load(id))?.sms ?? null,
  };
}
