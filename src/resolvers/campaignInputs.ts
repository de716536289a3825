import type { GraphQLResolveInfo } from 'graphql';
import type { CampaignInput } from '../__generated__/resolvers-types.js';
import type { Context } from '../context.js';
import type { CampaignRef, Vendor } from '../domain.js';
import { badUserInput } from '../errors.js';
import { resolveApp } from './app.js';
import { loadCampaigns } from './campaignRefs.js';

/** A list of CampaignInput grouped by vendor, in the order each vendor first appears. */
export function groupByVendor(inputs: readonly CampaignInput[]): Map<Vendor, string[]> {
  const groups = new Map<Vendor, string[]>();
  for (const input of inputs) groups.set(input.vendor, [...(groups.get(input.vendor) ?? []), input.id]);
  return groups;
}

/**
 * Checks every app and id of every vendor before any vendor call, then loads them through the
 * request's sources (batched with every other campaign of the operation). One promise per input, in order.
 */
export function loadCampaignInputs(
  ctx: Context,
  inputs: readonly CampaignInput[],
  info: GraphQLResolveInfo,
  argumentName: string,
): Array<Promise<CampaignRef | null>> {
  if (inputs.length === 0) throw badUserInput(`${argumentName} must not be empty`, argumentName);
  for (const input of inputs) {
    resolveApp(input.vendor, input.app);
    ctx.sources[input.vendor].validateId(input.id);
  }
  const loaded = new Map<Vendor, Array<Promise<CampaignRef | null>>>();
  for (const [vendor, ids] of groupByVendor(inputs)) loaded.set(vendor, loadCampaigns(ctx, vendor, ids, info));
  const next = new Map<Vendor, number>();
  return inputs.map((input) => {
    const index = next.get(input.vendor) ?? 0;
    next.set(input.vendor, index + 1);
    return loaded.get(input.vendor)?.[index] ?? Promise.resolve(null);
  });
}
