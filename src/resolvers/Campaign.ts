import type { CampaignResolvers } from '../__generated__/resolvers-types.js';
import { loadCampaigns } from './campaignRefs.js';

export const Campaign: CampaignResolvers = {
  // Federation entities go through the same per-request batching as `campaigns`.
  __resolveReference: (reference, ctx, info) => loadCampaigns(ctx, reference.vendor, [String(reference.id)], info)[0] ?? null,
  availability: (campaign, _args, ctx) => ctx.sources[campaign.vendor].availability(campaign.id),
  funnel: (campaign, window, ctx) => ctx.sources[campaign.vendor].funnel(campaign.id, window),
  channels: (campaign, window, ctx) => ctx.sources[campaign.vendor].channels(campaign.id, window),
  lossReasons: (campaign, window, ctx) => ctx.sources[campaign.vendor].lossReasons(campaign.id, window),
  sms: (campaign, _args, ctx) => ctx.sources[campaign.vendor].sms(campaign.id),
  asOf: (campaign, _args, ctx) => ctx.archive?.asOf(campaign.vendor, campaign.id) ?? null,
  history: (campaign, bounds, ctx) => ctx.archive?.history(campaign.vendor, campaign.id, bounds) ?? [],
};
