// The report's sections: per-vendor summaries of the selection, the campaigns table and one card
// per campaign. Each owns its DOM and re-renders from the entries it is given.
import { channelChart, curveChart, funnelChart, vendorComparisonChart } from './chart-options.js';
import { ChartView } from './charts.js';
import { append, h, replace, uid } from './dom.js';
import { channelLabel, formatInt, formatPct, platformLabel } from './format.js';
import {
  aggregateChannels,
  deliveryCurve,
  loadedData,
  progressOf,
  rankLossReasons,
  sumFunnels,
  sumSms,
  vendorAppLabel,
  vendorAppSlug,
  worstChannel,
  type CampaignEntry,
  type ChannelTotal,
  type HistoryState,
  type Vendor,
} from './model.js';
import { TableView } from './table-view.js';
import {
  campaignsTable,
  channelRowsTable,
  channelTotalsTable,
  errorText,
  funnelTable,
  lossTable,
  smsTable,
  statusText,
  vendorsTable,
} from './tables.js';

/** How long each vendor keeps figures (CONTRACT.md), to explain an id the vendor no longer knows. */
const RETENTION: Record<Vendor, string> = {
  JPUSH: 'JPush keeps 28 days of figures',
  TENCENT: 'Tencent keeps 30 days of statistics and 7 days of loss reasons',
  ALIYUN: 'Alibaba publishes figures from the day after the push',
};

const WAITING: Record<Vendor, string> = {
  JPUSH: 'Waiting for JPush…',
  // CONTRACT.md: each Tencent API answers once per second, 5 TaskIDs a call.
  TENCENT: 'Waiting for Tencent (5 campaigns per second at most)…',
  ALIYUN: 'Waiting for Alibaba Cloud…',
};

function section(headingLevel: 'h3' | 'h4', title: string, ...children: Array<Node | null>): HTMLElement {
  const id = uid('section');
  return h('section', { class: 'block', 'aria-labelledby': id }, h(headingLevel, { id }, title), ...children);
}

function worstChannelSentence(totals: readonly ChannelTotal[]): string | null {
  const worst = worstChannel(totals);
  if (!worst) return null;
  const handed = worst.sent ?? worst.target;
  return `${channelLabel(worst.channel)} (${platformLabel(worst.platform)}) loses most: ${formatInt(worst.notReceived)} of ${formatInt(handed)} not received (${formatPct(
    worst.deliveryRate === null ? null : 1 - worst.deliveryRate,
  )}).`;
}

function historyOf(entries: readonly CampaignEntry[]): { histories: HistoryState[]; pending: boolean; failed: number; failure: string | null } {
  const histories = entries.filter((entry) => entry.state.status === 'loaded').map((entry) => entry.history);
  const failures = histories.flatMap((history) => (history.status === 'failed' ? [history.error] : []));
  const first = failures[0];
  return {
    histories,
    pending: histories.some((history) => history.status === 'loading'),
    failed: failures.length,
    failure: first ? errorText({ ...first, field: null }) : null,
  };
}

/** The delivery curve block: a chart from the archive's snapshots, or why there is none. */
class CurveView {
  readonly root: HTMLElement;
  private readonly chart = new ChartView('Delivery over time (archived snapshots)');
  private readonly message = h('p', { class: 'muted' });

  constructor(headingLevel: 'h3' | 'h4') {
    this.root = section(headingLevel, 'Delivery curve', this.message, this.chart.root);
  }

  update(entries: readonly CampaignEntry[]): void {
    const { histories, pending, failed, failure } = historyOf(entries);
    const points = deliveryCurve(histories.flatMap((history) => (history.status === 'loaded' ? [history.snapshots] : [])));
    this.chart.root.hidden = points.length === 0;
    if (points.length > 0) this.chart.update(curveChart(points));
    const notes = [
      failure ? `The archive could not be read${histories.length > 1 ? ` for ${failed} of ${histories.length} campaigns` : ''}: ${failure}` : '',
      pending ? 'Loading the archive…' : '',
      !pending && !failure && points.length === 0 ? 'No archived snapshots yet.' : '',
      points.length > 0 && entries.length > 1 ? 'Each campaign counts with its latest snapshot at each point in time.' : '',
    ];
    this.message.textContent = notes.filter(Boolean).join(' ');
  }

  dispose(): void {
    this.chart.dispose();
  }
}

/** One vendor's campaigns as a whole: funnel, channels, loss reasons, SMS and delivery curve. */
export class VendorSummary {
  readonly root: HTMLElement;
  private readonly status = h('p', { class: 'muted' });
  private readonly content = h('div', { class: 'summary-content' });
  private readonly funnelChart = new ChartView('Count per stage; under each stage, its conversion from the step before');
  private readonly funnelTable = new TableView();
  private readonly worst = h('p', { class: 'worst' });
  private readonly channelChart = new ChartView('Received and not received per channel');
  private readonly channelTable = new TableView();
  private readonly lossOverall = new TableView();
  private readonly lossByChannel = new TableView();
  private readonly lossBlock: HTMLElement;
  private readonly smsTable = new TableView();
  private readonly smsBlock: HTMLElement;
  private readonly curve: CurveView | null;
  private readonly label: string;
  private readonly name: string;

