import type { z } from 'zod/v4';
import { ErrorCode, VendorError } from '../../errors.js';
import { parseVendorJson, type AnswerItem, type VendorHttp, type VendorResponse } from '../http.js';
import { readRateLimit } from './quota.js';
import {
  JPushErrorBodySchema,
  JPushErrorCode,
  JPushMessagesDetailSchema,
  JPushReceivedDetailsSchema,
  JPushStatusAnswerSchema,
  JPushUsersAnswerSchema,
  MSG_ID_PATTERN,
  quoteMsgIds,
  type JPushMessageDetailParsed,
  type JPushReceivedDetailParsed,
  type JPushStatusAnswer,
  type JPushTimeUnit,
  type JPushUsersItemParsed,
} from './types.js';

/** CONTRACT.md: `JPUSH_REPORT_URL` default. */
export const DEFAULT_REPORT_URL = 'https://report.jpush.cn/v3';

export interface JPushClientOptions {
  /** Report API base, e.g. `https://report.jpush.cn/v3` (no trailing slash needed). */
  baseUrl: string;
  appKey: string;
  masterSecret: string;
  /** The shared HTTP layer, with this app's {@link JPushQuota} as its gate. */
  http: VendorHttp;
}

/** JPush "Call verification": HTTP Basic with `appKey:masterSecret`. */
export function basicAuthorization(appKey: string, masterSecret: string): string {
  return `Basic ${Buffer.from(`${appKey}:${masterSecret}`, 'utf8').toString('base64')}`;
}

/**
 * JPush Report API v3 for one app (process-wide). Every answer goes through {@link toFailure}
 * first, so any JPush error body becomes a VendorError here and nowhere else.
 */
export class JPushClient {
  readonly appKey: string;
  private readonly baseUrl: string;
  // Built once; never logged: VendorHttp logs endpoints and codes, not headers.
  private readonly authorization: string;

  constructor(private readonly options: JPushClientOptions) {
    this.appKey = options.appKey;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = basicAuthorization(options.appKey, options.masterSecret);
  }

  /**
   * `GET /v3/messages/detail` (VIP): per message type and channel figures of up to 100 msg_ids.
   * Ids JPush does not know are absent from the answer. Apps without the VIP interface get a
   * VENDOR_ERROR with vendorCode "2003".
   */
  getMessagesDetail(msgIds: readonly string[], signal?: AbortSignal): Promise<Array<AnswerItem<JPushMessageDetailParsed>>> {
    return this.getByMsgIds('messages/detail', msgIds, JPushMessagesDetailSchema, signal);
  }

  /** `GET /v3/received/detail`: sent / received counters of up to 100 msg_ids (every plan). */
  getReceivedDetail(msgIds: readonly string[], signal?: AbortSignal): Promise<Array<AnswerItem<JPushReceivedDetailParsed>>> {
    return this.getByMsgIds('received/detail', msgIds, JPushReceivedDetailsSchema, signal);
  }

  /**
   * `POST /v3/status/message` (VIP): the delivery status of one msg_id on up to 1000 devices.
   * `date` (yyyy-mm-dd) defaults to today on JPush's side when omitted.
   */
  postStatusMessage(msgId: string, registrationIds: readonly string[], date: string | undefined): Promise<JPushStatusAnswer> {
    assertMsgIds([msgId]);
    // The doc's example sends msg_id as a JSON number; JSON.stringify of a JS number would round
    // it above 2^53, so the validated digits go into the body verbatim.
    const body = `{"msg_id":${msgId},"registration_ids":${JSON.stringify(registrationIds)}${date === undefined ? '' : `,"date":${JSON.stringify(date)}`}}`;
    return this.options.http.call({
      endpoint: 'status/message',
      ids: registrationIds.length,
      request: () => ({
        url: `${this.baseUrl}/status/message`,
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json' },
        body,
      }),
      parse: (response) => parseAnswer(response, JPushStatusAnswerSchema),
    });
  }

