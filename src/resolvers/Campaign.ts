import type { CampaignResolvers } from '../__generated__/resolvers-types.js';
import { figureOf, loadCampaigns } from './campaignRefs.js';

// Plain fields read the default view the campaign was loaded with; windowed arguments go back to a loader.
export const Campaign: CampaignResolvers = {
  // Federation entities go through the same per-request batching as `campaigns`.
  __resolveReference: (reference, ctx, info) => loadCampaigns(ctx, reference.vendor, [String(reference.id)], info)[0] ?? null,
  availability: (campaign, _args, ctx) => campaign.view?.availability ?? ctx.sources[campaign.vendor].availability(campaign.id),
  funnel: (campaign, window, ctx) => figureOf(ctx, campaign, 'funnel', window),
  channels: (campaign, window, ctx) => figureOf(ctx, campaign, 'channels', window),
  lossReasons: (campaign, window, ctx) => figureOf(ctx, campaign, 'lossReasons', window),
  sms: (campaign, _args, ctx) => figureOf(ctx, campaign, 'sms', {}),
  asOf: (campaign) => (campaign.view?.asOf !== undefined ? new Date(campaign.view.asOf).toISOString() : null),
  history: (campaign, bounds, ctx) => ctx.archive?.history(campaign.vendor, campaign.app, campaign.id, bounds) ?? [],
};
