import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { z } from 'zod/v4';
import type { TencentCredentials } from './types.js';

/**
 * UserSig, Tencent's TLS sig v2 ("generate UserSig"; reference code tencentyun/tls-sig-api-v2-*):
 * HMAC-SHA256, keyed with the app's secret key, over
 * `TLS.identifier:…\nTLS.sdkappid:…\nTLS.time:…\nTLS.expire:…\n`; the base64 HMAC goes into the
 * JSON document {TLS.ver, TLS.identifier, TLS.sdkappid, TLS.expire, TLS.time, TLS.sig}, which is
 * zlib-deflated and base64-encoded with Tencent's URL-safe swaps (+ → *, / → -, = → _).
 */

/** Tencent recommends UserSigs valid for at least a day (account error code 70001). */
export const USERSIG_EXPIRE_SECONDS = 24 * 60 * 60;
/** A UserSig is replaced this long before it expires, so none is ever sent about to lapse. */
export const USERSIG_REFRESH_BEFORE_SECONDS = 10 * 60;

function signedContent(identifier: string, sdkAppId: number, time: number, expire: number): string {
  return `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
}

function hmacBase64(secretKey: string, content: string): string {
  return createHmac('sha256', secretKey).update(content, 'utf8').digest('base64');
}

const escapeBase64 = (base64: string): string => base64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
const unescapeBase64 = (sig: string): string => sig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');

/**
 * Issues a UserSig for `credentials.adminId`, valid `expireSeconds` from `nowSeconds`.
 * The result is a secret: it never goes into a log line or an error.
 */
export function genUserSig(credentials: TencentCredentials, expireSeconds: number, nowSeconds: number): string {
  const sdkAppId = Number(credentials.sdkAppId);
  const doc = {
    'TLS.ver': '2.0',
    'TLS.identifier': credentials.adminId,
    'TLS.sdkappid': sdkAppId,
    'TLS.expire': expireSeconds,
    'TLS.time': nowSeconds,
    'TLS.sig': hmacBase64(credentials.secretKey, signedContent(credentials.adminId, sdkAppId, nowSeconds, expireSeconds)),
  };
  return escapeBase64(deflateSync(Buffer.from(JSON.stringify(doc), 'utf8')).toString('base64'));
}

/** Signs once and reuses the UserSig for every call until shortly before it expires. */
export class UserSigSigner {
  private issued: { sig: string; expiresAt: number } | undefined;

  constructor(
    private readonly credentials: TencentCredentials,
    private readonly now: () => number = Date.now,
    private readonly expireSeconds = USERSIG_EXPIRE_SECONDS,
  ) {}

  /** The UserSig to send now: the cached one, or a fresh one when the cached one is close to expiry. */
  current(): string {
    const nowSeconds = Math.floor(this.now() / 1000);
    if (!this.issued || nowSeconds >= this.issued.expiresAt - USERSIG_REFRESH_BEFORE_SECONDS) {
      this.issued = {
        sig: genUserSig(this.credentials, this.expireSeconds, nowSeconds),
        expiresAt: nowSeconds + this.expireSeconds,
      };
    }
    return this.issued.sig;
  }
}

const UserSigDocSchema = z.object({
  'TLS.ver': z.literal('2.0'),
  'TLS.identifier': z.string(),
  'TLS.sdkappid': z.number().int(),
  'TLS.expire': z.number().int(),
  'TLS.time': z.number().int(),
  'TLS.sig': z.string(),
});

/** Tencent's verdict on a UserSig: accepted, or the account error code it answers (REST API common error codes). */
export type UserSigVerdict = { ok: true } | { ok: false; errorCode: number; errorInfo: string };

/**
 * Checks a UserSig the way Tencent does for a REST call made as `identifier` of `sdkAppId`
 * (used by the simulator): 70003 unreadable, 70014 other SDKAppID, 70013 other identifier,
 * 70009 signed with another key, 70001 expired.
 */
export function verifyUserSig(
  userSig: string,
  request: { sdkAppId: string; identifier: string },
  secretKey: string,
  nowSeconds: number,
): UserSigVerdict {
  let doc: z.output<typeof UserSigDocSchema>;
  try {
    const json: unknown = JSON.parse(inflateSync(Buffer.from(unescapeBase64(userSig), 'base64')).toString('utf8'));
    doc = UserSigDocSchema.parse(json);
  } catch {
    return { ok: false, errorCode: 70003, errorInfo: 'UserSig could not be parsed' };
  }
  if (String(doc['TLS.sdkappid']) !== request.sdkAppId) {
    return { ok: false, errorCode: 70014, errorInfo: 'The SDKAppID in the request does not match the UserSig' };
  }
  if (doc['TLS.identifier'] !== request.identifier) {
    return { ok: false, errorCode: 70013, errorInfo: 'The identifier in the request does not match the UserSig' };
  }
  const expected = Buffer.from(hmacBase64(secretKey, signedContent(doc['TLS.identifier'], doc['TLS.sdkappid'], doc['TLS.time'], doc['TLS.expire'])));
  const given = Buffer.from(doc['TLS.sig']);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, errorCode: 70009, errorInfo: 'UserSig verification failed' };
  }
  if (doc['TLS.time'] + doc['TLS.expire'] < nowSeconds) {
    return { ok: false, errorCode: 70001, errorInfo: 'UserSig has expired' };
  }
  return { ok: true };
}
