import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <key>` against `API_KEYS`. Keys are compared as SHA-256 digests with
 * timingSafeEqual, so neither a key's content nor its length leaks through timing.
 */
export function apiKeyCheck(apiKeys: readonly string[]): (req: IncomingMessage) => boolean {
  const expected = apiKeys.map(digest);
  return (req) => {
    if (expected.length === 0) return true;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return false;
    const presented = digest(match[1]);
    // Check every key (no early exit), so timing does not reveal which one matched.
    return expected.reduce((found, key) => timingSafeEqual(key, presented) || found, false);
  };
}

const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name';

/**
 * CORS per `CORS_ORIGINS`: an allowed origin gets the headers a browser needs; any other gets
 * none, so the browser refuses to hand it the answer. Returns true when the request was a
 * preflight and has been answered.
 */
export function applyCors(allowedOrigins: readonly string[], req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && allowedOrigins.includes(origin);
  res.setHeader('vary', 'Origin');
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
  }
  if (req.method !== 'OPTIONS') return false;
  if (allowed) {
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
    });
  } else {
    res.writeHead(403);
  }
  res.end();
  return true;
}
