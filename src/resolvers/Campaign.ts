import type { CampaignResolvers } from '../__generated__/resolvers-types.js';
import { isDefaultWindow, type ArchivedField, type Figures } from '../archive/figures.js';
import type { Context } from '../context.js';
import type { CampaignRef, TimeWindowArgs } from '../domain.js';
import { loadCampaigns } from './campaignRefs.js';

/**
 * A figure of the default view is read from the campaign's loaded view when it carries it; a
 * windowed argument (or a figure the view leaves to a call of its own, Tencent loss reasons) goes
 * back to the vendor's loader, with the archive behind it.
 */
function figure<F extends ArchivedField>(
  campaign: CampaignRef,
  field: F,
  window: TimeWindowArgs,
  ctx: Context,
  live: () => Promise<Figures[F]>,
): Figures[F] | Promise<Figures[F]> {
  const carried = isDefaultWindow(window) ? campaign.view?.[field] : undefined;
  if (carried !== undefined) return carried as Figures[F];
  return ctx.archive ? ctx.archive.field(campaign.vendor, campaign.id, field, window, live) : live();
}

export const Campaign: CampaignResolvers = {
  // Federation entities go through the same per-request batching as `campaigns`.
  __resolveReference: (reference, ctx, info) => loadCampaigns(ctx, reference.vendor, [String(reference.id)], info)[0] ?? null,
  availability: (campaign, _args, ctx) => campaign.view?.availability ?? ctx.sources[campaign.vendor].availability(campaign.id),
  funnel: (campaign, window, ctx) =>
    figure(campaign, 'funnel', window, ctx, () => ctx.sources[campaign.vendor].funnel(campaign.id, window)),
  channels: (campaign, window, ctx) =>
    figure(campaign, 'channels', window, ctx, () => ctx.sources[campaign.vendor].channels(campaign.id, window)),
  lossReasons: (campaign, window, ctx) =>
    figure(campaign, 'lossReasons', window, ctx, () => ctx.sources[campaign.vendor].lossReasons(campaign.id, window)),
  sms: (campaign, _args, ctx) => figure(campaign, 'sms', {}, ctx, () => ctx.sources[campaign.vendor].sms(campaign.id)),
  asOf: (campaign) => (campaign.view?.asOf !== undefined ? new Date(campaign.view.asOf).toISOString() : null),
  history: (campaign, bounds, ctx) => ctx.archive?.history(campaign.vendor, campaign.id, bounds) ?? [],
};
