import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { CampaignRef } from '../domain.js';
import { badUserInput } from '../errors.js';
import { loadCampaigns } from './campaignRefs.js';

export const Query: QueryResolvers = {
  campaign: (_parent, { vendor, id }, ctx, info) => loadCampaigns(ctx, vendor, [id], info)[0] ?? null,
  campaigns: (_parent, { vendor, ids }, ctx, info) => {
    if (ids.length === 0) throw badUserInput('ids must not be empty', 'ids');
    // graphql-js resolves list items one by one, so each id may fail alone.
    return loadCampaigns(ctx, vendor, ids, info) as unknown as Array<CampaignRef | null>;
  },
  deliveryStatus: (_parent, { msgId, registrationIds, date }, ctx) => ctx.sources.JPUSH.deliveryStatus(msgId, registrationIds, date),
  deviceTrace: (_parent, { taskId, userId }, ctx) => ctx.sources.TENCENT.deviceTrace(taskId, userId),
  userMetrics: (_parent, { timeUnit, start, duration }, ctx) => ctx.sources.JPUSH.userMetrics(timeUnit, start, duration),
};
