// The results of one report: the selection as a whole (vendors side by side), the campaigns table
// and the campaign cards. Updates are coalesced into one render per animation frame, so a burst
// of answers does not re-render the page once per answer.
import { h, uid } from './dom.js';
import { VENDORS, type AppChoice, type CampaignEntry, type Vendor } from './model.js';
import { CampaignCard, CampaignsList, VendorComparison, VendorSummary } from './views.js';

/** Cards start open for small selections; larger ones open on demand (and only then draw). */
const OPEN_CARDS_UP_TO = 10;

function region(title: string, ...children: Array<Node | null>): HTMLElement {
  const id = uid('region');
  const section = h('section', { class: 'report-section', 'aria-labelledby': id }, h('h2', { id }, title));
  for (const child of children) if (child) section.append(child);
  return section;
}

export class ReportView {
  readonly root: HTMLElement;
  private readonly vendors: Vendor[];
  private readonly summaries: Map<Vendor, VendorSummary>;
  private readonly comparison: VendorComparison | null;
  private readonly campaigns = new CampaignsList();
  private readonly cards = new Map<CampaignEntry, CampaignCard>();
  private readonly changed = new Set<CampaignEntry>();
  private frame: number | undefined;

  constructor(
    private readonly entries: readonly CampaignEntry[],
    /** The app each vendor's campaigns were asked in. */
    private readonly apps: AppChoice,
    withHistory: boolean,
  ) {
    this.vendors = VENDORS.filter((vendor) => entries.some((entry) => entry.vendor === vendor));
    this.summaries = new Map(this.vendors.map((vendor) => [vendor, new VendorSummary(vendor, apps[vendor], withHistory)]));
    this.comparison = this.vendors.length > 1 ? new VendorComparison() : null;
    for (const entry of entries) this.cards.set(entry, new CampaignCard(entry, entries.length <= OPEN_CARDS_UP_TO));
    this.root = h(
      'div',
      { class: 'report' },
      region(
        'Selection as a whole',
        this.comparison?.root ?? null,
        h('div', { class: `vendor-grid vendors-${this.vendors.length}` }, ...[...this.summaries.values()].map((summary) => summary.root)),
      ),
      region('Campaigns', this.campaigns.root),
      region(
        'Campaign details',
        entries.length > OPEN_CARDS_UP_TO ? h('p', { class: 'muted' }, 'Open a campaign to see its figures.') : null,
        h('div', { class: 'cards' }, ...[...this.cards.values()].map((card) => card.root)),
      ),
    );
    this.render();
  }

  /** Marks campaigns whose state changed; the page catches up on the next frame. */
  changedEntries(entries: Iterable<CampaignEntry>): void {
    for (const entry of entries) this.changed.add(entry);
    this.frame ??= requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = undefined;
    const byVendor = this.vendors.map((vendor) => ({
      vendor,
      app: this.apps[vendor],
      entries: this.entries.filter((entry) => entry.vendor === vendor),
    }));
    for (const { vendor, entries } of byVendor) this.summaries.get(vendor)?.update(entries);
    this.comparison?.update(byVendor);
    this.campaigns.update(this.entries);
    for (const entry of this.changed) this.cards.get(entry)?.update(entry);
    this.changed.clear();
  }

  dispose(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    for (const summary of this.summaries.values()) summary.dispose();
    this.comparison?.dispose();
    for (const card of this.cards.values()) card.dispose();
  }
}
