import {
  BrokenCircuitError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Span } from '@opentelemetry/api';
import { z } from 'zod/v4';
import { DEFAULT_APP } from '../apps.js';
import type { Vendor } from '../domain.js';
import { ErrorCode, scrub, VendorError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { tracer } from '../tracing.js';

/** A vendor's answer, read whole: vendors fail with 200 too (Tencent), so parsers see status and body together. */
export interface VendorResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** One HTTP request to a vendor, built afresh for every attempt (signatures, nonces, timestamps). */
export interface VendorRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface VendorCall<T> {
  /** The vendor API, e.g. `messages/detail`: labels logs and metrics, keys quota and circuit. */
  endpoint: string;
  /** Number of ids this call carries (logs and metrics show batching). */
  ids?: number;
  request(): VendorRequest;
  /** Aborts once nobody waits for this call's answer: a call still waiting at the quota gate is dropped. */
  signal?: AbortSignal;
  /** Called as each attempt leaves (after the quota gate): rate clocks count from the real send. */
  onSend?(): void;
  /** Turns an answer (any status below 500) into a value, or throws a {@link VendorError}. */
  parse(response: VendorResponse): T;
}

/**
 * Per-vendor quota scheduling: `acquire` resolves when a call may leave (rate slots, concurrency
 * limits) and returns the function that frees the slot once the answer is in.
 */
export interface QuotaGate {
  acquire(endpoint: string, signal?: AbortSignal): Promise<() => void>;
  /** Learns from every answer, e.g. JPush's `X-Rate-Limit-*` headers. */
  observe?(endpoint: string, response: VendorResponse): void;
}

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A vendor asking us to wait longer than this is answered VENDOR_RATE_LIMITED at once. */
  maxRetryAfterMs: number;
}

export interface VendorHttpOptions {
  vendor: Vendor;
  /** The app whose calls these are (labels metrics and logs); default `default`. */
  app?: string;
  timeoutMs: number;
  logger: Logger;
  metrics: Metrics;
  gate?: QuotaGate;
  retry?: Partial<RetryPolicy>;
  /** Consecutive unavailable answers that open an endpoint's circuit. */
  breakerThreshold?: number;
  /** How long an open circuit answers at once before one trial call. */
  breakerHalfOpenAfterMs?: number;
  /** Calls of this process in flight at once (undefined = the quota gate alone decides); the rest wait their turn. */
  maxConcurrency?: number;
  /** Bytes a vendor's answer may have; a larger one is cut off and answered VENDOR_ERROR. */
  maxBodyBytes?: number;
  /** The configured credentials (secrets, keys): cut out of every vendor text before it reaches an error or a log. */
  secrets?: readonly string[];
}

/** 100 msg_ids of JPush `messages/detail` are ~0.3 MB: 16 MiB is far above any real answer. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Request parameters that carry a credential: Tencent's `usersig`, Alibaba's `Signature`. */
const CREDENTIAL_PARAMS = /^(usersig|signature|accesskeysecret)$/i;

/**
 * The credentials one request carries, in every form a vendor may echo them: the Authorization
 * value, its Basic `appKey:secret` decoded and each half, signed query and form parameters.
 */
export function requestSecrets(request: VendorRequest): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() !== 'authorization') continue;
    secrets.push(value);
    const basic = /^Basic\s+(\S+)$/i.exec(value)?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      secrets.push(basic, decoded, ...decoded.split(':'));
    }
  }
  const params = [...new URL(request.url).searchParams];
  if (request.body !== undefined && !request.body.trimStart().startsWith('{')) params.push(...new URLSearchParams(request.body));
  for (const [name, value] of params) if (CREDENTIAL_PARAMS.test(name)) secrets.push(value);
  return secrets;
}

/**
 * Per-vendor retry budget (gRPC's retry throttling): every retry spends a token, every success
 * earns a tenth of one; below half the bucket no retries are made. A vendor that fails most calls
 * then gets each call once, instead of three times the load while it is struggling.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly maxTokens = 10,
    private readonly tokenRatio = 0.1,
  ) {
    this.tokens = maxTokens;
  }

  onSuccess(): void {
    this.tokens = Math.min(this.maxTokens, this.tokens + this.tokenRatio);
  }

  /** Spends a token if retrying is still allowed. */
  trySpend(): boolean {
    if (this.tokens <= this.maxTokens / 2) return false;
    this.tokens -= 1;
    return true;
  }
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 60_000 };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one HTTP layer every vendor client uses: timeout, transport failures and 5xx mapped to
 * the contract's codes, retries of transient failures with jittered exponential backoff, a
 * circuit breaker per endpoint, and the vendor's quota gate before every attempt.
 */
