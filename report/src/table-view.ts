// A Table as HTML (caption, header cells, row headers, machine-readable <data> values) with a
// CSV download of exactly the same rows.
import { csvFileName, toCsv } from './csv.js';
import { h, replace, uid } from './dom.js';
import { NOT_MEASURED, formatInt, formatPct } from './format.js';
import type { Cell, CellKind, Table } from './tables.js';

function renderCell(value: Cell, kind: CellKind): Node {
  // A null count is one the vendor does not measure: say so rather than show 0 or nothing.
  if (value === null && kind === 'int') return h('abbr', { title: 'the vendor does not measure this figure', class: 'na' }, NOT_MEASURED);
  if (value === null) return h('abbr', { title: 'not reported', class: 'na' }, '—');
  if (typeof value === 'string') return document.createTextNode(value);
  // <data value> keeps the exact figure next to the formatted one (for scripts and tests).
  return h('data', { value: String(value) }, kind === 'pct' ? formatPct(value) : kind === 'int' ? formatInt(value) : String(value));
}

export function downloadCsv(table: Table): void {
  const url = URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: csvFileName(table.name) });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export class TableView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly more: HTMLButtonElement;
  private table: Table | undefined;
  private showAll = false;

  constructor() {
    this.body = h('div');
    this.button = h('button', { type: 'button', class: 'csv' }, 'Download CSV');
    this.button.addEventListener('click', () => {
      if (this.table) downloadCsv(this.table);
    });
    this.more = h('button', { type: 'button', class: 'more' });
    this.more.addEventListener('click', () => {
      this.showAll = !this.showAll;
      if (this.table) this.update(this.table);
    });
    this.root = h('div', { class: 'table-block' }, this.body, h('div', { class: 'table-actions' }, this.more, this.button));
  }

  update(table: Table): void {
    this.table = table;
    this.root.dataset.table = table.name;
    this.button.setAttribute('aria-label', `Download “${table.caption}” as CSV`);
    this.button.hidden = table.rows.length === 0;
    const limit =
      table.rowsShown !== undefined && table.rows.length > table.rowsShown && !this.showAll ? table.rowsShown : table.rows.length;
    this.more.hidden = table.rowsShown === undefined || table.rows.length <= table.rowsShown;
    this.more.textContent = this.showAll ? `Show the top ${table.rowsShown ?? 0} only` : `Show all ${table.rows.length} rows`;
    this.more.setAttribute('aria-expanded', String(this.showAll));
    const captionId = uid('caption');
    const head = h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...table.columns.map((column) => h('th', { scope: 'col', class: column.kind === 'text' ? undefined : 'num' }, column.label)),
      ),
    );
    const rows = table.rows.slice(0, limit).map((row) =>
      h(
        'tr',
        { class: row.highlight ? 'highlight' : undefined },
        ...row.cells.map((value, i) => {
          const column = table.columns[i] ?? { label: '', kind: 'text' as const };
          const attributes = { class: column.kind === 'text' ? undefined : 'num' };
          // The first column names the row (stage, channel, campaign): a row header for screen readers.
          return i === 0
            ? h('th', { ...attributes, scope: 'row' }, renderCell(value, column.kind))
            : h('td', attributes, renderCell(value, column.kind));
        }),
      ),
    );
    const caption = limit < table.rows.length ? `${table.caption} (top ${limit} of ${table.rows.length})` : table.caption;
    replace(
      this.body,
      table.rows.length === 0
        ? h('p', { class: 'empty' }, h('strong', {}, `${table.caption}: `), table.empty)
        : h(
            // Wide tables scroll inside their own box on narrow screens; focusable so the keyboard can scroll it.
            'div',
            { class: 'table-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
            h('table', {}, h('caption', { id: captionId }, caption), head, h('tbody', {}, ...rows)),
          ),
      table.note && table.rows.length > 0 ? h('p', { class: 'note' }, table.note) : null,
    );
  }
}
