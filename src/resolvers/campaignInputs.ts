import type { GraphQLResolveInfo } from 'graphql';
import type { CampaignInput } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import type { CampaignRef, Vendor } from '../domain.js';
import { badUserInput } from '../errors.js';
import { resolveApp } from './app.js';
import { loadCampaigns } from './campaignRefs.js';

export interface AppCampaigns {
  vendor: Vendor;
  app: string;
  ids: string[];
}

/** A list of CampaignInput grouped by vendor and app, in the order each first appears. */
export function groupByApp(ctx: Context, inputs: readonly CampaignInput[]): AppCampaigns[] {
  const groups = new Map<string, AppCampaigns>();
  for (const input of inputs) {
    const app = resolveApp(ctx, input.vendor, input.app);
    const key = `${input.vendor}/${app}`;
    const group = groups.get(key) ?? { vendor: input.vendor, app, ids: [] };
    group.ids.push(input.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Checks every app and id before any vendor call, then loads them through the request's sources
 * (batched per app with every other campaign of the operation). One entry per input, in order
 * (a campaign itself when the answer cache holds it, as {@link loadCampaigns}).
 */
export function loadCampaignInputs(
  ctx: Context,
  inputs: readonly CampaignInput[],
  info: GraphQLResolveInfo,
  argumentName: string,
): Array<CampaignRef | null | Promise<CampaignRef | null>> {
  if (inputs.length === 0) throw badUserInput(`${argumentName} must not be empty`, argumentName);
  const groups = groupByApp(ctx, inputs);
  for (const { vendor, app, ids } of groups) for (const id of ids) ctx.sources[vendor](app).validateId(id);
  const loaded = new Map(groups.map((group) => [`${group.vendor}/${group.app}`, loadCampaigns(ctx, group.vendor, group.app, group.ids, info)]));
  const next = new Map<string, number>();
  return inputs.map((input) => {
    const key = `${input.vendor}/${resolveApp(ctx, input.vendor, input.app)}`;
    const index = next.get(key) ?? 0;
    next.set(key, index + 1);
    return loaded.get(key)?.[index] ?? null;
  });
}
