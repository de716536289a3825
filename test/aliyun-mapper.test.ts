import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVendorJson, type VendorResponse } from '../src/datasources/http.js';
import { findPushStat, toCampaignFigures } from '../src/datasources/aliyun/mapper.js';
import { QueryPushStatByMsgResponseSchema } from '../src/datasources/aliyun/types.js';

function answer(fixture: string): VendorResponse {
  const text = readFileSync(new URL(`./fixtures/aliyun/${fixture}`, import.meta.url), 'utf8');
  return { status: 200, headers: new Headers(), text };
}

/** Fixture JSON through the boundary schema and the mapper, as the loader does. */
function figures(fixture: string, messageId: string) {
  const stat = findPushStat(parseVendorJson('ALIYUN', answer(fixture), QueryPushStatByMsgResponseSchema), messageId);
  return stat && toCampaignFigures(stat);
}

describe('Alibaba mapper', () => {
  it("maps the vendor doc's example: Accept→target, Sent→sent, Received→received, Opened→clicked, Deleted→dismissed", () => {
    expect(figures('QueryPushStatByMsg.json', '510427')).toEqual({
      availability: 'READY',
      funnel: { target: 120, sent: 100, received: 60, displayed: null, clicked: 30, dismissed: 10 },
      // Present zeros are figures (a composite push that needed no SMS), not absent fields.
      sms: { sent: 0, receiveSuccess: 0, receiveFailed: 0, skipped: 0, failed: 0 },
    });
  });

  it('maps the Sms* counts of a composite push', () => {
    expect(figures('QueryPushStatByMsg-composite.json', '8157121163532902401')).toEqual({
      availability: 'READY',
      funnel: { target: 5000, sent: 4800, received: 4100, displayed: null, clicked: 420, dismissed: 900 },
      sms: { sent: 600, receiveSuccess: 570, receiveFailed: 30, skipped: 80, failed: 20 },
    });
  });

  it('gives sms null when every Sms* field is absent', () => {
    expect(figures('QueryPushStatByMsg-no-sms.json', '510429')).toEqual({
      availability: 'READY',
      funnel: { target: 2000, sent: 1900, received: 1500, displayed: null, clicked: 200, dismissed: 300 },
      sms: null,
    });
  });

  it('gives null for each absent or null Sms* field', () => {
    expect(figures('QueryPushStatByMsg-partial-sms.json', '510428')?.sms).toEqual({
      sent: 12,
      receiveSuccess: null,
      receiveFailed: null,
      skipped: null,
      failed: null,
    });
  });

  it('reads all zeros as PENDING (T+1), with no funnel and no sms', () => {
    expect(figures('QueryPushStatByMsg-pending.json', '510430')).toEqual({ availability: 'PENDING', funnel: null, sms: null });
  });

  it('reads an empty PushStat list as an unknown message', () => {
    expect(figures('QueryPushStatByMsg-unknown.json', '510404')).toBeNull();
  });

  it('accepts MessageId as a JSON number (the Chinese doc edition) and matches it', () => {
    expect(figures('QueryPushStatByMsg-numeric-id.json', '510427')?.funnel).toEqual({
      target: 120,
      sent: 100,
      received: 60,
      displayed: null,
      clicked: 30,
      dismissed: 10,
    });
  });

  it('picks the entry of the asked MessageId, and the sole entry when none names it', () => {
    const stat = (id: string, accept: number) => ({ MessageId: id, AcceptCount: accept, SentCount: 1, ReceivedCount: 1, OpenedCount: 0, DeletedCount: 0 });
    const two = { RequestId: 'r', PushStats: { PushStat: [stat('1', 10), stat('2', 20)] } };
    expect(findPushStat(two, '2')?.AcceptCount).toBe(20);
    expect(findPushStat(two, '3')).toBeNull();
    // 19-digit ids lose digits as JSON numbers; a one-id query's one entry is still that id.
    expect(findPushStat({ RequestId: 'r', PushStats: { PushStat: [stat('8157121163532902000', 7)] } }, '8157121163532902401')?.AcceptCount).toBe(7);
  });

  it('turns an off-shape answer into VENDOR_ERROR MALFORMED_RESPONSE', () => {
    const bad: VendorResponse = { status: 200, headers: new Headers(), text: JSON.stringify({ RequestId: 'r', PushStats: { PushStat: [{ MessageId: '1', AcceptCount: '12' }] } }) };
    expect(() => parseVendorJson('ALIYUN', bad, QueryPushStatByMsgResponseSchema)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'VENDOR_ERROR', vendor: 'ALIYUN', vendorCode: 'MALFORMED_RESPONSE' }) }),
    );
  });
});
