// Finding campaigns without pasting ids (recentCampaigns), and the selection as a whole from the
// server's one normalized summary (campaignSummary), across vendors.
import type { GraphQLClient } from './api.js';
import { defaultVendorApps, type VendorApps } from './apps.js';
import { h, replace, uid } from './dom.js';
import { formatDateTime } from './format.js';
import {
  aggregateChannels,
  DEFAULT_APP,
  rankLossReasons,
  singleFunnel,
  VENDOR_LABEL,
  vendorAppLabel,
  VENDORS,
  type ChannelStat,
  type Funnel,
  type LossReason,
  type Vendor,
} from './model.js';
import { TableView } from './table-view.js';
import { channelTotalsTable, errorText, funnelTable, lossTable } from './tables.js';

/** A campaign as recentCampaigns lists it and campaignSummary takes it (a CampaignInput). */
export interface RecentCampaign {
  vendor: Vendor;
  app: string;
  id: string;
}

export interface RecentPage {
  campaigns: RecentCampaign[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface RecentFilter {
  vendor: Vendor | null;
  app: string | null;
  /** YYYY-MM-DD: first seen on or after that day (UTC). */
  since: string | null;
}

const RECENT_QUERY = `query RecentCampaigns($vendor: Vendor, $app: String, $since: String, $first: Int, $after: String) {
  recentCampaigns(vendor: $vendor, app: $app, since: $since, first: $first, after: $after) {
    edges { node { vendor app id } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const SUMMARY_QUERY = `query CampaignSummary($campaigns: [CampaignInput!]!) {
  campaignSummary(campaigns: $campaigns) {
    campaigns withFigures
    funnel { target sent received displayed clicked dismissed }
    channels { channel platform messageType eventType target sent received displayed clicked }
    lossReasons { stage errorCode count description channel eventType }
  }
}`;

export const PAGE_SIZE = 50;

type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

export async function loadRecent(client: GraphQLClient, filter: RecentFilter, after: string | null): Promise<Answer<RecentPage>> {
  const answer = await client.request<{
    recentCampaigns: { edges: Array<{ node: RecentCampaign }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  }>(RECENT_QUERY, { ...filter, first: PAGE_SIZE, after });
  const page = answer.data?.recentCampaigns;
  if (!page) return { ok: false, message: answer.errors.map((error) => errorText(error.error)).join('; ') || 'No answer' };
  return { ok: true, value: { campaigns: page.edges.map((edge) => edge.node), ...page.pageInfo } };
}

export interface CampaignSummary {
  campaigns: number;
  withFigures: number;
  funnel: Funnel | null;
  channels: ChannelStat[];
  lossReasons: LossReason[];
}

export async function loadSummary(
  client: GraphQLClient,
  campaigns: readonly RecentCampaign[],
  signal?: AbortSignal,
): Promise<Answer<CampaignSummary>> {
  const answer = await client.request<{ campaignSummary: CampaignSummary }>(SUMMARY_QUERY, { campaigns }, signal);
  const summary = answer.data?.campaignSummary;
  if (!summary) return { ok: false, message: answer.errors.map((error) => errorText(error.error)).join('; ') || 'No answer' };
  return { ok: true, value: summary };
}

/**
 * The recent campaigns panel: filters, a search box over the listed ids, checkboxes and pages.
 * "Add to selection" hands the checked ids to the form, so paste, upload and links work as before.
 */
export class RecentView {
  readonly root: HTMLElement;
  private readonly vendor = h('select', { id: uid('recent-vendor') });
  private readonly app = h('select', { id: uid('recent-app') });
  private readonly appField: HTMLElement;
  private apps: VendorApps = defaultVendorApps();
  private readonly since = h('input', { id: uid('recent-since'), type: 'date' });
  private readonly search = h('input', { id: uid('recent-search'), type: 'search', autocomplete: 'off', spellcheck: 'false' });
  private readonly status = h('p', { class: 'muted', role: 'status' });
  private readonly list = h('tbody');
  private readonly next = h('button', { type: 'button' }, 'Next page');
  private readonly firstPage = h('button', { type: 'button' }, 'First page');
  private readonly add = h('button', { type: 'button', class: 'primary' }, 'Add checked to the selection');
  private readonly checked = new Map<string, RecentCampaign>();
  private page: RecentPage | null = null;
  private pageNumber = 1;
  private cursors: Array<string | null> = [null];

  constructor(
    private readonly client: GraphQLClient,
    private readonly onAdd: (campaigns: RecentCampaign[]) => void,
  ) {
    this.vendor.append(
      h('option', { value: '' }, 'All vendors'),
      ...VENDORS.map((vendor) => h('option', { value: vendor }, VENDOR_LABEL[vendor])),
    );
    const field = (label: string, input: HTMLElement): HTMLElement =>
      h('div', { class: 'recent-field' }, h('label', { for: input.id }, label), input);
    this.appField = field('App', this.app);
    this.showApps();
    const headingId = uid('recent');
    this.root = h(
      'section',
      { class: 'recent', 'aria-labelledby': headingId, 'data-view': 'recent-campaigns' },
      h('h3', { id: headingId }, 'Recent campaigns'),
      h(
        'div',
        { class: 'recent-filters' },
        field('Vendor', this.vendor),
        this.appField,
        field('First seen since', this.since),
        field('Search by id', this.search),
      ),
      this.status,
      h(
        'table',
        { class: 'recent-table' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, 'Pick'), h('th', { scope: 'col' }, 'Vendor'), h('th', { scope: 'col' }, 'Campaign id')),
        ),
        this.list,
      ),
      h('div', { class: 'actions' }, this.add, this.firstPage, this.next),
    );
    this.vendor.addEventListener('change', () => {
      this.showApps();
      void this.reload();
    });
    for (const input of [this.app, this.since]) input.addEventListener('change', () => void this.reload());
    this.search.addEventListener('input', () => this.render());
    this.next.addEventListener('click', () => void this.show(this.pageNumber + 1));
    this.firstPage.addEventListener('click', () => void this.show(1));
    this.add.addEventListener('click', () => {
      if (this.checked.size > 0) this.onAdd([...this.checked.values()]);
    });
  }

  /** The server's apps (from /health): the App filter lists those of the chosen vendor. */
  setApps(apps: VendorApps): void {
    this.apps = apps;
    this.showApps();
  }

  /**
   * The chosen vendor's apps, default first; no App filter across vendors (an app belongs to one
   * vendor) nor for a vendor with one app. The choice stays where the vendor still has that app.
   */
  private showApps(): void {
    const vendor = this.vendor.value as Vendor | '';
    const names = vendor ? this.apps[vendor] : [DEFAULT_APP];
    const chosen = names.includes(this.app.value) ? this.app.value : DEFAULT_APP;
    replace(this.app, ...names.map((name) => h('option', { value: name }, name)));
    this.app.value = chosen;
    this.appField.hidden = names.length < 2;
  }

  private get filter(): RecentFilter {
    const vendor = (this.vendor.value || null) as Vendor | null;
    return {
      vendor,
      app: vendor ? this.app.value : null,
      since: this.since.value ? `${this.since.value}T00:00:00Z` : null,
    };
  }

  /** Back to the first page of the current filter. */
  reload(): Promise<void> {
    this.cursors = [null];
    return this.show(1);
  }

  private async show(pageNumber: number): Promise<void> {
    this.status.textContent = 'Loading recent campaigns…';
    const answer = await loadRecent(this.client, this.filter, this.cursors[pageNumber - 1] ?? null);
    if (!answer.ok) {
      this.page = null;
      this.status.textContent = `Recent campaigns could not be listed: ${answer.message}`;
      this.render();
      return;
    }
    // A report reads one app per vendor: listing another app of a vendor starts its picks over,
    // so "Add" never hands the form two apps of one vendor. Across vendors the list is the default apps'.
    const { vendor, app } = this.filter;
    for (const [key, picked] of this.checked) {
      if ((vendor === null || picked.vendor === vendor) && picked.app !== (app ?? DEFAULT_APP)) this.checked.delete(key);
    }
    this.page = answer.value;
    this.pageNumber = pageNumber;
    this.cursors[pageNumber] = answer.value.endCursor;
    this.status.textContent =
      answer.value.campaigns.length === 0
        ? 'No campaigns seen yet for this filter.'
        : `Page ${pageNumber}, newest first (as of ${formatDateTime(Date.now())}).`;
    this.render();
  }

  private render(): void {
    const term = this.search.value.trim();
    const shown = (this.page?.campaigns ?? []).filter((campaign) => campaign.id.includes(term));
    replace(
      this.list,
      ...shown.map((campaign) => {
        const key = JSON.stringify([campaign.vendor, campaign.app, campaign.id]);
        const label = vendorAppLabel(campaign.vendor, campaign.app);
        const box = h('input', { type: 'checkbox', 'aria-label': `Pick ${label} ${campaign.id}` });
        box.checked = this.checked.has(key);
        box.addEventListener('change', () => (box.checked ? this.checked.set(key, campaign) : this.checked.delete(key)));
        // One page lists one app per vendor, so vendor and id name its row.
        return h(
          'tr',
          { 'data-campaign': `${campaign.vendor}:${campaign.id}` },
          h('td', {}, box),
          h('td', {}, label),
          h('td', {}, campaign.id),
        );
      }),
    );
    this.next.disabled = !this.page?.hasNextPage;
    this.firstPage.disabled = this.pageNumber === 1;
  }
}

/** The selection as a whole, every vendor together, as the server sums it (campaignSummary). */
export class SelectionSummaryView {
  readonly root: HTMLElement;
  private readonly status = h('p', { class: 'muted', role: 'status' }, 'Summing the selection…');
  private readonly funnel = new TableView();
  private readonly channels = new TableView();
  private readonly losses = new TableView();

  constructor() {
    const headingId = uid('all');
    this.root = h(
      'section',
      { class: 'selection-summary', 'aria-labelledby': headingId, 'data-view': 'selection-summary' },
      h('h3', { id: headingId }, 'All vendors together'),
      this.status,
      this.funnel.root,
      this.channels.root,
      this.losses.root,
    );
  }

  update(answer: Answer<CampaignSummary>): void {
    if (!answer.ok) {
      this.status.className = 'error';
      this.status.textContent = `The selection could not be summed: ${answer.message}`;
      return;
    }
    const summary = answer.value;
    this.status.textContent = `${summary.withFigures} of ${summary.campaigns} campaigns with figures.`;
    if (summary.funnel)
      this.funnel.update(
        funnelTable('all-funnel', `All vendors: funnel of ${summary.withFigures} campaigns`, singleFunnel(summary.funnel)),
      );
    this.channels.update(channelTotalsTable('all-channels', 'All vendors: channels, worst first', aggregateChannels(summary.channels)));
    this.losses.update(
      lossTable('all-loss-reasons', 'All vendors: loss reasons ranked by count', rankLossReasons(summary.lossReasons).overall, false),
    );
  }
}
