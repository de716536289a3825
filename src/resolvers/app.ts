import { DEFAULT_APP } from '../apps.js';
import type { Context } from '../context.js';
import { VENDORS } from '../datasources/index.js';
import type { Vendor } from '../domain.js';
import { unknownApp } from '../errors.js';

/**
 * The app a campaign argument names (omitted = `default`), refused before any vendor call when the
 * vendor has no such app. `vendor` is null for a listing across vendors (recentCampaigns without
 * a vendor): then any vendor's app of that name will do.
 */
export function resolveApp(ctx: Context, vendor: Vendor | null, app: string | null | undefined): string {
  const name = app ?? DEFAULT_APP;
  const known = vendor ? ctx.knowsApp(vendor, name) : VENDORS.some((each) => ctx.knowsApp(each, name));
  if (!known) throw unknownApp(name, vendor ?? undefined);
  return name;
}
