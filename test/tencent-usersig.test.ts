import { createHmac } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TencentCredentials } from '../src/datasources/tencent/types.js';
import { genUserSig, UserSigSigner, verifyUserSig } from '../src/datasources/tencent/usersig.js';

// The example app of Tencent's reference libraries (tencentyun/tls-sig-api-v2-*: TLSSigAPITest).
const EXAMPLE: TencentCredentials = {
  sdkAppId: '1400000000',
  secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
  adminId: 'xiaojun',
};
const EXPIRE = 180 * 86400;
const TIME = 1_700_000_000;

/** Independent decoding: undo Tencent's base64 swaps, base64-decode, inflate, parse. */
function decode(userSig: string): Record<string, unknown> {
  const base64 = userSig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
  return JSON.parse(inflateSync(Buffer.from(base64, 'base64')).toString('utf8')) as Record<string, unknown>;
}

describe('Tencent UserSig (TLS sig v2)', () => {
  it('signs the documented fields: deflated JSON, HMAC-SHA256 over the four TLS lines, Tencent base64', () => {
    const sig = genUserSig(EXAMPLE, EXPIRE, TIME);
    expect(sig).toMatch(/^[A-Za-z0-9*_-]+$/);
    const doc = decode(sig);
    expect(Object.keys(doc)).toEqual(['TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.expire', 'TLS.time', 'TLS.sig']);
    // `openssl dgst -sha256 -hmac <key> -binary | base64` over the four lines, computed outside Node.
    expect(doc).toEqual({
      'TLS.ver': '2.0',
      'TLS.identifier': 'xiaojun',
      'TLS.sdkappid': 1400000000,
      'TLS.expire': EXPIRE,
      'TLS.time': TIME,
      'TLS.sig': 'LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=',
    });
    const recomputed = createHmac('sha256', EXAMPLE.secretKey)
      .update(`TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:${TIME}\nTLS.expire:${EXPIRE}\n`)
      .digest('base64');
    expect(doc['TLS.sig']).toBe(recomputed);
  });

  it('reuses one UserSig until ten minutes before it expires, then signs a new one', () => {
    let now = TIME * 1000;
    const signer = new UserSigSigner(EXAMPLE, () => now);
    const first = signer.current();
    expect(decode(first)).toMatchObject({ 'TLS.time': TIME, 'TLS.expire': 86400 });
    now += (86400 - 601) * 1000;
    expect(signer.current()).toBe(first);
    now += 1000;
    const second = signer.current();
    expect(second).not.toBe(first);
    expect(decode(second)).toMatchObject({ 'TLS.time': TIME + 86400 - 600, 'TLS.expire': 86400 });
  });

  it('verifies like Tencent: 70009 other key, 70013 other identifier, 70014 other SDKAppID, 70001 expired, 70003 unreadable', () => {
    const sig = genUserSig(EXAMPLE, 3600, TIME);
    const request = { sdkAppId: '1400000000', identifier: 'xiaojun' };
    expect(verifyUserSig(sig, request, EXAMPLE.secretKey, TIME + 3600)).toEqual({ ok: true });
    const code = (verdict: ReturnType<typeof verifyUserSig>): number | undefined => (verdict.ok ? undefined : verdict.errorCode);
    expect(code(verifyUserSig(sig, request, 'another-key', TIME))).toBe(70009);
    expect(code(verifyUserSig(sig, { ...request, identifier: 'administrator' }, EXAMPLE.secretKey, TIME))).toBe(70013);
    expect(code(verifyUserSig(sig, { ...request, sdkAppId: '1400000001' }, EXAMPLE.secretKey, TIME))).toBe(70014);
    expect(code(verifyUserSig(sig, request, EXAMPLE.secretKey, TIME + 3601))).toBe(70001);
    expect(code(verifyUserSig('not-a-usersig', request, EXAMPLE.secretKey, TIME))).toBe(70003);
  });
});
