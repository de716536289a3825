import { randomInt } from 'node:crypto';
import type { z } from 'zod/v4';
import { ErrorCode, VendorError } from '../../errors.js';
import { parseVendorJson, type AnswerItem, type VendorHttp, type VendorResponse } from '../http.js';
import {
  TencentEnvelopeSchema,
  TencentPushLossAnswerSchema,
  TencentPushStatisticsAnswerSchema,
  TencentPushTraceResponseSchema,
  type TencentApi,
  type TencentCredentials,
  type TencentEnvelope,
  type TencentInstanceTrace,
  type TencentPushLossResult,
  type TencentPushStatisticsResult,
  type TencentTraceRequest,
  type TencentWindowedRequest,
} from './types.js';
import { UserSigSigner } from './usersig.js';
import { LOSS_WINDOW, STATISTICS_WINDOW, toVendorWindow, type WindowRules, type WindowSpec } from './window.js';

export const TENCENT_DEFAULT_API_URL = 'https://console.tim.qq.com';

/** Statistics and loss docs: "Supports simultaneous query of multiple task IDs, up to 5." */
export const TENCENT_MAX_TASK_IDS = 5;

// REST API common error codes: 60007 "REST API call frequency exceeds the limit"; 60011, 60018
// and 60019 are the SDKAppID-wide and generic "too frequent" variants. Retried at a later slot.
const RATE_LIMIT_CODES = new Set([60007, 60011, 60018, 60019]);
// TIMPush docs: 90102 "Internal error, please retry later"; common code 60008 "service timed out, retry".
const RETRY_LATER_CODES = new Set([90102, 60008]);

export interface TencentClientOptions {
  /** REST base, e.g. `https://console.tim.qq.com` (the SDKAppID's region domain). */
  baseUrl: string;
  credentials: TencentCredentials;
  http: VendorHttp;
  /** Unix milliseconds; the UserSig and the windows sent are computed from it. */
  now?: () => number;
}

/**
 * Tencent TIMPush REST client (process-wide): signs every call with the admin UserSig, sends
 * the documented query string and JSON body, and turns `ActionStatus: FAIL` (HTTP 200) into a
 * VendorError. It sends each call once; retries are the scheduler's, each at a fresh slot.
 */
export class TencentClient {
  private readonly baseUrl: string;
  private readonly signer: UserSigSigner;
  private readonly now: () => number;

  constructor(private readonly options: TencentClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    this.signer = new UserSigSigner(options.credentials, this.now);
  }

  /**
   * `all_member_push_statistics` for at most {@link TENCENT_MAX_TASK_IDS} TaskIDs over one window.
   * A TaskID Tencent does not know (in that window) is absent from the result.
   */
  async allMemberPushStatistics(
    taskIds: string[],
    window: WindowSpec,
    onSend?: () => void,
  ): Promise<Array<AnswerItem<TencentPushStatisticsResult>>> {
    const body = (): TencentWindowedRequest => this.windowed(taskIds, window, STATISTICS_WINDOW);
    return (await this.post('all_member_push_statistics', taskIds.length, body, TencentPushStatisticsAnswerSchema, onSend)).Results;
  }

  /** `all_member_push_loss` (the four loss lists) for at most {@link TENCENT_MAX_TASK_IDS} TaskIDs over one window. */
  async allMemberPushLoss(taskIds: string[], window: WindowSpec, onSend?: () => void): Promise<Array<AnswerItem<TencentPushLossResult>>> {
    const body = (): TencentWindowedRequest => this.windowed(taskIds, window, LOSS_WINDOW);
    return (await this.post('all_member_push_loss', taskIds.length, body, TencentPushLossAnswerSchema, onSend)).Results;
  }

  /** `all_member_push_trace`: every device record of one task for one user (empty when Tencent has none). */
  async allMemberPushTrace(taskId: string, userId: string, onSend?: () => void): Promise<TencentInstanceTrace[]> {
    const body: TencentTraceRequest = { TaskID: taskId, UserID: userId };
    return (await this.post('all_member_push_trace', 1, () => body, TencentPushTraceResponseSchema, onSend)).InstanceTrace;
  }

  private windowed(taskIds: string[], window: WindowSpec, rules: WindowRules): TencentWindowedRequest {
    return { ...toVendorWindow(window, rules, this.now()), TaskID: taskIds };
  }

  private post<S extends z.ZodType>(
    api: TencentApi,
    ids: number,
    body: () => object,
    schema: S,
    onSend?: () => void,
  ): Promise<z.output<S>> {
    return this.options.http.call({
      endpoint: api,
      ids,
      onSend,
      request: () => ({
        url: this.url(api),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body()),
      }),
      parse: (response) => this.parse(response, schema),
    });
  }

  /** REST API introduction: `sdkappid`, `identifier`, `usersig`, a fresh 32-bit `random`, `contenttype=json`. */
  private url(api: TencentApi): string {
    const query = new URLSearchParams({
      sdkappid: this.options.credentials.sdkAppId,
      identifier: this.options.credentials.adminId,
      usersig: this.signer.current(),
      random: String(randomInt(0, 2 ** 32)),
      contenttype: 'json',
    });
    return `${this.baseUrl}/v4/timpush/${api}?${query}`;
  }

  private parse<S extends z.ZodType>(response: VendorResponse, schema: S): z.output<S> {
    // "Unless a network error occurs, the HTTP return code of this API is 200."
    if (response.status !== 200) {
      throw new VendorError('TENCENT', ErrorCode.VENDOR_ERROR, `Tencent answered HTTP ${response.status}`, {
        vendorCode: `HTTP_${response.status}`,
        status: response.status,
      });
    }
    const envelope = parseVendorJson('TENCENT', response, TencentEnvelopeSchema);
    if (envelope.ActionStatus !== 'OK' || envelope.ErrorCode !== 0) throw vendorFailure(envelope);
    return parseVendorJson('TENCENT', response, schema);
  }
}

/** `ActionStatus: FAIL`: the code and Tencent's text go to the client, never the request URL (it carries the UserSig). */
function vendorFailure(envelope: TencentEnvelope): VendorError {
  const detail = { vendorCode: String(envelope.ErrorCode), vendorMessage: envelope.ErrorInfo, requestId: envelope.RequestId };
  if (RATE_LIMIT_CODES.has(envelope.ErrorCode)) {
    return new VendorError('TENCENT', ErrorCode.VENDOR_RATE_LIMITED, 'Tencent refused the call: rate limit reached', detail, {
      transient: true,
    });
  }
  if (RETRY_LATER_CODES.has(envelope.ErrorCode)) {
    // A 90102 that never clears stays VENDOR_ERROR: Tencent answered, and vendorCode says what.
    return new VendorError('TENCENT', ErrorCode.VENDOR_ERROR, 'Tencent failed internally and asked to retry later', detail, {
      transient: true,
    });
  }
  return new VendorError('TENCENT', ErrorCode.VENDOR_ERROR, `Tencent answered error ${envelope.ErrorCode}`, detail);
}
