import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VendorResponse } from '../src/datasources/http.js';
import { JPushQuota } from '../src/datasources/jpush/quota.js';
import { checkMsgId, checkRegistrationIds, checkStatusDate, checkUsersQuery } from '../src/datasources/jpush/validate.js';

// 2025-03-10 10:30 in Beijing (UTC+8), where JPush counts its days.
const NOW = Date.UTC(2025, 2, 10, 2, 30);
const codeOf = (problem: { code: number } | undefined): number | undefined => problem?.code;

describe('JPush argument rules', () => {
  it('accepts msg_ids of up to 20 digits only', () => {
    expect(checkMsgId('18100000000000000001', 'id')).toBeUndefined();
    expect(checkMsgId('1613113584', 'id')).toBeUndefined();
    for (const bad of ['', '0', '0123', '12a', '-5', '1.5', '123456789012345678901', ' 1']) {
      expect(checkMsgId(bad, 'id'), bad).toMatchObject({ argument: 'id', code: 3007 });
    }
  });

  it('takes 1 to 1000 non-empty registration ids', () => {
    expect(checkRegistrationIds([])?.argument).toBe('registrationIds');
    expect(checkRegistrationIds(Array.from({ length: 1001 }, (_, i) => `r${i}`))?.argument).toBe('registrationIds');
    expect(checkRegistrationIds(Array.from({ length: 1000 }, (_, i) => `r${i}`))).toBeUndefined();
    expect(checkRegistrationIds(['a', ' '])?.argument).toBe('registrationIds');
  });

  it('takes a status date within the 28 days JPush keeps, in China time', () => {
    expect(checkStatusDate('2025-03-10', NOW)).toBeUndefined();
    expect(checkStatusDate('2025-02-10', NOW)).toBeUndefined();
    expect(checkStatusDate('2025-02-09', NOW)?.argument).toBe('date');
    expect(checkStatusDate('2025-03-11', NOW)?.argument).toBe('date');
    expect(checkStatusDate('2025-02-30', NOW)?.argument).toBe('date');
    expect(checkStatusDate('2025-3-10', NOW)?.argument).toBe('date');
    // 17:00 UTC on the 9th is already the 10th in Beijing.
    expect(checkStatusDate('2025-03-10', Date.UTC(2025, 2, 9, 17))).toBeUndefined();
  });

  it('checks users start against timeUnit (3004), the 60 days and today (3005), and duration', () => {
    expect(checkUsersQuery('HOUR', '2025-03-10 09', 2, NOW)).toBeUndefined();
    expect(checkUsersQuery('HOUR', '2025-03-10 10', 14, NOW)).toBeUndefined();
    expect(codeOf(checkUsersQuery('HOUR', '2025-03-10', 1, NOW))).toBe(3004);
    expect(codeOf(checkUsersQuery('HOUR', '2025-03-10 24', 1, NOW))).toBe(3004);
    expect(codeOf(checkUsersQuery('HOUR', '2025-03-09 09', 1, NOW))).toBe(3005);
    expect(codeOf(checkUsersQuery('HOUR', '2025-03-10 11', 1, NOW))).toBe(3005);
    expect(checkUsersQuery('HOUR', '2025-03-10 10', 15, NOW)).toMatchObject({ argument: 'duration', code: 3005 });
    expect(checkUsersQuery('DAY', '2025-01-09', 3, NOW)).toBeUndefined();
    expect(codeOf(checkUsersQuery('DAY', '2025-01-08', 3, NOW))).toBe(3005);
    expect(codeOf(checkUsersQuery('DAY', '2025-03-11', 1, NOW))).toBe(3005);
    expect(codeOf(checkUsersQuery('DAY', '2025-03', 1, NOW))).toBe(3004);
    expect(codeOf(checkUsersQuery('DAY', '2025-02-30', 1, NOW))).toBe(3004);
    expect(checkUsersQuery('MONTH', '2025-01', 3, NOW)).toBeUndefined();
    expect(codeOf(checkUsersQuery('MONTH', '2024-12', 1, NOW))).toBe(3005);
    expect(codeOf(checkUsersQuery('MONTH', '2025-04', 1, NOW))).toBe(3005);
    expect(codeOf(checkUsersQuery('MONTH', '2025-13', 1, NOW))).toBe(3004);
    expect(codeOf(checkUsersQuery('MONTH', '2025-03-01', 1, NOW))).toBe(3004);
    expect(checkUsersQuery('DAY', '2025-03-01', 0, NOW)).toMatchObject({ argument: 'duration' });
    expect(checkUsersQuery('DAY', '2025-03-01', 1.5, NOW)).toMatchObject({ argument: 'duration' });
  });
});

