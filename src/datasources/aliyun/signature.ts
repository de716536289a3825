import { createHmac } from 'node:crypto';

/**
 * Alibaba Cloud RPC signature v1 (HMAC-SHA1), as the "Request signatures" page of the RPC API
 * docs defines it. Pure functions: the client signs with them and the simulator verifies with them.
 */

/** RFC 3986 percent-encoding as Alibaba requires it: `!'()*` encoded too, space as %20, `~` kept. */
export function percentEncode(value: string): string {
  // encodeURIComponent already encodes space as %20 and keeps `~`; it leaves `!'()*` alone.
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Encoded `k=v` pairs sorted by parameter name (code-unit order), joined by `&`. `Signature` itself is left out. */
export function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key] ?? '')}`)
    .join('&');
}

/** `GET&%2F&` + the percent-encoded canonical query. */
export function stringToSign(params: Readonly<Record<string, string>>): string {
  return `GET&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

/** Base64 HMAC-SHA1 of the string to sign, keyed with `AccessKeySecret + "&"`. */
export function signature(params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(params)).digest('base64');
}

/** The query string of a signed GET: the canonical query plus `Signature`. */
export function signedQuery(params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return `${canonicalQuery(params)}&Signature=${percentEncode(signature(params, accessKeySecret))}`;
}

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC, the only Timestamp format the RPC API accepts. */
export function rpcTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
