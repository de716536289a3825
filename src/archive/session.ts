import DataLoader from 'dataloader';
import type { CampaignHistoryArgs, CampaignSnapshot } from '../__generated__/resolvers-types.js';
import type { CampaignSource } from '../datasources/vendor.js';
import type { CampaignRef, DataAvailability, TimeWindowArgs, Vendor } from '../domain.js';
import { badUserInput } from '../errors.js';
import type { Archive, ArchivedView } from './index.js';
import { hasShorterRetention, isPastRetention } from './retention.js';
import { isDefaultWindow, setFigure, type ArchivedField, type Figures, type PartialFigures } from './figures.js';
import type { CampaignMeta, RecentCampaign, RecentFilter, SnapshotRecord } from './store.js';

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

/** A loader per vendor, made on first use: one request's ids of one vendor share one store query. */
function perVendor<V>(
  load: (vendor: Vendor, ids: readonly string[]) => Promise<Map<string, V>>,
): (vendor: Vendor, id: string) => Promise<V | undefined> {
  const loaders = new Map<Vendor, DataLoader<string, V | undefined>>();
  return (vendor, id) => {
    let loader = loaders.get(vendor);
    if (!loader) {
      loader = new DataLoader<string, V | undefined>(async (ids) => {
        const found = await load(vendor, ids);
        return ids.map((key) => found.get(key));
      });
      loaders.set(vendor, loader);
    }
    return loader.load(id);
  };
}

/**
 * One request's view of the archive. {@link wrap} decorates a vendor's CampaignSource, knowing
 * nothing of the vendor: it records what the vendor answers for the default view, answers from
 * the archive when the vendor no longer knows a campaign (or when the archive knows the campaign
 * is past the vendor's retention, without asking the vendor), and passes everything else through.
 */
export class ArchiveSession {
  /** Campaigns of this request answered from the archive. */
  private readonly archived = new Map<string, ArchivedView>();
  /** Default-view figures of this request's live campaigns, until all asked have answered. */
  private readonly collecting = new Map<string, { figures: PartialFigures; at: number; open: number }>();
  private readonly metaOf: (vendor: Vendor, id: string) => Promise<CampaignMeta | null | undefined>;
  private readonly viewOf: (vendor: Vendor, id: string) => Promise<ArchivedView | undefined>;
  private readonly historyLoader = new DataLoader<HistoryKey, CampaignSnapshot[], string>((keys) => this.loadHistory(keys), {
    cacheKeyFn: (query) => JSON.stringify([query.vendor, query.since, query.until, query.id]),
  });

  constructor(private readonly archive: Archive) {
    this.metaOf = perVendor((vendor, ids) => archive.meta(vendor, ids));
    this.viewOf = perVendor((vendor, ids) => archive.latest(vendor, ids));
  }

