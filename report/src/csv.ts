// CSV export of the page's tables: RFC 4180 quoting, raw numbers (no separators), UTF-8 with a
// BOM so spreadsheet programs read vendor descriptions in Chinese correctly.
import type { Table } from './tables.js';

/** Text a spreadsheet would run as a formula (CSV injection); numbers such as Tencent's "-1" are data. */
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
  const text = FORMULA.test(value) && !NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: Pick<Table, 'columns' | 'rows'>): string {
  // Rates go out as ratios (0.953), which spreadsheets format as they like.
  const header = table.columns.map((column) => cell(column.kind === 'pct' ? `${column.label} (ratio)` : column.label));
  const lines = [header, ...table.rows.map((row) => row.cells.map(cell))];
  return `\uFEFF${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}

/** A file name from the table's name: lowercase words joined by dashes. */
export function csvFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `pushgraph-${slug || 'table'}.csv`;
}
