import type { CampaignInput, MutationResolvers } from '../__generated__/resolvers-types.js';
import { appKey } from '../archive/store.js';
import type { CampaignRef, Vendor } from '../domain.js';
import { archiveUnavailable } from '../errors.js';
import { resolveApp } from './app.js';
import { loadCampaignInputs } from './campaignInputs.js';

/** The ids of each vendor app, in the order each first appears (the same id in two apps is two campaigns). */
function groupByVendorApp(inputs: readonly CampaignInput[]): Array<{ vendor: Vendor; app: string; ids: string[] }> {
  const groups = new Map<string, { vendor: Vendor; app: string; ids: string[] }>();
  for (const input of inputs) {
    const app = resolveApp(input.vendor, input.app);
    const group = groups.get(appKey(input.vendor, app)) ?? { vendor: input.vendor, app, ids: [] };
    groups.set(appKey(input.vendor, app), group);
    group.ids.push(input.id);
  }
  return [...groups.values()];
}

export const Mutation: MutationResolvers = {
  trackCampaigns: async (_parent, { campaigns }, ctx, info) => {
    const archive = ctx.archive;
    if (!archive) throw archiveUnavailable();
    const refs = loadCampaignInputs(ctx, campaigns, info, 'campaigns');
    // On the schedule first: a campaign the vendor does not know yet is still followed from now.
    await Promise.all(groupByVendorApp(campaigns).map(({ vendor, app, ids }) => archive.track(vendor, app, ids)));
    // One promise per campaign, as `campaigns`: a failing id nulls its own entry, not the list.
    return refs.map(async (loading): Promise<CampaignRef | null> => {
      const ref = await loading;
      if (!ref) return null;
      // What the vendor already has, through the archive-decorated source: fetched once, archived.
      const source = ctx.sources[ref.vendor];
      await Promise.allSettled([
        source.funnel(ref.id, {}),
        source.channels(ref.id, {}),
        source.lossReasons(ref.id, {}),
        source.sms(ref.id),
      ]);
      return ref;
    }) as unknown as Array<CampaignRef | null>;
  },
};