  /** `GET /v3/users` (VIP): new / online / active users per platform and time unit. */
  async getUsers(timeUnit: JPushTimeUnit, start: string, duration: number): Promise<JPushUsersItemParsed[]> {
    const query = `time_unit=${timeUnit}&start=${encodeURIComponent(start)}&duration=${duration}`;
    const answer = await this.options.http.call({
      endpoint: 'users',
      request: () => ({ url: `${this.baseUrl}/users?${query}`, headers: { authorization: this.authorization } }),
      parse: (response) => parseAnswer(response, JPushUsersAnswerSchema),
    });
    return answer.items;
  }

  /** `signal` aborts once nobody waits for these ids: a call still waiting for the quota is dropped. */
  private getByMsgIds<S extends z.ZodType>(
    endpoint: string,
    msgIds: readonly string[],
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    assertMsgIds(msgIds);
    // Commas unescaped, as in the doc's examples; the ids are digits only.
    const url = `${this.baseUrl}/${endpoint}?msg_ids=${msgIds.join(',')}`;
    return this.options.http.call({
      endpoint,
      ids: msgIds.length,
      signal,
      request: () => ({ url, headers: { authorization: this.authorization } }),
      parse: (response) => parseAnswer(response, schema),
    });
  }
}

// The loader validates ids before any call; this guards the raw digits written into URLs and bodies.
function assertMsgIds(msgIds: readonly string[]): void {
  for (const id of msgIds) if (!MSG_ID_PATTERN.test(id)) throw new RangeError('JPush msg_ids must be validated before a call');
}

/** A JPush answer → typed value, or the VendorError it stands for. */
function parseAnswer<S extends z.ZodType>(response: VendorResponse, schema: S): z.output<S> {
  const failure = toFailure(response);
  if (failure) throw failure;
  return parseVendorJson('JPUSH', { ...response, text: quoteMsgIds(response.text) }, schema);
}

function errorBody(text: string): { code: string; message: string | undefined } | undefined {
  // An error body is an object; the report endpoints answer arrays, which are parsed once, later.
  if (/^\s*\[/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = JPushErrorBodySchema.safeParse(json);
  return parsed.success ? { code: String(parsed.data.error.code), message: parsed.data.error.message } : undefined;
}

/**
 * JPush's failures (doc "error code"): any `{"error": {code, message}}` body is VENDOR_ERROR with
 * the code as vendorCode, including 401/3001 (our credentials failed, not the caller's). HTTP 429
 * or code 2002 is the per-minute quota: transient, retried after `X-Rate-Limit-Reset`. Code 10
 * (system internal error) is transient too.
 */
export function toFailure(response: VendorResponse): VendorError | undefined {
  const body = errorBody(response.text);
  const status = response.status;
  if (status === 429 || body?.code === String(JPushErrorCode.RATE_LIMITED)) {
    const reset = readRateLimit(response.headers).resetSeconds;
    return new VendorError(
      'JPUSH',
      ErrorCode.VENDOR_RATE_LIMITED,
      'JPush per-minute quota exhausted',
      { vendorCode: body?.code ?? String(JPushErrorCode.RATE_LIMITED), vendorMessage: body?.message, status },
      { transient: true, retryAfterMs: reset === undefined ? undefined : reset * 1000 },
    );
  }
  if (body) {
    return new VendorError(
      'JPUSH',
      ErrorCode.VENDOR_ERROR,
      `JPush error ${body.code}${body.message ? `: ${body.message}` : ''}`,
      { vendorCode: body.code, vendorMessage: body.message, status },
      { transient: body.code === String(JPushErrorCode.SYSTEM_ERROR) },
    );
  }
  if (status >= 400) {
    return new VendorError('JPUSH', ErrorCode.VENDOR_ERROR, `JPush answered HTTP ${status}`, { vendorCode: `HTTP_${status}`, status });
  }
  return undefined;
}
