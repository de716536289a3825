import DataLoader from 'dataloader';
import type { CampaignHistoryArgs, CampaignSnapshot } from '../__generated__/resolvers-types.js';
import type { CampaignSource } from '../datasources/vendor.js';
import type { CampaignRef, TimeWindowArgs, Vendor } from '../domain.js';
import { badUserInput } from '../errors.js';
import type { Archive, ArchivedView } from './index.js';
import { hasShorterRetention } from './retention.js';
import { isDefaultWindow, setFigure, type ArchivedField, type Figures, type PartialFigures } from './figures.js';
import { appKey, campaignKey, type RecentCampaign, type RecentFilter, type SnapshotRecord } from './store.js';

// A date (UTC midnight) or a date-time with its zone (`2025-03-01`, `2025-03-01T08:00:00+08:00`):
// a bare local time would depend on the server's zone.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export function instant(text: string | null | undefined, argumentName: 'since' | 'until'): number | null {
  if (text === null || text === undefined) return null;
  const ms = ISO_8601.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(ms))
    throw badUserInput(`${argumentName} must be an ISO-8601 date or a date-time with a time zone, e.g. 2025-03-01T00:00:00Z`, argumentName);
  return ms;
}

/** A loader per vendor app, made on first use: one request's ids of one vendor app share one store query. */
function perVendorApp<V>(
  load: (vendor: Vendor, app: string, ids: readonly string[]) => Promise<Map<string, V>>,
): (vendor: Vendor, app: string, id: string) => Promise<V | undefined> {
  const loaders = new Map<string, DataLoader<string, V | undefined>>();
  return (vendor, app, id) => {
    let loader = loaders.get(appKey(vendor, app));
    if (!loader) {
      loader = new DataLoader<string, V | undefined>(async (ids) => {
        const found = await load(vendor, app, ids);
        return ids.map((key) => found.get(key));
      });
      loaders.set(appKey(vendor, app), loader);
    }
    return loader.load(id);
  };
}

/**
 * One request's view of the archive, the tier behind the vendors: {@link campaign} asks the vendor
 * first and reads the store only when the vendor does not know an id (or the campaign is known, in
 * memory, to be past the vendor's retention); what the vendor answers for the default view is
 * handed to the archive's write queue, off the request path.
 */
export class ArchiveSession {
  /** Default-view figures of this request's live campaigns, until all asked have answered. */
  private readonly collecting = new Map<string, Collected>();
  /** Campaigns whose figures have all answered, handed to the archive on the next turn. */
  private closed: Array<{ vendor: Vendor; app: string; id: string; collected: Collected }> = [];
  private readonly viewOf: (vendor: Vendor, app: string, id: string) => Promise<ArchivedView | undefined>;
  private readonly historyLoader = new DataLoader<HistoryKey, CampaignSnapshot[], string>((keys) => this.loadHistory(keys), {
    cacheKeyFn: (query) => JSON.stringify([query.vendor, query.app, query.since, query.until, query.id]),
  });

  constructor(private readonly archive: Archive) {
    this.viewOf = perVendorApp((vendor, app, ids) => archive.latest(vendor, app, ids));
  }

  /**
   * The campaign with its default view: from the vendor, or from the archive once the vendor is
   * past it. `selected`: the figures the operation reads in their default view, the snapshot's.
   */
  campaign(
    vendor: Vendor,
    app: string,
    source: CampaignSource,
    id: string,
    selected: ReadonlySet<ArchivedField>,
  ): CampaignRef | null | Promise<CampaignRef | null> {
    const ask: CampaignAsk = { vendor, app, source, id, selected };
    if (this.archive.isKnownPastRetention(vendor, app, id)) return this.pastRetention(ask);
    // A campaign in this process's answer cache answers without a promise (a hot request is synchronous).
    const cached = source.cachedCampaign?.(id);
    return cached ? this.answered(vendor, app, cached, selected) : this.fromVendor(ask);
  }

  private async pastRetention(ask: CampaignAsk): Promise<CampaignRef | null> {
    const view = await this.viewOf(ask.vendor, ask.app, ask.id);
    return view ? this.answerArchived(ask.vendor, ask.app, ask.id, view, 'expired') : this.fromVendor(ask);
  }

  private async fromVendor({ vendor, app, source, id, selected }: CampaignAsk): Promise<CampaignRef | null> {
    const ref = await this.archive.live(vendor, app, () => source.campaign(id));
    if (ref) return this.answered(vendor, app, ref, selected);
    const view = await this.viewOf(vendor, app, id);
    if (!view) return null;
    this.archive.forgot(vendor, app, id, this.archive.now());
    return this.answerArchived(vendor, app, id, view, 'forgotten');
  }

  /** The vendor knows the campaign: the archive learns of it, and of the figures this request selected. */
  private answered(vendor: Vendor, app: string, ref: CampaignRef, selected: ReadonlySet<ArchivedField>): CampaignRef {
    const at = this.archive.now();
    this.archive.saw(vendor, app, ref.id, at);
    const { view } = ref;
    if (view) {
      const figures: PartialFigures = {};
      for (const field of selected) if (view[field] !== undefined) setFigure(figures, field, view[field]);
      this.collect(vendor, app, ref.id, figures, at);
    }
    return ref;
  }

  private answerArchived(vendor: Vendor, app: string, id: string, view: ArchivedView, reason: 'expired' | 'forgotten'): CampaignRef {
    this.archive.count(vendor, reason);
    const { funnel = null, channels = null, sms = null, lossReasons = null } = view.figures;
    return { vendor, app, id, view: { availability: 'ARCHIVED', funnel, channels, sms, lossReasons, asOf: view.asOf } };
  }

