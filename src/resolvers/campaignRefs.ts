import type { Context } from '../context.js';
import { VENDORS } from '../datasources/index.js';
import type { CampaignRef, Vendor } from '../domain.js';
import { badUserInput } from '../errors.js';

function isVendor(value: unknown): value is Vendor {
  return VENDORS.includes(value as Vendor);
}

/**
 * Checks every id before any vendor call, then asks the vendor's per-request source. Returns one
 * promise per id on purpose: a failing id (or batch) nulls its own entries, not the whole list.
 */
export function loadCampaigns(ctx: Context, vendor: unknown, ids: readonly string[]): Array<Promise<CampaignRef | null>> {
  if (!isVendor(vendor)) throw badUserInput(`Unknown vendor "${String(vendor)}"`, 'vendor');
  const source = ctx.sources[vendor];
  for (const id of ids) source.validateId(id);
  return ids.map((id) => source.campaign(id));
}
