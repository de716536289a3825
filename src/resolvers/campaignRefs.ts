import { Kind, valueFromASTUntyped, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Context } from '../context.js';
import { VENDORS } from '../datasources/index.js';
import { isArchivedField, isDefaultWindow, type ArchivedField, type Figures } from '../archive/figures.js';
import type { CampaignSource, WindowedField } from '../datasources/vendor.js';
import type { CampaignRef, TimeWindowArgs, Vendor } from '../domain.js';
import { badUserInput } from '../errors.js';
import { DEFAULT_APP } from '../apps.js';

function isVendor(value: unknown): value is Vendor {
  return VENDORS.includes(value as Vendor);
}

/**
 * Checks the `since`/`until` of every windowed Campaign field the operation selects under this
 * field, so a bad window is refused before the campaign (and its vendor call) is loaded. Returns
 * the figures selected in their default view: those the archive records of this request.
 */
function selectedDefaultFigures(source: CampaignSource, info: GraphQLResolveInfo): Set<ArchivedField> {
  const defaults = new Set<ArchivedField>();
  const visit = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (!seen.has(name)) visit(info.fragments[name]?.selectionSet, new Set([...seen, name]));
      } else if (isArchivedField(selection.name.value)) {
        const field = selection.name.value;
        const window: TimeWindowArgs = {};
        for (const argument of selection.arguments ?? []) {
          const value = valueFromASTUntyped(argument.value, info.variableValues);
          if (argument.name.value === 'since' || argument.name.value === 'until') window[argument.name.value] = value as string | null;
        }
        if (field !== 'sms') source.validateWindow?.(field, window);
        if (isDefaultWindow(window)) defaults.add(field);
      }
    }
  };
  for (const fieldNode of info.fieldNodes) visit(fieldNode.selectionSet, new Set());
  return defaults;
}

/**
 * Checks the app, every id and every selected window before any vendor call, then asks the app's
 * per-request source, with the archive behind it. The campaigns carry their default view. Returns
 * one entry per id on purpose: a failing id (or batch) nulls its own entries, not the whole list;
 * an id the answer cache holds is its campaign itself, so a hot request waits on no promise.
 */
export function loadCampaigns(
  ctx: Context,
  vendor: unknown,
  app: string | null | undefined,
  ids: readonly string[],
  info: GraphQLResolveInfo,
): Array<CampaignRef | null | Promise<CampaignRef | null>> {
  if (!isVendor(vendor)) throw badUserInput(`Unknown vendor "${String(vendor)}"`, 'vendor');
  const appName = app ?? DEFAULT_APP;
  const source = ctx.sources[vendor](appName);
  for (const id of ids) source.validateId(id);
  const defaults = selectedDefaultFigures(source, info);
  const { archive } = ctx;
  // Vendor first; the archive answers for ids the vendor no longer knows (or is known to be past).
  return ids.map((id) => {
    if (archive) return archive.campaign(vendor, appName, source, id, defaults);
    const cached = source.cachedCampaign?.(id);
    return cached !== undefined ? cached : source.campaign(id);
  });
}

/**
 * A figure of the default view is read from the campaign's loaded view when it carries it; a
 * windowed argument (or a figure the view leaves to a call of its own, Tencent loss reasons) goes
 * back to the vendor's loader, with the archive behind it.
 */
export function figureOf<F extends ArchivedField>(
  ctx: Context,
  campaign: CampaignRef,
  field: F,
  window: TimeWindowArgs,
): Figures[F] | Promise<Figures[F]> {
  const carried = isDefaultWindow(window) ? campaign.view?.[field] : undefined;
  if (carried !== undefined) return carried as Figures[F];
  const source = ctx.sources[campaign.vendor](campaign.app);
  const live = (): Promise<Figures[F]> =>
    (field === 'sms' ? source.sms(campaign.id) : source[field as WindowedField](campaign.id, window)) as Promise<Figures[F]>;
  return ctx.archive ? ctx.archive.field(campaign.vendor, campaign.app, campaign.id, field, window, live) : live();
}
