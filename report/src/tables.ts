// Every table of the page as data: the same rows render as HTML and export as CSV, so the
// download always matches the screen.
import { channelLabel, formatDateTime, humanize, platformLabel } from './format.js';
import {
  aggregateChannels,
  funnelSteps,
  rate,
  DEFAULT_APP,
  STAGE_LABEL,
  sumFunnels,
  VENDOR_LABEL,
  vendorAppLabel,
  type CampaignEntry,
  type ChannelStat,
  type ChannelTotal,
  type FunnelTotal,
  type RankedLoss,
  type SmsTotal,
  type Vendor,
} from './model.js';

export type CellKind = 'text' | 'int' | 'pct';
export type Cell = string | number | null;

export interface Column {
  label: string;
  kind: CellKind;
}

export interface Row {
  cells: Cell[];
  /** Drawn attention to (the channel that loses most, a failed campaign). */
  highlight?: boolean;
}

export interface Table {
  /** Names the CSV file. */
  name: string;
  caption: string;
  columns: Column[];
  rows: Row[];
  /** Shown under the table. */
  note?: string;
  /** Shown instead of an empty table. */
  empty: string;
  /** Rows shown before a "show all" button; all rows when unset. */
  rowsShown?: number;
}

const text = (label: string): Column => ({ label, kind: 'text' });
const int = (label: string): Column => ({ label, kind: 'int' });
const pct = (label: string): Column => ({ label, kind: 'pct' });

/** The funnel stages and the two rates people read first, as columns and as cells. */
const FUNNEL_COLUMNS: Column[] = [
  int('Target'),
  int('Sent'),
  int('Received'),
  int('Displayed'),
  int('Clicked'),
  pct('Received / sent'),
  pct('Clicked / received'),
];
type FunnelFigures = {
  target?: number | null;
  sent?: number | null;
  received?: number | null;
  displayed?: number | null;
  clicked?: number | null;
};
const funnelCells = (funnel: FunnelFigures | null | undefined) => [
  funnel?.target ?? null,
  funnel?.sent ?? null,
  funnel?.received ?? null,
  funnel?.displayed ?? null,
  funnel?.clicked ?? null,
  rate(funnel?.received, funnel?.sent),
  rate(funnel?.clicked, funnel?.received),
];

/** The funnel with the conversion of every step (against the previous reported step) and of the target. */
export function funnelTable(name: string, caption: string, total: FunnelTotal): Table {
  const steps = funnelSteps(total);
  const rows: Row[] = steps.map((step) => ({
    cells: [
      STAGE_LABEL[step.stage] + (step.partial ? ' *' : ''),
      step.value,
      step.stepRate,
      step.previous ? STAGE_LABEL[step.previous] : null,
      step.targetRate,
    ],
  }));
  const dismissed = total.stages.dismissed;
  if (dismissed.value !== null) {
    // Alibaba's DeletedCount: cleared without opening, an outcome of received notifications.
    rows.push({
      cells: [
        'Dismissed',
        dismissed.value,
        rate(dismissed.value, total.stages.received.value),
        'Received',
        rate(dismissed.value, total.stages.target.value),
      ],
    });
  }
  const partial = steps.some((step) => step.partial);
  return {
    name,
    caption,
    columns: [text('Stage'), int('Count'), pct('Conversion'), text('From'), pct('Of target')],
    rows,
    note: partial ? '* Not reported for every campaign: the count covers those that did, and rates are left out.' : undefined,
    empty: 'No funnel figures.',
  };
}

/** Channels summed across campaigns and message kinds, the one that loses most first. */
export function channelTotalsTable(name: string, caption: string, totals: readonly ChannelTotal[]): Table {
  return {
    name,
    caption,
    columns: [
      text('Channel'),
      text('Platform'),
      int('Target'),
      int('Sent'),
      int('Received'),
      int('Displayed'),
      int('Clicked'),
      int('Not received'),
      pct('Delivery rate'),
    ],
    rows: totals.map((row, index) => ({
      cells: [
        channelLabel(row.channel),
        platformLabel(row.platform),
        row.target,
        row.sent,
        row.received,
        row.displayed,
        row.clicked,
        row.notReceived,
        row.deliveryRate,
      ],
      highlight: index === 0 && (row.notReceived ?? 0) > 0,
    })),
    note: 'Not received = sent − received (target − received where the vendor reports no “sent”). Worst channel first.',
    empty: 'The vendor reported no channel breakdown.',
  };
}

/** One campaign's channel rows as the vendor reported them (JPush: one per message kind). */
export function channelRowsTable(name: string, caption: string, rows: readonly ChannelStat[]): Table {
  const worst = aggregateChannels(rows)[0];
  return {
    name,
    caption,
    columns: [
      text('Channel'),
      text('Platform'),
      text('Kind'),
      int('Target'),
      int('Sent'),
      int('Received'),
      int('Displayed'),
      int('Clicked'),
      pct('Delivery rate'),
    ],
    rows: rows.map((row) => ({
      cells: [
        channelLabel(row.channel),
        platformLabel(row.platform),
        humanize(row.messageType ?? row.eventType),
        row.target ?? null,
        row.sent ?? null,
        row.received ?? null,
        row.displayed ?? null,
        row.clicked ?? null,
        rate(row.received, row.sent ?? row.target),
      ],
      highlight: worst !== undefined && (worst.notReceived ?? 0) > 0 && row.channel === worst.channel && row.platform === worst.platform,
    })),
    empty: 'The vendor reported no channel breakdown.',
  };
}

