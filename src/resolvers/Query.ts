import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { DEFAULT_APP } from '../apps.js';
import type { CampaignRef } from '../domain.js';
import { badUserInput } from '../errors.js';
import { loadCampaigns } from './campaignRefs.js';

// Each field names its app (omitted = `default`); the app's source is taken first, so an unknown
// app is BAD_USER_INPUT before any other check and any vendor call.
export const Query: QueryResolvers = {
  campaign: (_parent, { vendor, id, app }, ctx, info) => loadCampaigns(ctx, vendor, app, [id], info)[0] ?? null,
  campaigns: (_parent, { vendor, ids, app }, ctx, info) => {
    const loading = loadCampaigns(ctx, vendor, app, ids, info);
    if (ids.length === 0) throw badUserInput('ids must not be empty', 'ids');
    // graphql-js resolves list items one by one, so each id may fail alone.
    return loading as unknown as Array<CampaignRef | null>;
  },
  deliveryStatus: (_parent, { msgId, registrationIds, date, app }, ctx) =>
    ctx.sources.JPUSH(app ?? DEFAULT_APP).deliveryStatus(msgId, registrationIds, date),
  deviceTrace: (_parent, { taskId, userId, app }, ctx) => ctx.sources.TENCENT(app ?? DEFAULT_APP).deviceTrace(taskId, userId),
  userMetrics: (_parent, { timeUnit, start, duration, app }, ctx) =>
    ctx.sources.JPUSH(app ?? DEFAULT_APP).userMetrics(timeUnit, start, duration),
};
