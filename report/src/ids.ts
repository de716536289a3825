// Campaign ids in and out of text: pasted lists, uploaded files and shareable links.
import { DEFAULT_APP, defaultAppChoice, VENDORS, type AppChoice, type Vendor } from './model.js';

/** The ids to report on, per vendor, in the order given and without repeats. */
export type Selection = Record<Vendor, string[]>;

export function emptySelection(): Selection {
  return { JPUSH: [], TENCENT: [], ALIYUN: [] };
}

export function selectionSize(selection: Selection): number {
  return VENDORS.reduce((sum, vendor) => sum + selection[vendor].length, 0);
}

/** A column header, not an id: the first cell of a CSV export of ids. */
const HEADER = /^(msg_?ids?|task_?ids?|message_?ids?|campaign(_?ids?)?|ids?)$/i;

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/** Ids are strings end to end (JPush msg_ids exceed 2^53): never parsed as numbers, only trimmed of quotes. */
function clean(token: string): string {
  return token.trim().replace(/^["']+|["']+$/g, '').trim();
}

/** Ids separated by whitespace, commas, semicolons or pipes, as people paste them. */
export function parseIds(text: string): string[] {
  return unique(
    text
      .split(/[\s,;|]+/)
      .map(clean)
      .filter((token) => token !== '' && !HEADER.test(token)),
  );
}

/**
 * An uploaded file: a plain list of ids, or a CSV whose header names the id column
 * (`msg_id`, `TaskID`, `MessageId`, `id`, ...); then only that column is read.
 */
export function parseIdFile(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '');
  const delimiter = /[,;\t]/.exec(lines[0] ?? '')?.[0];
  const header = delimiter ? (lines[0] ?? '').split(delimiter).map(clean) : [];
  const column = header.findIndex((cell) => HEADER.test(cell));
  if (!delimiter || column < 0) return parseIds(text);
  return unique(
    lines
      .slice(1)
      .map((line) => clean(line.split(delimiter)[column] ?? ''))
      .filter(Boolean),
  );
}

function asVendor(value: string): Vendor | undefined {
  const upper = value.trim().toUpperCase();
  return VENDORS.find((vendor) => vendor === upper);
}

/** The server's app names (`PUSHGRAPH_APPS`): anything else in a link is not an app. */
const APP_NAME = /^[a-z0-9-]{1,32}$/;

/**
 * Reads `?vendor=JPUSH&app=news&ids=1,2&vendor=TENCENT&ids=a,b`: each `ids` and `app` belongs to
 * the `vendor` before it (ids given before any vendor, to the first vendor after them; ids of an
 * unknown vendor are dropped; an app before any vendor is ignored); `vendor=` alone picks the
 * vendor. A vendor without `app` reads the default app; a vendor named twice keeps its last app.
 * The same parameters are read from the fragment, where long links keep them (see {@link shareUrl}).
 */
export function selectionFromUrl(location: Pick<URL, 'search' | 'hash'>): { selection: Selection; vendors: Vendor[]; apps: AppChoice } {
  const selection = emptySelection();
  const vendors: Vendor[] = [];
  const apps = defaultAppChoice();
  for (const params of [new URLSearchParams(location.search), new URLSearchParams(location.hash.replace(/^#/, ''))]) {
    // undefined: no vendor yet (ids wait for the first one); null: an unknown vendor (its ids are dropped).
    let current: Vendor | null | undefined;
    let pending: string[] = [];
    const add = (vendor: Vendor, ids: string[]): void => {
      selection[vendor] = unique([...selection[vendor], ...ids]);
    };
    for (const [key, value] of params) {
      if (key === 'vendor') {
        current = asVendor(value) ?? null;
        if (!current) continue;
        if (!vendors.includes(current)) vendors.push(current);
        add(current, pending);
        pending = [];
      } else if (key === 'app') {
        if (current && APP_NAME.test(value)) apps[current] = value;
      } else if (key === 'ids') {
        if (current) add(current, parseIds(value));
        else if (current === undefined) pending.push(...parseIds(value));
      }
    }
  }
  return { selection, vendors, apps };
}

/** Links longer than this keep the ids in the fragment: it never reaches the server, so no URL-length limit applies. */
const MAX_QUERY_LENGTH = 4_000;

/** A link that reopens the report on the same selection, in the same apps (the default one goes unnamed). */
export function shareUrl(base: string, selection: Selection, apps: AppChoice): string {
  const params = new URLSearchParams();
  for (const vendor of VENDORS) {
    if (selection[vendor].length === 0) continue;
    params.append('vendor', vendor);
    if (apps[vendor] !== DEFAULT_APP) params.append('app', apps[vendor]);
    params.append('ids', selection[vendor].join(','));
  }
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  const query = params.toString();
  if (query.length <= MAX_QUERY_LENGTH) url.search = query;
  else url.hash = query;
  return url.href;
}
