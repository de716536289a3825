import type { ChannelStat, DataAvailability, Funnel, LossReason, SmsStats, Vendor } from './__generated__/resolvers-types.js';

export type { Vendor };

/**
 * What a Campaign resolver receives: which campaign and, when the load that found it carried them,
 * its default-view figures, so plain fields resolve from the parent without another load.
 */
export interface CampaignRef {
  vendor: Vendor;
  /** The app of the vendor (PUSHGRAPH_APPS `name`, `default` for the single-app variables). */
  app: string;
  id: string;
  view?: CampaignView;
}

/**
 * A campaign's default view (no `since`/`until`). `lossReasons` is absent where the vendor answers
 * it with a call of its own (Tencent's loss API): that field loads it only when selected.
 * `asOf` (unix ms) is set when the figures come from the archive.
 */
export interface CampaignView {
  availability: DataAvailability;
  funnel: Funnel | null;
  channels: ChannelStat[] | null;
  sms: SmsStats | null;
  lossReasons?: LossReason[] | null;
  asOf?: number;
}

/** Vendor-neutral figures: the GraphQL output types, produced by each vendor's mapper. */
export type {
  ChannelStat,
  DataAvailability,
  DeviceDelivery,
  DeviceTrace,
  Funnel,
  LossReason,
  SmsStats,
  TimeUnit,
  UserMetrics,
} from './__generated__/resolvers-types.js';

/** `since`/`until` of windowed vendor APIs (ISO-8601 date-times); vendors without windows ignore it. */
export interface TimeWindowArgs {
  since?: string | null;
  until?: string | null;
}
