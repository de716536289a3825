import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import type { CampaignRef } from '../domain.js';
import { archiveUnavailable } from '../errors.js';
import { figureOf } from './campaignRefs.js';
import { groupByApp, loadCampaignInputs } from './campaignInputs.js';

export const Mutation: MutationResolvers = {
  trackCampaigns: async (_parent, { campaigns }, ctx, info) => {
    const archive = ctx.archive;
    if (!archive) throw archiveUnavailable();
    const refs = loadCampaignInputs(ctx, campaigns, info, 'campaigns');
    // On the schedule first: a campaign the vendor does not know yet is still followed from now.
    await Promise.all(groupByApp(ctx, campaigns).map(({ vendor, app, ids }) => archive.track(vendor, app, ids)));
    // One promise per campaign, as `campaigns`: a failing id nulls its own entry, not the list.
    return refs.map(async (loading): Promise<CampaignRef | null> => {
      const ref = await loading;
      if (!ref) return null;
      // What the vendor already has, through the archive tier: fetched once, archived.
      await Promise.allSettled(
        (['funnel', 'channels', 'lossReasons', 'sms'] as const).map(async (field) => figureOf(ctx, ref, field, {})),
      );
      return ref;
    }) as unknown as Array<CampaignRef | null>;
  },
};
