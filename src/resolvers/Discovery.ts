import { z } from 'zod/v4';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { instant } from '../archive/session.js';
import type { RecentCampaign } from '../archive/store.js';
import { VENDORS } from '../datasources/index.js';
import type { CampaignRef } from '../domain.js';
import { archiveUnavailable, badUserInput } from '../errors.js';
import { summarizeCampaigns, type CampaignFigures } from '../summary.js';
import { resolveApp } from './app.js';
import { loadCampaignInputs } from './campaignInputs.js';
import { figureOf } from './campaignRefs.js';

const MAX_PAGE = 200;

/** The cursor's position: (first_seen_at, vendor, app, id). */
const Position = z.tuple([z.number().int(), z.enum(VENDORS), z.string(), z.string()]);

function encodeCursor(campaign: RecentCampaign): string {
  return Buffer.from(JSON.stringify([campaign.firstSeenAt, campaign.vendor, campaign.app, campaign.id])).toString('base64url');
}

function decodeCursor(cursor: string): RecentCampaign {
  try {
    const [firstSeenAt, vendor, app, id] = Position.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { firstSeenAt, vendor, app, id };
  } catch {
    throw badUserInput('after is not a cursor of recentCampaigns', 'after');
  }
}

type DiscoveryResolvers = Pick<QueryResolvers, 'recentCampaigns' | 'campaignSummary'>;

export const Discovery: DiscoveryResolvers = {
  recentCampaigns: async (_parent, { vendor, app, since, first, after }, ctx) => {
    const limit = first ?? 50;
    if (limit < 0 || limit > MAX_PAGE) throw badUserInput(`first must be between 0 and ${MAX_PAGE}`, 'first');
    const appName = resolveApp(ctx, vendor ?? null, app);
    const from = instant(since, 'since');
    const position = after ? decodeCursor(after) : undefined;
    if (!ctx.archive) throw archiveUnavailable();
    // Without `app`, every app's campaigns are listed, each with its own app.
    const filter = { vendor: vendor ?? undefined, app: app == null ? undefined : appName, since: from ?? undefined, after: position };
    // One more than asked tells whether another page follows.
    const found = await ctx.archive.recent(filter, limit + 1);
    const edges: Array<{ cursor: string; node: CampaignRef }> = found.slice(0, limit).map((campaign) => ({
      cursor: encodeCursor(campaign),
      node: { vendor: campaign.vendor, app: campaign.app, id: campaign.id },
    }));
    return { edges, pageInfo: { hasNextPage: found.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
  },

  campaignSummary: async (_parent, { campaigns }, ctx, info) => {
    const refs = loadCampaignInputs(ctx, campaigns, info, 'campaigns');
    // The sources' loaders batch these with each other and with the rest of the operation.
    const answered = await Promise.all(
      refs.map(async (loading): Promise<CampaignFigures | null> => {
        const ref = await loading;
        if (!ref) return null;
        // The default view the campaign carries (live or archived); Tencent loss reasons load on their own.
        const [funnel, channels, lossReasons] = await Promise.all([
          figureOf(ctx, ref, 'funnel', {}),
          figureOf(ctx, ref, 'channels', {}),
          figureOf(ctx, ref, 'lossReasons', {}),
        ]);
        return { funnel, channels, lossReasons };
      }),
    );
    return summarizeCampaigns(
      campaigns.length,
      answered.filter((figures) => figures !== null),
    );
  },
};
