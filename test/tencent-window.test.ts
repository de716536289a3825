import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkWindow, LOSS_WINDOW, STATISTICS_WINDOW, toVendorWindow, windowKey } from '../src/datasources/tencent/window.js';

const NOW = Date.UTC(2025, 2, 20, 12, 0, 0);
const NOW_S = NOW / 1000;
const DAY = 86400;
const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString();

function rejection(run: () => unknown): { code: unknown; argumentName: unknown } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { code: error.extensions.code, argumentName: error.extensions.argumentName };
  }
}

describe('Tencent query windows', () => {
  it('normalizes bounds to whole seconds covering what was asked, and keeps defaults symbolic', () => {
    expect(checkWindow({}, STATISTICS_WINDOW, NOW)).toEqual({ since: null, until: null });
    expect(checkWindow({ since: '2025-03-13T16:16:27.900+08:00', until: '2025-03-14T00:00:00.200Z' }, STATISTICS_WINDOW, NOW)).toEqual({
      since: Date.UTC(2025, 2, 13, 8, 16, 27) / 1000,
      until: Date.UTC(2025, 2, 14, 0, 0, 1) / 1000,
    });
    expect(windowKey({ since: null, until: null })).toBe(windowKey(checkWindow({ since: null }, LOSS_WINDOW, NOW + 61_000)));
  });

  it('rejects unreadable, past-retention, future, inverted and over-long windows as BAD_USER_INPUT', () => {
    const bad = (since: string | undefined, until: string | undefined, rules = STATISTICS_WINDOW) =>
      rejection(() => checkWindow({ since, until }, rules, NOW));
    expect(bad('yesterday', undefined)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    expect(bad('2025-02-30T00:00:00Z', undefined)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    expect(bad('2025-03-13T10:00:00', undefined)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    expect(bad(iso(NOW_S - 30 * DAY - 1), undefined)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    expect(bad(iso(NOW_S - 7 * DAY - 1), undefined, LOSS_WINDOW)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    expect(bad(undefined, iso(NOW_S - 8 * DAY), LOSS_WINDOW)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'until' });
    expect(bad(undefined, iso(NOW_S + 61))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'until' });
    expect(bad(iso(NOW_S - DAY), iso(NOW_S - 2 * DAY))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    expect(bad(iso(NOW_S + 10), undefined)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    expect(bad(iso(NOW_S - 7 * DAY + 10), iso(NOW_S + 30), LOSS_WINDOW)).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'since' });
    // The edges themselves are fine.
    expect(bad(iso(NOW_S - 30 * DAY), iso(NOW_S))).toBeUndefined();
    expect(bad(iso(NOW_S - DAY), iso(NOW_S + 60))).toBeUndefined();
    expect(bad(iso(NOW_S - 7 * DAY), undefined, LOSS_WINDOW)).toBeUndefined();
  });

  it('sends the default as the whole retention up to now, a few seconds inside it, computed when the call leaves', () => {
    expect(toVendorWindow({ since: null, until: null }, STATISTICS_WINDOW, NOW)).toEqual({ StartTime: NOW_S - 30 * DAY + 5, EndTime: NOW_S });
    expect(toVendorWindow({ since: null, until: null }, LOSS_WINDOW, NOW + 2_500)).toEqual({
      StartTime: NOW_S + 2 - 7 * DAY + 5,
      EndTime: NOW_S + 2,
    });
    expect(toVendorWindow({ since: NOW_S - DAY, until: NOW_S - 3600 }, LOSS_WINDOW, NOW)).toEqual({ StartTime: NOW_S - DAY, EndTime: NOW_S - 3600 });
    // A start that retention overtook while the call waited is clamped: that data is gone anyway.
    expect(toVendorWindow({ since: NOW_S - 7 * DAY, until: null }, LOSS_WINDOW, NOW + 10_000)).toEqual({
      StartTime: NOW_S + 10 - 7 * DAY + 5,
      EndTime: NOW_S + 10,
    });
  });
});