  constructor(
    private readonly vendor: Vendor,
    app: string,
    withHistory: boolean,
  ) {
    this.label = vendorAppLabel(vendor, app);
    this.name = vendorAppSlug(vendor, app);
    const headingId = uid('vendor');
    this.lossBlock = section('h4', 'Loss reasons', this.lossOverall.root, this.lossByChannel.root);
    this.smsBlock = section('h4', 'SMS fallback', this.smsTable.root);
    this.curve = withHistory ? new CurveView('h4') : null;
    append(
      this.content,
      section('h4', 'Funnel', this.funnelChart.root, this.funnelTable.root),
      section('h4', 'Channels', this.worst, this.channelChart.root, this.channelTable.root),
      this.lossBlock,
      this.smsBlock,
      this.curve?.root ?? null,
    );
    this.root = h(
      'section',
      { class: 'vendor-summary', 'aria-labelledby': headingId, 'data-vendor': vendor, 'data-app': app },
      h('h3', { id: headingId }, this.label),
      this.status,
      this.content,
    );
  }

  update(entries: readonly CampaignEntry[]): void {
    const data = loadedData(entries);
    const funnels = data.flatMap((campaign) => (campaign.funnel ? [campaign.funnel] : []));
    const { settled, failed, missing } = progressOf(entries);
    const { name, label } = this;
    const problems = [failed ? `${failed} failed (see the campaigns below)` : '', missing ? `${missing} not found` : ''].filter(Boolean).join(', ');
    this.status.textContent =
      settled < entries.length
        ? `${WAITING[this.vendor]} ${settled} of ${entries.length} campaigns answered.`
        : `${funnels.length} of ${entries.length} campaigns with figures${problems ? `; ${problems}` : ''}.`;
    // A vendor with nothing to show says why, in the error style, instead of an empty box.
    this.status.className = data.length === 0 && failed > 0 ? 'error' : 'muted';
    this.content.hidden = data.length === 0;
    if (data.length === 0) return;

    const total = sumFunnels(funnels);
    this.funnelChart.root.hidden = funnels.length === 0;
    if (funnels.length > 0) this.funnelChart.update(funnelChart(total));
    this.funnelTable.update(funnelTable(`${name}-funnel`, `${label}: funnel of ${funnels.length} campaigns`, total));

    const channels = aggregateChannels(data.flatMap((campaign) => campaign.channels ?? []));
    this.worst.textContent = worstChannelSentence(channels) ?? '';
    this.channelChart.root.hidden = channels.length === 0;
    if (channels.length > 0) this.channelChart.update(channelChart(channels));
    this.channelTable.update(channelTotalsTable(`${name}-channels`, `${label}: channels, worst first`, channels));

    const reasons = data.flatMap((campaign) => campaign.lossReasons ?? []);
    // Loss analysis is Tencent's; other vendors answer [] and get no empty section.
    this.lossBlock.hidden = this.vendor !== 'TENCENT' && reasons.length === 0;
    const ranked = rankLossReasons(reasons);
    this.lossOverall.update(lossTable(`${name}-loss-reasons`, `${label}: loss reasons ranked by count`, ranked.overall, false));
    this.lossByChannel.update(lossTable(`${name}-loss-reasons-by-channel`, `${label}: loss reasons per channel`, ranked.byChannel, true));

    const sms = data.flatMap((campaign) => (campaign.sms ? [campaign.sms] : []));
    this.smsBlock.hidden = sms.length === 0;
    this.smsTable.update(smsTable(`${name}-sms`, `${label}: SMS fallback`, sumSms(sms)));

    this.curve?.update(entries);
  }

  dispose(): void {
    this.funnelChart.dispose();
    this.channelChart.dispose();
    this.curve?.dispose();
  }
}

/** The vendors of a mixed selection side by side: a table and a chart of each stage's share of target. */
export class VendorComparison {
  readonly root: HTMLElement;
  private readonly chart = new ChartView('Each stage as a share of target, per vendor');
  private readonly table = new TableView();

  constructor() {
    this.root = section('h3', 'Vendors side by side', this.chart.root, this.table.root);
  }

  update(byVendor: ReadonlyArray<{ vendor: Vendor; app: string; entries: readonly CampaignEntry[] }>): void {
    this.table.update(vendorsTable('vendors', 'Vendors compared', byVendor));
    const totals = byVendor.map(({ vendor, app, entries }) => ({
      vendor,
      app,
      total: sumFunnels(loadedData(entries).flatMap((campaign) => (campaign.funnel ? [campaign.funnel] : []))),
    }));
    this.chart.root.hidden = totals.every(({ total }) => total.campaigns === 0);
    if (!this.chart.root.hidden) this.chart.update(vendorComparisonChart(totals));
  }

