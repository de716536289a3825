import type { Vendor } from './__generated__/resolvers-types.js';

export type { Vendor };

/** What a Campaign resolver receives: which campaign, never its figures (fields load those). */
export interface CampaignRef {
  vendor: Vendor;
  id: string;
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
