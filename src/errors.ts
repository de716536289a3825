import { GraphQLError } from 'graphql';
import type { Vendor } from './domain.js';

/** The contract's error codes; the only place they are spelled. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  VENDOR_ERROR: 'VENDOR_ERROR',
  VENDOR_UNAVAILABLE: 'VENDOR_UNAVAILABLE',
  VENDOR_RATE_LIMITED: 'VENDOR_RATE_LIMITED',
  /** pushgraph's own campaign archive could not be read (only archive fields fail: `history`). */
  ARCHIVE_UNAVAILABLE: 'ARCHIVE_UNAVAILABLE',
  /** The caller went over RATE_LIMIT_PER_MINUTE (HTTP 429, Retry-After). */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The service sheds load while its event loop lags past MAX_EVENT_LOOP_DELAY_MS (HTTP 503, Retry-After). */
  OVERLOADED: 'OVERLOADED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export type VendorErrorCode = typeof ErrorCode.VENDOR_ERROR | typeof ErrorCode.VENDOR_UNAVAILABLE | typeof ErrorCode.VENDOR_RATE_LIMITED;

/** Whitelisted details that may reach clients: never URLs, headers or raw bodies (they can carry credentials). */
export interface VendorErrorDetail {
  vendorCode?: string;
  vendorMessage?: string;
  status?: number;
  requestId?: string;
}

export interface RetryHint {
  /** The failure may pass: the shared HTTP layer retries it (timeouts, 5xx, rate limits, Tencent 90102). */
  transient?: boolean;
  /** The vendor said when to come back (JPush `X-Rate-Limit-Reset`). */
  retryAfterMs?: number;
}

export class VendorError extends GraphQLError {
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly vendor: Vendor,
    code: VendorErrorCode,
    message: string,
    readonly detail: VendorErrorDetail = {},
    hint: RetryHint = {},
  ) {
    const extensions: Record<string, unknown> = { code, vendor };
    for (const [key, value] of Object.entries(detail)) if (value !== undefined) extensions[key] = value;
    super(message, { extensions });
    this.name = 'VendorError';
    this.transient = hint.transient ?? false;
    this.retryAfterMs = hint.retryAfterMs;
  }

  get code(): VendorErrorCode {
    return this.extensions.code as VendorErrorCode;
  }

  /** The same failure with every credential in `secrets` cut out of its message and vendor text. */
  scrubbed(secrets: readonly string[]): VendorError {
    const message = scrub(this.message, secrets);
    const vendorMessage = this.detail.vendorMessage === undefined ? undefined : scrub(this.detail.vendorMessage, secrets);
    if (message === this.message && vendorMessage === this.detail.vendorMessage) return this;
    return new VendorError(this.vendor, this.code, message, { ...this.detail, vendorMessage }, this);
  }

  /** The same failure, re-labelled once retries ran out (a rate limit that never cleared). */
  withCode(code: VendorErrorCode): VendorError {
    return new VendorError(this.vendor, code, this.message, this.detail);
  }
}

/** Shorter texts are not treated as secrets: cutting them would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * `text` with every occurrence of each secret, raw or URL-encoded, replaced by `[REDACTED]`:
 * a vendor (or a proxy) may echo the request, credentials included, in its error text.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  // Longest first, so a secret containing another is cut whole.
  const forms = [...new Set(secrets.flatMap((secret) => [secret, encodeURIComponent(secret)]))]
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const form of forms) scrubbed = scrubbed.split(form).join('[REDACTED]');
  return scrubbed;
}

/** An `app` the vendor (or, without one, no vendor) has: the one wording of it. */
export function unknownApp(app: string, vendor?: string): GraphQLError {
  return badUserInput(`Unknown app "${app}"${vendor ? ` for ${vendor}` : ''}`, 'app');
}

/** A bad argument, found before any vendor call. */
export function badUserInput(message: string, argumentName?: string, httpStatus?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.BAD_USER_INPUT,
      ...(argumentName ? { argumentName } : {}),
      // Refused before execution (operation limits): the whole request is bad, so HTTP says so.
      ...(httpStatus ? { http: { status: httpStatus } } : {}),
    },
  });
}

/** The campaign archive did not answer: the field that needs it fails alone, live figures still resolve. */
export function archiveUnavailable(): GraphQLError {
  return new GraphQLError('The campaign archive is unavailable; try again later', {
    extensions: { code: ErrorCode.ARCHIVE_UNAVAILABLE },
  });
}