  dispose(): void {
    this.chart.dispose();
  }
}

/** Every campaign in one table, in the order given. */
export class CampaignsList {
  readonly root: HTMLElement;
  private readonly table = new TableView();

  constructor() {
    this.root = this.table.root;
  }

  update(entries: readonly CampaignEntry[]): void {
    this.table.update(campaignsTable('campaigns', `Campaigns (${entries.length})`, entries));
  }
}

/**
 * One campaign in a <details>: its status in the summary line, its figures inside. The inside is
 * built only while open, so a selection of hundreds of campaigns stays light.
 */
export class CampaignCard {
  readonly root: HTMLDetailsElement;
  private readonly statusLine = h('span', { class: 'status' });
  private readonly body = h('div', { class: 'card-body' });
  private charts: Array<{ dispose(): void }> = [];
  private entry: CampaignEntry;
  private stale = true;

  constructor(entry: CampaignEntry, open: boolean) {
    this.entry = entry;
    this.root = h(
      'details',
      { class: 'campaign', open, 'data-vendor': entry.vendor, 'data-app': entry.app, 'data-id': entry.id },
      h('summary', {}, h('span', { class: 'vendor-tag' }, vendorAppLabel(entry.vendor, entry.app)), ' ', h('code', { class: 'campaign-id' }, entry.id), ' ', this.statusLine),
      this.body,
    );
    this.root.addEventListener('toggle', () => {
      if (this.root.open && this.stale) this.render();
    });
    this.update(entry);
  }

  update(entry: CampaignEntry): void {
    this.entry = entry;
    this.root.dataset.status = entry.state.status;
    this.statusLine.textContent = statusText(entry);
    this.stale = true;
    if (this.root.open) this.render();
  }

  private render(): void {
    this.stale = false;
    this.dispose();
    const { entry } = this;
    const { state } = entry;
    const label = vendorAppLabel(entry.vendor, entry.app);
    const title = `${label} ${entry.id}`;
    const name = `${vendorAppSlug(entry.vendor, entry.app)}-${entry.id}`;
    switch (state.status) {
      case 'loading':
        return replace(this.body, h('p', { class: 'muted' }, WAITING[entry.vendor]));
      case 'missing':
        return replace(this.body, h('p', { class: 'notice' }, `${label} knows no campaign with this id. ${RETENTION[entry.vendor]}.`));
      case 'failed':
        return replace(
          this.body,
          h('div', { class: 'error' }, h('p', {}, h('strong', {}, 'This campaign could not be loaded.')), h('ul', {}, ...state.errors.map((error) => h('li', {}, errorText(error))))),
        );
      case 'loaded':
        break;
    }
    const { data, errors } = state;
    const parts: Array<Node | null> = [];
    if (errors.length > 0) {
      parts.push(h('div', { class: 'error' }, h('p', {}, h('strong', {}, 'Some figures could not be loaded.')), h('ul', {}, ...errors.map((error) => h('li', {}, errorText(error))))));
    }
    if (data.funnel) {
      const total = sumFunnels([data.funnel]);
      const chart = new ChartView(`Funnel of ${title}`);
      const table = new TableView();
      chart.update(funnelChart(total));
      table.update(funnelTable(`${name}-funnel`, `Funnel of ${title}`, total));
      this.charts.push(chart);
      parts.push(section('h3', 'Funnel', chart.root, table.root));
    }
    if (data.channels) {
      const table = new TableView();
      table.update(channelRowsTable(`${name}-channels`, `Channels of ${title}`, data.channels));
      parts.push(section('h3', 'Channels', h('p', { class: 'worst' }, worstChannelSentence(aggregateChannels(data.channels)) ?? ''), table.root));
    }
    if (data.lossReasons && (data.lossReasons.length > 0 || entry.vendor === 'TENCENT')) {
      const ranked = rankLossReasons(data.lossReasons);
      const overall = new TableView();
      const byChannel = new TableView();
      overall.update(lossTable(`${name}-loss-reasons`, `Loss reasons of ${title}, ranked by count`, ranked.overall, false));
      byChannel.update(lossTable(`${name}-loss-reasons-by-channel`, `Loss reasons of ${title} per channel`, ranked.byChannel, true));
      parts.push(section('h3', 'Loss reasons', overall.root, byChannel.root));
    }
    if (data.sms) {
      const table = new TableView();
      table.update(smsTable(`${name}-sms`, `SMS fallback of ${title}`, sumSms([data.sms])));
      parts.push(section('h3', 'SMS fallback', table.root));
    }
    if (entry.history.status !== 'unsupported') {
      const curve = new CurveView('h3');
      curve.update([entry]);
      this.charts.push(curve);
      parts.push(curve.root);
    }
    replace(this.body, ...parts);
  }

  dispose(): void {
    for (const chart of this.charts) chart.dispose();
    this.charts = [];
  }
}