describe('JPush quota gate', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const answer = (headers: Record<string, string>): VendorResponse => ({ status: 200, headers: new Headers(headers), text: '[]' });

  it('holds calls from the answer saying Remaining 0 until X-Rate-Limit-Reset', async () => {
    vi.useFakeTimers();
    const gate = new JPushQuota();
    const release = await gate.acquire();
    gate.observe('messages/detail', answer({ 'X-Rate-Limit-Quota': '2400', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '7' }));
    release();
    let passed = false;
    void gate.acquire().then(() => {
      passed = true;
    });
    await vi.advanceTimersByTimeAsync(6_999);
    expect(passed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(passed).toBe(true);
  });

  it('counts calls still in flight against what JPush says is left, and reads the older -Limit header', async () => {
    vi.useFakeTimers();
    const gate = new JPushQuota();
    const first = await gate.acquire();
    await gate.acquire();
    // JPush counted the first call: one left, but the second call in flight will take it.
    gate.observe('users', answer({ 'X-Rate-Limit-Limit': '3', 'X-Rate-Limit-Remaining': '1', 'X-Rate-Limit-Reset': '2' }));
    first();
    let third = false;
    void gate.acquire().then(() => {
      third = true;
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(third).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third).toBe(true);
    // A fresh window of 3: two more pass at once, the next waits for the assumed minute.
    await gate.acquire();
    await gate.acquire();
    let sixth = false;
    void gate.acquire().then(() => {
      sixth = true;
    });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(sixth).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(sixth).toBe(true);
  });

  it('does not hold while JPush sends no quota headers', async () => {
    vi.useFakeTimers();
    const gate = new JPushQuota();
    for (let i = 0; i < 5; i++) {
      (await gate.acquire())();
      gate.observe('users', answer({}));
    }
    let passed = false;
    void gate.acquire().then(() => {
      passed = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toBe(true);
  });

  const exhausted = (reset: string): VendorResponse =>
    answer({ 'X-Rate-Limit-Quota': '2400', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': reset });
  const codeOf = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => 'passed',
      (error: { extensions: { code: string; vendorCode: string } }) => `${error.extensions.code} ${error.extensions.vendorCode}`,
    );

  it('answers VENDOR_RATE_LIMITED at once for a reset beyond 60 s (3600, an epoch value), without a timer, and looks again after 60 s', async () => {
    vi.useFakeTimers();
    for (const reset of ['3600', String(Math.floor(Date.now() / 1000) + 30)]) {
      const gate = new JPushQuota();
      (await gate.acquire())();
      gate.observe('messages/detail', exhausted(reset));
      expect(await codeOf(gate.acquire())).toBe('VENDOR_RATE_LIMITED QUOTA_WAIT_TOO_LONG');
      // Nothing left waiting or spinning.
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(59_999);
      expect(await codeOf(gate.acquire())).toBe('VENDOR_RATE_LIMITED QUOTA_WAIT_TOO_LONG');
      await vi.advanceTimersByTimeAsync(1);
      expect(await codeOf(gate.acquire())).toBe('passed');
    }
  });

  it('lets a request that is gone stop waiting at once, leaving no timer behind', async () => {
    vi.useFakeTimers();
    const gate = new JPushQuota();
    (await gate.acquire())();
    gate.observe('messages/detail', exhausted('30'));
    const gone = new AbortController();
    const waiting = codeOf(gate.acquire('messages/detail', gone.signal));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(1);
    gone.abort();
    expect(await waiting).toBe('VENDOR_UNAVAILABLE ABANDONED');
    expect(vi.getTimerCount()).toBe(0);
  });
});
