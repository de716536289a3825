import type { Vendor } from '../domain.js';
import { badUserInput } from '../errors.js';

/**
 * The app a campaign argument names: omitted = "default". Until multi-app support (issue 16) is
 * wired in, "default" is the only app, and any other is refused before a vendor call. `vendor` is
 * null for a listing across vendors (recentCampaigns without a vendor).
 */
export function resolveApp(_vendor: Vendor | null, app: string | null | undefined): string {
  const name = app ?? 'default';
  if (name !== 'default') throw badUserInput(`unknown app "${name}"`, 'app');
  return name;
}