  /**
   * A figure the campaign's view does not carry (Tencent loss reasons) or a custom window. The
   * default view comes from the archive when the vendor drops that figure sooner than the campaign
   * (Tencent loss reasons: 7 of 30 days) and the archive has it. A custom window always goes to the
   * vendor, whose own rules apply: snapshots hold the default view only.
   */
  async field<F extends ArchivedField>(
    vendor: Vendor,
    app: string,
    id: string,
    field: F,
    window: TimeWindowArgs,
    live: () => Promise<Figures[F]>,
  ): Promise<Figures[F]> {
    if (!isDefaultWindow(window)) return this.archive.live(vendor, app, live);
    if (hasShorterRetention(vendor, field) && this.archive.isKnownPastRetention(vendor, app, id, field)) {
      const kept = (await this.viewOf(vendor, app, id))?.figures[field];
      if (kept !== undefined) {
        this.archive.count(vendor, 'expired');
        return kept;
      }
    }
    const collected = this.open(campaignKey(vendor, app, id));
    try {
      const value = await this.archive.live(vendor, app, live);
      setFigure(collected.figures, field, value);
      collected.at = this.archive.now();
      return value;
    } finally {
      this.close(vendor, app, id, collected);
    }
  }

  private collect(vendor: Vendor, app: string, id: string, figures: PartialFigures, at: number): void {
    const collected = this.open(campaignKey(vendor, app, id));
    Object.assign(collected.figures, figures);
    collected.at = Math.max(collected.at, at);
    this.close(vendor, app, id, collected);
  }

  private open(campaign: string): Collected {
    const collected = this.collecting.get(campaign) ?? { figures: {}, at: 0, open: 0 };
    this.collecting.set(campaign, collected);
    collected.open += 1;
    return collected;
  }

  /**
   * Once every figure this request asked of the campaign has answered, they go to the archive as
   * one snapshot. (graphql-js starts all fields of an object in one pass, so none starts after the
   * last settles.)
   */
  private close(vendor: Vendor, app: string, id: string, collected: Collected): void {
    collected.open -= 1;
    if (collected.open > 0) return;
    // One turn for all the campaigns closed in this one (a request's hundred share it).
    if (this.closed.length === 0) setImmediate(() => this.handOver());
    this.closed.push({ vendor, app, id, collected });
  }

  private handOver(): void {
    const closed = this.closed;
    this.closed = [];
    for (const { vendor, app, id, collected } of closed) {
      const campaign = campaignKey(vendor, app, id);
      if (collected.open > 0 || this.collecting.get(campaign) !== collected) continue;
      this.collecting.delete(campaign);
      if (Object.keys(collected.figures).length > 0) this.archive.record(vendor, app, id, collected.figures, collected.at);
    }
  }

  /** The campaign's snapshots within `since`/`until`, oldest first. */
  history(vendor: Vendor, app: string, id: string, args: CampaignHistoryArgs): Promise<CampaignSnapshot[]> {
    const since = instant(args.since, 'since');
    const until = instant(args.until, 'until');
    return this.historyLoader.load({ vendor, app, id, since, until });
  }

  /** Campaigns pushgraph has seen or been told about, newest first (recentCampaigns). */
  recent(filter: RecentFilter, limit: number): Promise<RecentCampaign[]> {
    return this.archive.recent(filter, limit);
  }

  /** Puts campaigns on the refresher's schedule (trackCampaigns). */
  track(vendor: Vendor, app: string, ids: readonly string[]): Promise<void> {
    return this.archive.track(vendor, app, ids);
  }

  private async loadHistory(queries: readonly HistoryKey[]): Promise<Array<CampaignSnapshot[] | Error>> {
    // Ids of one vendor app asked with the same bounds share one query.
    const groupOf = (query: HistoryKey): string => JSON.stringify([query.vendor, query.app, query.since, query.until]);
    const groups = new Map<string, { vendor: Vendor; app: string; since: number | null; until: number | null; ids: string[] }>();
    for (const query of queries) {
      const group = groups.get(groupOf(query));
      if (group) group.ids.push(query.id);
      else groups.set(groupOf(query), { vendor: query.vendor, app: query.app, since: query.since, until: query.until, ids: [query.id] });
    }
    const answers = new Map<string, Map<string, SnapshotRecord[]> | Error>();
    await Promise.all(
      [...groups].map(async ([group, { vendor, app, since, until, ids }]) => {
        try {
          answers.set(group, await this.archive.history(vendor, app, ids, since, until));
        } catch (error) {
          answers.set(group, error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
    return queries.map((query) => {
      const answer = answers.get(groupOf(query));
      if (answer instanceof Error) return answer;
      return (answer?.get(query.id) ?? []).map((snapshot) => ({
        fetchedAt: new Date(snapshot.fetchedAt).toISOString(),
        funnel: snapshot.figures.funnel ?? null,
        channels: snapshot.figures.channels ?? null,
        lossReasons: snapshot.figures.lossReasons ?? null,
        sms: snapshot.figures.sms ?? null,
      }));
    });
  }
}

/** One campaign a request asks, with the figures it selects in their default view. */
interface CampaignAsk {
  vendor: Vendor;
  app: string;
  source: CampaignSource;
  id: string;
  selected: ReadonlySet<ArchivedField>;
}

interface Collected {
  figures: PartialFigures;
  at: number;
  /** Figures asked and not yet answered. */
  open: number;
}

interface HistoryKey {
  vendor: Vendor;
  app: string;
  id: string;
  since: number | null;
  until: number | null;
}
