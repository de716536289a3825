import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulatedStat, startAliyunSimulator, type AliyunSimulator } from '../src/datasources/aliyun/simulator.js';
import { rpcTimestamp, signedQuery } from '../src/datasources/aliyun/signature.js';

/** The simulator is the fake of the other Alibaba tests: these hold it to Alibaba's gateway rules. */
describe('Alibaba simulator as a strict fake', () => {
  let sim: AliyunSimulator;
  beforeEach(async () => {
    sim = await startAliyunSimulator();
  });
  afterEach(() => sim.close());

  function params(overrides: Record<string, string | undefined> = {}): Record<string, string> {
    const all: Record<string, string | undefined> = {
      Action: 'QueryPushStatByMsg',
      Version: '2016-08-01',
      RegionId: 'cn-hangzhou',
      Format: 'JSON',
      AppKey: sim.credentials.appKey,
      MessageId: '510427',
      AccessKeyId: sim.credentials.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: rpcTimestamp(new Date()),
      ...overrides,
    };
    return Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined));
  }

  async function call(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${sim.url}/?${query}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const signed = (overrides: Record<string, string | undefined> = {}, secret = sim.credentials.accessKeySecret) =>
    call(signedQuery(params(overrides), secret));

  it('answers a correctly signed call with the PushStat of the MessageId', async () => {
    const answer = await signed();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      PushStats: { PushStat: [{ MessageId: '510427', ...simulatedStat('510427') }] },
    });
    expect(sim.outcomes).toEqual([{ messageId: '510427', status: 200, code: 'OK', requestId: answer.body.RequestId }]);
  });

  it('rejects a replayed SignatureNonce', async () => {
    const query = signedQuery(params(), sim.credentials.accessKeySecret);
    expect((await call(query)).status).toBe(200);
    const replay = await call(query);
    expect(replay).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed', Message: 'Specified signature nonce was used already.' } });
  });

  it('rejects a Timestamp more than 15 minutes off either way, and a badly formatted one', async () => {
    const at = (offsetMinutes: number) => rpcTimestamp(new Date(Date.now() + offsetMinutes * 60_000));
    expect((await signed({ Timestamp: at(-16) })).body.Code).toBe('InvalidTimeStamp.Expired');
    expect((await signed({ Timestamp: at(16) })).body.Code).toBe('InvalidTimeStamp.Expired');
    expect((await signed({ Timestamp: at(-14) })).status).toBe(200);
    expect((await signed({ Timestamp: '2016-02-23 12:46:24' })).body.Code).toBe('InvalidTimeStamp.Format');
    expect((await signed({ Timestamp: new Date().toISOString() })).body.Code).toBe('InvalidTimeStamp.Format');
  });

  it('rejects an unknown AccessKeyId', async () => {
    expect(await signed({ AccessKeyId: 'LTAIsomeoneelse' })).toMatchObject({
      status: 400,
      body: { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' },
    });
  });

  it('rejects a signature made with another secret, or a parameter changed after signing', async () => {
    const wrong = await signed({}, 'not-the-secret');
    expect(wrong.status).toBe(400);
    expect(wrong.body.Code).toBe('SignatureDoesNotMatch');
    expect(wrong.body.Message).toMatch(/^Specified signature is not matched with our calculation\. server string to sign is:GET&%2F&AccessKeyId%3D/);
    expect(JSON.stringify(wrong.body)).not.toContain(sim.credentials.accessKeySecret);
    const tampered = signedQuery(params({ MessageId: '510427' }), sim.credentials.accessKeySecret).replace('MessageId=510427', 'MessageId=510428');
    expect((await call(tampered)).body.Code).toBe('SignatureDoesNotMatch');
  });

  it('rejects a wrong Action, Version, Format, RegionId, signature method, AppKey or MessageId', async () => {
    expect(await signed({ Action: 'QueryPushStatByApp' })).toMatchObject({ status: 404, body: { Code: 'InvalidApi.NotFound' } });
    for (const [name, value] of [
      ['Version', '2015-08-27'],
      ['Format', 'XML'],
      ['RegionId', 'cn-shanghai'],
      ['SignatureMethod', 'HMAC-SHA256'],
      ['SignatureVersion', '2.0'],
      ['AppKey', '99999999'],
      ['MessageId', '51x'],
    ] as const) {
      expect(await signed({ [name]: value }), name).toMatchObject({
        status: 400,
        body: { Code: 'InvalidParameter', Message: `Specified parameter ${name} is not valid.` },
      });
    }
  });

  it('names a missing parameter as Alibaba does (Missing{ParameterName})', async () => {
    for (const name of ['RegionId', 'SignatureNonce', 'AppKey', 'MessageId']) {
      expect(await signed({ [name]: undefined }), name).toMatchObject({
        status: 400,
        body: { Code: `Missing${name}`, Message: `${name} is mandatory for this action.` },
      });
    }
    expect((await call(new URLSearchParams(params()).toString())).body.Code).toBe('MissingSignature');
  });

  it('throttles beyond 50 calls in one second (Throttling.User)', async () => {
    const answers = await Promise.all(Array.from({ length: 51 }, (_, i) => signed({ MessageId: String(1000 + i) })));
    const codes = answers.map((answer) => answer.body.Code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(50);
    expect(codes.filter((code) => code === 'Throttling.User')).toHaveLength(1);
  });

  it('serves test controls: exact data, pushed today, dropped ids, injected errors', async () => {
    sim.setStat('7', { AcceptCount: 9, SentCount: 8, ReceivedCount: 7, OpenedCount: 2, DeletedCount: 1, SmsSentCount: 1 });
    sim.pushedToday('8');
    sim.drop('9');
    sim.failNext('Throttling.Api');
    const stats = async (id: string) => (await signed({ MessageId: id })).body.PushStats;
    expect((await signed({ MessageId: '7' })).body).toMatchObject({ Code: 'Throttling.Api', Message: 'Request was denied due to api flow control.' });
    expect(await stats('7')).toEqual({ PushStat: [{ MessageId: '7', AcceptCount: 9, SentCount: 8, ReceivedCount: 7, OpenedCount: 2, DeletedCount: 1, SmsSentCount: 1 }] });
    expect(await stats('8')).toEqual({ PushStat: [{ MessageId: '8', AcceptCount: 0, SentCount: 0, ReceivedCount: 0, OpenedCount: 0, DeletedCount: 0 }] });
    expect(await stats('9')).toEqual({ PushStat: [] });
    expect(sim.outcomes.map((outcome) => outcome.code)).toEqual(['Throttling.Api', 'OK', 'OK', 'OK']);
  });
});

