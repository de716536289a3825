import type { AnswerCache } from '../cache.js';
import type { Config, Env } from '../config.js';
import type { CampaignRef, ChannelStat, DataAvailability, Funnel, LossReason, SmsStats, TimeWindowArgs, Vendor } from '../domain.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { SharedQuotas, SlotClockFactory } from './slot-clock.js';

/** Campaign fields that take `since`/`until`. */
export type WindowedField = 'funnel' | 'channels' | 'lossReasons';

/**
 * What the `Campaign` type needs from one vendor, for one request. Every vendor implements it;
 * resolvers call it without knowing which vendor answers.
 */
export interface CampaignSource {
  /** Throws BAD_USER_INPUT for an id this vendor can never know (JPush/Alibaba ids are numeric). */
  validateId(id: string): void;
  /**
   * Throws BAD_USER_INPUT for a `since`/`until` this vendor would refuse. Called for every windowed
   * field an operation selects, before the campaign itself is loaded. Vendors without windows omit it.
   */
  validateWindow?(field: WindowedField, window: TimeWindowArgs): void;
  /** The campaign, or null when the vendor knows no such id. */
  campaign(id: string): Promise<CampaignRef | null>;
  /** {@link campaign} when the answer cache holds it in this process, synchronously; undefined when only a load can tell. */
  cachedCampaign?(id: string): CampaignRef | null | undefined;
  availability(id: string): Promise<DataAvailability>;
  funnel(id: string, window: TimeWindowArgs): Promise<Funnel | null>;
  channels(id: string, window: TimeWindowArgs): Promise<ChannelStat[] | null>;
  lossReasons(id: string, window: TimeWindowArgs): Promise<LossReason[] | null>;
  sms(id: string): Promise<SmsStats | null>;
}

/**
 * `campaign` and `cachedCampaign` of a source whose default view is one answer per id: `load` goes
 * through the request's loader, `cached` reads the shared batcher synchronously.
 */
export function defaultViewCampaigns<V>(
  load: (id: string) => Promise<V | null>,
  cached: (id: string) => V | null | undefined,
  toCampaign: (id: string, found: V) => CampaignRef,
): Pick<CampaignSource, 'campaign' | 'cachedCampaign'> {
  const campaignOf = (id: string, found: V | null): CampaignRef | null => (found ? toCampaign(id, found) : null);
  return {
    campaign: async (id) => campaignOf(id, await load(id)),
    cachedCampaign: (id) => {
      const found = cached(id);
      return found === undefined ? undefined : campaignOf(id, found);
    },
  };
}

export type VendorMode = 'live' | 'simulated';

/** A started vendor: process-wide client, cache and scheduler; per-request sources. */
export interface VendorRuntime<S extends CampaignSource = CampaignSource> {
  vendor: Vendor;
  /** The app's name (PUSHGRAPH_APPS `name`; `default` for the single-app variables). */
  app: string;
  mode: VendorMode;
  /**
   * A fresh source per request: its DataLoaders must not outlive the request. `signal` aborts when
   * the request's client goes away: vendor work only it waited for is then dropped from the queues.
   */
  createSource(signal?: AbortSignal): S;
  /** Stops what the vendor started (the built-in simulator). */
  close(): Promise<void>;
}

/** What every app of every vendor gets at start-up, beside its own entry (credentials, base URL). */
export interface VendorDeps {
  config: Config;
  env: Env;
  cache: AnswerCache;
  logger: Logger;
  metrics: Metrics;
  /** Rate slots shared by every request of the process, and by every replica with REDIS_URL. */
  slotClocks: SlotClockFactory;
  /** With REDIS_URL: the vendors' quotas counted for every replica (Tencent's queue on the slots of `slotClocks`). */
  sharedQuotas?: SharedQuotas;
}