  /** `source` with the archive in front; its vendor-specific methods pass through untouched. */
  wrap<S extends CampaignSource>(vendor: Vendor, source: S): S {
    const decorated: CampaignSource = {
      validateId: (id) => source.validateId(id),
      campaign: (id) => this.campaign(vendor, source, id),
      availability: (id) => this.availability(vendor, source, id),
      funnel: (id, window) => this.field(vendor, id, 'funnel', window, () => source.funnel(id, window)),
      channels: (id, window) => this.field(vendor, id, 'channels', window, () => source.channels(id, window)),
      lossReasons: (id, window) => this.field(vendor, id, 'lossReasons', window, () => source.lossReasons(id, window)),
      sms: (id) => this.field(vendor, id, 'sms', {}, () => source.sms(id)),
    };
    return new Proxy(source, {
      get(target, property) {
        if (Object.hasOwn(decorated, property)) return Reflect.get(decorated, property);
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** When the archived figures of a campaign answered from the archive were fetched; null when live. */
  asOf(vendor: Vendor, id: string): string | null {
    const view = this.archived.get(key(vendor, id));
    return view ? new Date(view.asOf).toISOString() : null;
  }

  /** The campaign's snapshots within `since`/`until`, oldest first. */
  history(vendor: Vendor, id: string, args: CampaignHistoryArgs): Promise<CampaignSnapshot[]> {
    const since = instant(args.since, 'since');
    const until = instant(args.until, 'until');
    return this.historyLoader.load({ vendor, id, since, until });
  }

  /** Campaigns pushgraph has seen or been told about, newest first (recentCampaigns). */
  recent(filter: RecentFilter, limit: number): Promise<RecentCampaign[]> {
    return this.archive.recent(filter, limit);
  }

  /** Puts campaigns on the refresher's schedule (trackCampaigns). */
  track(vendor: Vendor, ids: readonly string[]): Promise<void> {
    return this.archive.track(vendor, ids);
  }

  private async campaign(vendor: Vendor, source: CampaignSource, id: string): Promise<CampaignRef | null> {
    const meta = await this.metaOf(vendor, id);
    if (meta && isPastRetention(vendor, meta.firstSeenAt, this.archive.now())) {
      const view = await this.viewOf(vendor, id);
      if (view) return this.answerArchived(vendor, id, view, 'expired');
    }
    const ref = await this.archive.live(vendor, () => source.campaign(id));
    const at = this.archive.now();
    if (ref) {
      this.archive.saw(vendor, id, at);
      return ref;
    }
    const view = await this.viewOf(vendor, id);
    if (!view) return null;
    this.archive.forgot(vendor, id, at);
    return this.answerArchived(vendor, id, view, 'forgotten');
  }

  private answerArchived(vendor: Vendor, id: string, view: ArchivedView, reason: 'expired' | 'forgotten'): CampaignRef {
    this.archived.set(key(vendor, id), view);
    this.archive.count(vendor, reason);
    return { vendor, id };
  }

  private availability(vendor: Vendor, source: CampaignSource, id: string): Promise<DataAvailability> {
    if (this.archived.has(key(vendor, id))) return Promise.resolve('ARCHIVED');
    return this.archive.live(vendor, () => source.availability(id));
  }

  /**
   * A figure of the default view comes from the archive when the campaign does, or when the vendor
   * drops that figure sooner than the campaign (Tencent loss reasons: 7 of 30 days) and the archive
   * has it. A custom window always goes to the vendor, whose own rules apply (Tencent refuses a
   * window past its retention as BAD_USER_INPUT): snapshots hold the default view only.
   */
  private async field<F extends ArchivedField>(
    vendor: Vendor,
    id: string,
    field: F,
    window: TimeWindowArgs,
    live: () => Promise<Figures[F]>,
  ): Promise<Figures[F]> {
    const defaultView = isDefaultWindow(window);
    if (defaultView) {
      const archived = this.archived.get(key(vendor, id));
      if (archived) return archived.figures[field] ?? null;
      if (hasShorterRetention(vendor, field)) {
        const meta = await this.metaOf(vendor, id);
        if (meta && isPastRetention(vendor, meta.firstSeenAt, this.archive.now(), field)) {
          const kept = (await this.viewOf(vendor, id))?.figures[field];
          if (kept !== undefined) {
            this.archive.count(vendor, 'expired');
            return kept;
          }
        }
      }
    }
    return defaultView ? this.recordField(vendor, id, field, live) : this.archive.live(vendor, live);
  }

  /**
   * Asks the vendor for a figure of the default view and collects the answer; once every figure
   * this request asked of the campaign has answered, they go to the archive as one snapshot.
   * (graphql-js starts all fields of an object in one pass, so none starts after the last settles.)
   */
  private async recordField<F extends ArchivedField>(
    vendor: Vendor,
    id: string,
    field: F,
    live: () => Promise<Figures[F]>,
  ): Promise<Figures[F]> {
    const campaign = key(vendor, id);
    const collected = this.collecting.get(campaign) ?? { figures: {}, at: 0, open: 0 };
    this.collecting.set(campaign, collected);
    collected.open += 1;
    try {
      const value = await this.archive.live(vendor, live);
      setFigure(collected.figures, field, value);
      collected.at = this.archive.now();
      return value;
    } finally {
      collected.open -= 1;
      if (collected.open === 0) {
        setImmediate(() => {
          if (collected.open > 0 || this.collecting.get(campaign) !== collected) return;
          this.collecting.delete(campaign);
          if (Object.keys(collected.figures).length > 0) this.archive.record(vendor, id, collected.figures, collected.at);
        });
      }
    }
  }

  private async loadHistory(queries: readonly HistoryKey[]): Promise<Array<CampaignSnapshot[] | Error>> {
    // Ids of one vendor asked with the same bounds share one query.
    const groupOf = (query: HistoryKey): string => JSON.stringify([query.vendor, query.since, query.until]);
    const groups = new Map<string, { vendor: Vendor; since: number | null; until: number | null; ids: string[] }>();
    for (const query of queries) {
      const group = groups.get(groupOf(query));
      if (group) group.ids.push(query.id);
      else groups.set(groupOf(query), { vendor: query.vendor, since: query.since, until: query.until, ids: [query.id] });
    }
    const answers = new Map<string, Map<string, SnapshotRecord[]> | Error>();
    await Promise.all(
      [...groups].map(async ([group, { vendor, since, until, ids }]) => {
        try {
          answers.set(group, await this.archive.history(vendor, ids, since, until));
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

interface HistoryKey {
  vendor: Vendor;
  id: string;
  since: number | null;
  until: number | null;
}

const key = (vendor: Vendor, id: string): string => `${vendor}\u0000${id}`;