export class VendorHttp {
  readonly vendor: Vendor;
  /** Vendor and app: what every metric and log line of this layer is labelled with. */
  private readonly scope: { vendor: Vendor; app: string };
  private readonly retry: RetryPolicy;
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly budget = new RetryBudget();
  private readonly concurrency: BulkheadPolicy | undefined;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: VendorHttpOptions) {
    this.vendor = options.vendor;
    this.scope = { vendor: options.vendor, app: options.app ?? DEFAULT_APP };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.concurrency = options.maxConcurrency === undefined ? undefined : bulkhead(options.maxConcurrency, Infinity);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** Sends `call`, retrying transient failures; resolves with `call.parse`'s value or rejects with a VendorError. */
  async call<T>(call: VendorCall<T>): Promise<T> {
    const labels = { ...this.scope, endpoint: call.endpoint };
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await this.attempt(call);
        this.budget.onSuccess();
        this.options.metrics.vendorCalls.inc({ ...labels, outcome: 'ok' });
        return value;
      } catch (error) {
        const failure = this.asVendorError(error);
        // Dropped at the gate because nobody waits for it: no call was made, nothing to count or log.
        if (failure.detail.vendorCode === 'ABANDONED') throw failure;
        this.options.metrics.vendorCalls.inc({ ...labels, outcome: failure.code });
        const delay = this.retryDelay(failure, attempt);
        if (delay === undefined) {
          this.options.logger.warn(
            { ...this.scope, endpoint: call.endpoint, attempt, code: failure.code, ...failure.extensions },
            'vendor call failed',
          );
          throw failure;
        }
        this.options.logger.info(
          { ...this.scope, endpoint: call.endpoint, attempt, delay, code: failure.code },
          'vendor call retried',
        );
        await sleep(delay);
      }
    }
  }

  /** Undefined = give up now. */
  private retryDelay(failure: VendorError, attempt: number): number | undefined {
    if (!failure.transient || attempt >= this.retry.attempts || !this.budget.trySpend()) return undefined;
    if (failure.retryAfterMs !== undefined) {
      return failure.retryAfterMs <= this.retry.maxRetryAfterMs ? failure.retryAfterMs : undefined;
    }
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private attempt<T>(call: VendorCall<T>): Promise<T> {
    return this.concurrency ? this.concurrency.execute(() => this.gated(call)) : this.gated(call);
  }

  private async gated<T>(call: VendorCall<T>): Promise<T> {
    const waitStarted = performance.now();
    const release = this.options.gate ? await this.options.gate.acquire(call.endpoint, call.signal) : undefined;
    this.options.metrics.quotaWait.observe({ ...this.scope, endpoint: call.endpoint }, (performance.now() - waitStarted) / 1000);
    try {
      return await this.breaker(call.endpoint).execute(() => this.exchange(call));
    } finally {
      release?.();
    }
  }

  private async exchange<T>(call: VendorCall<T>): Promise<T> {
    const request = call.request();
    const secrets = [...(this.options.secrets ?? []), ...requestSecrets(request)];
    call.onSend?.();
    const started = performance.now();
    // Batched calls serve many requests at once, so they are spans of their own (no parent).
    const span = tracer().startSpan(`vendor ${this.vendor} ${call.endpoint}`, {
      attributes: { 'pushgraph.vendor': this.vendor, 'pushgraph.endpoint': call.endpoint, 'pushgraph.ids': call.ids ?? 0 },
    });
    try {
      return await this.send(call, request, started, span);
    } catch (error) {
      // Vendor text (an echoing vendor or proxy) may carry this request's credentials.
      if (error instanceof VendorError) throw error.scrubbed(secrets);
      if (error instanceof Error) error.message = scrub(error.message, secrets);
      throw error;
    } finally {
      span.end();
    }
  }

  private async send<T>(call: VendorCall<T>, request: VendorRequest, started: number, span: Span): Promise<T> {
    let response: VendorResponse;
    // One deadline for the whole exchange: headers and body alike.
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const answer = await fetch(request.url, { method: request.method ?? 'GET', headers: request.headers, body: request.body, signal });
      response = { status: answer.status, headers: answer.headers, text: await this.readBody(answer) };
    } catch (error) {
      if (error instanceof VendorError) throw error;
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw this.unavailable(
        timedOut ? `${this.vendor} did not answer within ${this.options.timeoutMs} ms` : `${this.vendor} could not be reached`,
        {
          vendorCode: timedOut ? 'TIMEOUT' : 'CONNECTION_ERROR',
        },
      );
    }
    span.setAttribute('http.response.status_code', response.status);
    const seconds = (performance.now() - started) / 1000;
    const labels = { ...this.scope, endpoint: call.endpoint };
    this.options.metrics.vendorLatency.observe(labels, seconds);
    if (call.ids !== undefined) this.options.metrics.idsPerCall.observe(labels, call.ids);
    this.options.logger.debug({ ...labels, ids: call.ids, status: response.status, ms: Math.round(seconds * 1000) }, 'vendor call');
    this.options.gate?.observe?.(call.endpoint, response);
    if (response.status >= 500) {
      throw this.unavailable(`${this.vendor} answered HTTP ${response.status}`, { status: response.status });
    }
    return call.parse(response);
  }

  /** The body, read as it streams in and given up past `maxBodyBytes`: a huge answer never sits in memory. */
  private async readBody(answer: Response): Promise<string> {
    const tooLarge = (): VendorError =>
      new VendorError(this.vendor, ErrorCode.VENDOR_ERROR, `${this.vendor} answered more than ${this.maxBodyBytes} bytes`, {
        vendorCode: 'RESPONSE_TOO_LARGE',
        status: answer.status,
      });
    if (Number(answer.headers.get('content-length') ?? 0) > this.maxBodyBytes) {
      await answer.body?.cancel();
      throw tooLarge();
    }
    if (!answer.body) return '';
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    const reader = answer.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > this.maxBodyBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private unavailable(message: string, detail: { vendorCode?: string; status?: number }): VendorError {
    return new VendorError(this.vendor, ErrorCode.VENDOR_UNAVAILABLE, message, detail, { transient: true });
  }

  private breaker(endpoint: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(endpoint);
    if (!breaker) {
      // Only "the vendor is down" opens the circuit: a vendor saying no is an answer, not an outage.
      breaker = circuitBreaker(
        handleWhen((error) => error instanceof VendorError && error.code === ErrorCode.VENDOR_UNAVAILABLE),
        {
          halfOpenAfter: this.options.breakerHalfOpenAfterMs ?? 10_000,
          breaker: new ConsecutiveBreaker(this.options.breakerThreshold ?? 5),
        },
      );
      const state = { [CircuitState.Closed]: 0, [CircuitState.HalfOpen]: 1, [CircuitState.Open]: 2, [CircuitState.Isolated]: 2 };
      breaker.onStateChange((next) => this.options.metrics.circuitState.set({ ...this.scope, endpoint }, state[next]));
      this.options.metrics.circuitState.set({ ...this.scope, endpoint }, 0);
      this.breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  private asVendorError(error: unknown): VendorError {
    if (error instanceof VendorError) return error;
    if (error instanceof BrokenCircuitError) {
      return new VendorError(this.vendor, ErrorCode.VENDOR_UNAVAILABLE, `${this.vendor} is failing; calls are paused for a few seconds`, {
        vendorCode: 'CIRCUIT_OPEN',
      });
    }
    // A parser bug must still become a vendor-scoped error, never an escaped exception.
    this.options.logger.error({ ...this.scope, err: error }, 'unexpected error in vendor call');
    return new VendorError(this.vendor, ErrorCode.VENDOR_ERROR, `${this.vendor} answered something pushgraph could not read`, {
      vendorCode: 'MALFORMED_RESPONSE',
    });
  }
}

/**
 * Validates a vendor's JSON at the boundary: anything off-shape (HTML error page, wrong types,
 * missing fields) is a VENDOR_ERROR, never a crash further in.
 */
export function parseVendorJson<S extends z.ZodType>(vendor: Vendor, response: VendorResponse, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    throw malformed(vendor, response, 'not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw malformed(vendor, response, parsed.error.issues[0]?.path.join('.') || 'unexpected shape');
  return parsed.data;
}

function malformed(vendor: Vendor, response: VendorResponse, what: string): VendorError {
  return unreadable(vendor, what, response.status);
}

/** VENDOR_ERROR / MALFORMED_RESPONSE: the answer, or one campaign's part of it, could not be read. */
export function unreadable(vendor: Vendor, what: string, status?: number): VendorError {
  return new VendorError(vendor, ErrorCode.VENDOR_ERROR, `${vendor} answered something pushgraph could not read (${what})`, {
    vendorCode: 'MALFORMED_RESPONSE',
    status,
  });
}

/** One element of an answer array, read on its own: its value, or what in it could not be read. */
export type AnswerItem<T> = { ok: true; value: T } | { ok: false; id: string; field: string };

/**
 * An answer array validated per element, so one odd element fails only its own id. An element
 * whose id cannot be read cannot be told apart from an unknown id: that fails the whole answer.
 */
export function perItem<T>(idOf: z.ZodType<string, unknown>, item: z.ZodType<T, unknown>): z.ZodType<Array<AnswerItem<T>>, unknown> {
  return z.array(
    z.unknown().transform((element, ctx): AnswerItem<T> | typeof z.NEVER => {
      const id = idOf.safeParse(element);
      if (!id.success) {
        for (const issue of id.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        return z.NEVER;
      }
      const parsed = item.safeParse(element);
      if (parsed.success) return { ok: true, value: parsed.data };
      return { ok: false, id: id.data, field: parsed.error.issues[0]?.path.join('.') || 'unexpected shape' };
    }),
  );
}