/** Tencent's two loss lists (loss doc: `ReadyToSend*`, `PostSendDelivered*`). */
const LOSS_STAGE: Record<string, string> = {
  READY_TO_SEND: 'Before sending',
  POST_SEND_DELIVERED: 'After sending',
};

/** Loss tables can run to dozens of rows (every code on every channel); the page shows the top ones, the CSV all. */
const LOSS_ROWS_SHOWN = 10;

export function lossTable(name: string, caption: string, ranked: readonly RankedLoss[], byChannel: boolean): Table {
  const columns = [int('Rank'), text('Stage'), text('Error code'), text('Description')];
  if (byChannel) columns.push(text('Channel'), text('Push type'));
  columns.push(int('Count'), pct('Share'));
  return {
    name,
    caption,
    columns,
    rows: ranked.map((row, index) => ({
      cells: [
        index + 1,
        LOSS_STAGE[row.stage] ?? humanize(row.stage),
        row.errorCode,
        row.description ?? null,
        ...(byChannel ? [channelLabel(row.channel), humanize(row.eventType)] : []),
        row.count,
        row.share,
      ],
    })),
    empty: 'No losses reported.',
    rowsShown: LOSS_ROWS_SHOWN,
  };
}

export function smsTable(name: string, caption: string, total: SmsTotal): Table {
  return {
    name,
    caption,
    columns: [text('SMS'), int('Count'), pct('Of sent')],
    rows: [
      ['Sent', total.sent],
      ['Received', total.receiveSuccess],
      ['Sent, not received', total.receiveFailed],
      ['Skipped (e.g. no phone number)', total.skipped],
      ['Failed to send', total.failed],
    ].map(([label, value]) => ({ cells: [label as string, value as number | null, rate(value as number | null, total.sent)] })),
    empty: 'No SMS fallback.',
  };
}

const AVAILABILITY: Record<string, string> = {
  READY: 'Ready',
  PENDING: 'Pending: the vendor publishes figures the next day',
  ARCHIVED: 'Archived',
};

/** A campaign's state in words, as the campaigns table and the campaign cards say it. */
export function statusText(entry: CampaignEntry): string {
  const { state } = entry;
  switch (state.status) {
    case 'loading':
      return 'Loading…';
    case 'missing':
      return `Not found: ${vendorAppLabel(entry.vendor, entry.app)} knows no such id`;
    case 'failed':
      return `Error: ${state.errors.map(errorText).join('; ')}`;
    case 'loaded': {
      const { availability, asOf } = state.data;
      const base = AVAILABILITY[availability] ?? humanize(availability);
      const archived = asOf ? `${base} (as of ${formatDateTime(asOf)})` : base;
      return state.errors.length > 0 ? `${archived}; some figures failed: ${state.errors.map(errorText).join('; ')}` : archived;
    }
  }
}

export function errorText(error: { message: string; code: string | null; vendorCode: string | null; field: string | null }): string {
  const code = [error.code, error.vendorCode ? `vendor code ${error.vendorCode}` : null].filter(Boolean).join(', ');
  return `${error.field ? `${error.field}: ` : ''}${error.message}${code ? ` (${code})` : ''}`;
}

/**
 * One row per campaign: where it stands and its funnel, in the order the ids were given. An App
 * column (screen and CSV) joins the vendor's once a campaign is of an app other than the default,
 * so single-app reports keep their columns.
 */
export function campaignsTable(name: string, caption: string, entries: readonly CampaignEntry[]): Table {
  const withApp = entries.some((entry) => entry.app !== DEFAULT_APP);
  return {
    name,
    caption,
    columns: [text('Campaign id'), text('Vendor'), ...(withApp ? [text('App')] : []), text('Status'), ...FUNNEL_COLUMNS],
    rows: entries.map((entry) => {
      const funnel = entry.state.status === 'loaded' ? entry.state.data.funnel : null;
      return {
        cells: [entry.id, VENDOR_LABEL[entry.vendor], ...(withApp ? [entry.app] : []), statusText(entry), ...funnelCells(funnel)],
        highlight: entry.state.status === 'failed' || (entry.state.status === 'loaded' && entry.state.errors.length > 0),
      };
    }),
    empty: 'No campaigns.',
  };
}

/** The selection's vendors next to each other: each one's summed funnel and its two key rates. */
export function vendorsTable(
  name: string,
  caption: string,
  byVendor: ReadonlyArray<{ vendor: Vendor; app: string; entries: readonly CampaignEntry[] }>,
): Table {
  return {
    name,
    caption,
    columns: [text('Vendor'), int('Campaigns'), ...FUNNEL_COLUMNS],
    rows: byVendor.map(({ vendor, app, entries }) => {
      const funnels = entries.flatMap((entry) =>
        entry.state.status === 'loaded' && entry.state.data.funnel ? [entry.state.data.funnel] : [],
      );
      const { stages } = sumFunnels(funnels);
      return {
        cells: [
          vendorAppLabel(vendor, app),
          funnels.length,
          ...funnelCells({
            target: stages.target.value,
            sent: stages.sent.value,
            received: stages.received.value,
            displayed: stages.displayed.value,
            clicked: stages.clicked.value,
          }),
        ],
      };
    }),
    note: 'Each vendor counts its campaigns that answered with a funnel.',
    empty: 'No campaigns.',
  };
}
