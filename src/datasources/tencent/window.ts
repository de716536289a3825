import type { TimeWindowArgs } from '../../domain.js';
import { badUserInput } from '../../errors.js';

const DAY_SECONDS = 24 * 60 * 60;

/**
 * A windowed TIMPush API. Its longest window and its retention are the same number of days
 * (statistics doc: "supports up to 30 days of data query"; loss doc: 7 days).
 */
export interface WindowRules {
  /** Names the data in messages: "statistics", "loss analysis". */
  what: string;
  days: number;
}

export const STATISTICS_WINDOW: WindowRules = { what: 'statistics', days: 30 };
export const LOSS_WINDOW: WindowRules = { what: 'loss analysis', days: 7 };

/**
 * A checked window in whole unix seconds. A null bound is relative to the moment of the call
 * (`until` null = now, `since` null = as far back as the API allows), so the default window is
 * one key for every request, and equal windows share vendor calls and cache entries.
 */
export interface WindowSpec {
  since: number | null;
  until: number | null;
}

export const DEFAULT_WINDOW: WindowSpec = { since: null, until: null };

/** A caller's `until` may run ahead of our clock by this much (clock skew), no more. */
export const FUTURE_TOLERANCE_SECONDS = 60;
/**
 * The start sent for "as far back as the API allows" stays this far inside retention: Tencent
 * judges it when the call arrives, a moment after we compute it.
 */
export const RETENTION_MARGIN_SECONDS = 5;

// ISO-8601 date-time with an explicit offset: a bare local time would depend on the server's zone.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Unix milliseconds of an ISO-8601 date-time, or undefined (Date.parse alone rolls 2024-02-30 over to March). */
function parseDateTime(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0] = match.slice(1, 6).map(Number);
  const ms = Date.parse(text.trim());
  if (Number.isNaN(ms) || hour > 23 || minute > 59) return undefined;
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  return ms;
}

function bound(args: TimeWindowArgs, name: 'since' | 'until'): number | null {
  const text = args[name];
  if (text === null || text === undefined) return null;
  const ms = parseDateTime(text);
  if (ms === undefined) {
    throw badUserInput(`${name} must be an ISO-8601 date-time with a time zone, e.g. 2025-03-13T16:16:27+08:00`, name);
  }
  // Whole seconds, covering what was asked: the start rounds down, the end up.
  return name === 'since' ? Math.floor(ms / 1000) : Math.ceil(ms / 1000);
}

/**
 * Checks `since`/`until` against the API's limits before any call (BAD_USER_INPUT): readable
 * date-times, nothing older than retention, no end in the future, start before end, and a
 * window no longer than the API allows.
 */
export function checkWindow(args: TimeWindowArgs, rules: WindowRules, nowMs: number): WindowSpec {
  const since = bound(args, 'since');
  const until = bound(args, 'until');
  const now = Math.floor(nowMs / 1000);
  const oldest = now - rules.days * DAY_SECONDS;
  const keeps = `Tencent keeps ${rules.what} for ${rules.days} days`;
  if (until !== null && until > now + FUTURE_TOLERANCE_SECONDS) throw badUserInput('until must not be in the future', 'until');
  if (until !== null && until < oldest) throw badUserInput(`until is older than ${rules.days} days: ${keeps}`, 'until');
  if (since !== null && since < oldest) throw badUserInput(`since is older than ${rules.days} days: ${keeps}`, 'since');
  if (since !== null && since >= (until ?? now)) {
    throw badUserInput(until === null ? 'since must be in the past' : 'since must be before until', 'since');
  }
  if (since !== null && until !== null && until - since > rules.days * DAY_SECONDS) {
    throw badUserInput(`the window from since to until must not exceed ${rules.days} days (${rules.what})`, 'since');
  }
  return { since, until };
}

/** `StartTime`/`EndTime` for a call leaving at `nowMs`; computed per attempt, so a retry is judged afresh. */
export function toVendorWindow(spec: WindowSpec, rules: WindowRules, nowMs: number): { StartTime: number; EndTime: number } {
  const now = Math.floor(nowMs / 1000);
  const end = spec.until ?? now;
  // Data older than retention no longer exists, so clamping the start to it loses nothing.
  const oldestKept = now - rules.days * DAY_SECONDS + RETENTION_MARGIN_SECONDS;
  const start = Math.max(spec.since ?? end - rules.days * DAY_SECONDS, oldestKept);
  return { StartTime: start, EndTime: end };
}

/** The group and cache identity of a window: equal windows share calls. */
export function windowKey(spec: WindowSpec): string {
  return `${spec.since ?? '-'}..${spec.until ?? '-'}`;
}