describe('Alibaba simulator data rule', () => {
  it('is deterministic per MessageId and internally consistent', () => {
    let composite = 0;
    for (let id = 1; id <= 3_000; id++) {
      const messageId = String(8_157_121_163_532_900_000n + BigInt(id) * 7n);
      const stat = simulatedStat(messageId);
      expect(simulatedStat(messageId)).toEqual(stat);
      if (messageId.endsWith('404')) {
        expect(stat).toBeNull();
        continue;
      }
      if (messageId.endsWith('0')) {
        expect(stat).toEqual({ AcceptCount: 0, SentCount: 0, ReceivedCount: 0, OpenedCount: 0, DeletedCount: 0 });
        continue;
      }
      const s = stat!;
      expect(s.AcceptCount).toBeGreaterThanOrEqual(s.SentCount);
      expect(s.SentCount).toBeGreaterThanOrEqual(s.ReceivedCount);
      expect(s.ReceivedCount).toBeGreaterThanOrEqual(s.OpenedCount + s.DeletedCount);
      expect(s.OpenedCount).toBeGreaterThan(0);
      if (s.SmsSentCount != null) {
        composite++;
        expect(s.SmsSentCount + s.SmsSkipCount! + s.SmsFailedCount!).toBe(s.SentCount - s.ReceivedCount);
        expect(s.SmsReceiveSuccessCount! + s.SmsReceiveFailedCount!).toBe(s.SmsSentCount);
      }
    }
    // About a third of the published messages are composite pushes.
    expect(composite).toBeGreaterThan(600);
    expect(composite).toBeLessThan(1_200);
  });

  it('follows the documented rule for unknown and pushed-today ids', () => {
    expect(simulatedStat('510404')).toBeNull();
    expect(simulatedStat('510420')).toMatchObject({ AcceptCount: 0, SentCount: 0 });
    expect(simulatedStat('510427')).toEqual({ AcceptCount: 58302, SentCount: 51298, ReceivedCount: 41020, OpenedCount: 1206, DeletedCount: 15743 });
  });
});
