import { randomUUID } from 'node:crypto';
import { ErrorCode, VendorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { parseVendorJson, type VendorHttp, type VendorResponse } from '../http.js';
import { rpcTimestamp, signedQuery } from './signature.js';
import {
  AliyunErrorResponseSchema,
  QueryPushStatByMsgResponseSchema,
  type AliyunCredentials,
  type QueryPushStatByMsgResponse,
} from './types.js';

/** Default of ALIYUN_PUSH_ENDPOINT (CONTRACT "Configuration"). */
export const ALIYUN_DEFAULT_ENDPOINT = 'https://cloudpush.aliyuncs.com';

/** The fixed RPC parameters of the one API we call (vendor doc; CONTRACT vendor table). */
const QUERY_PUSH_STAT_BY_MSG = {
  Action: 'QueryPushStatByMsg',
  Version: '2016-08-01',
  RegionId: 'cn-hangzhou',
  Format: 'JSON',
} as const;

/** Signature v1 common parameters. */
const SIGNATURE_PARAMS = { SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0' } as const;

/** Alibaba's flow-control codes (HTTP 400): worth a retry after a pause. */
const THROTTLING_CODES = new Set(['Throttling', 'Throttling.User', 'Throttling.Api']);

export interface AliyunClientOptions {
  /** RPC endpoint, e.g. `https://cloudpush.aliyuncs.com`; requests go to `${endpoint}/?<signed query>`. */
  endpoint: string;
  credentials: AliyunCredentials;
  http: VendorHttp;
  logger: Logger;
}

/**
 * Alibaba Cloud Mobile Push RPC client, one per process. Signs every attempt afresh (a nonce is
 * single-use and the timestamp must be within 15 minutes) and turns Alibaba's `{Code, Message,
 * RequestId}` failures into VendorErrors. The signed URL carries the Signature, so it is never
 * logged nor put in an error.
 */
export class AliyunClient {
  private readonly endpoint: string;

  constructor(private readonly options: AliyunClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
  }

  /**
   * `QueryPushStatByMsg` for one message (the API takes exactly one MessageId).
   * @param messageId a numeric MessageId, as a string.
   * @param signal aborts once nobody waits for the answer: a call still queued for the quota is dropped.
   * @returns Alibaba's answer; an empty `PushStat` list means it knows no such message.
   * @throws VendorError: VENDOR_ERROR with Alibaba's Code/Message/RequestId, VENDOR_RATE_LIMITED
   *   when throttling outlasted the retries, VENDOR_UNAVAILABLE on 5xx, timeouts, network errors.
   */
  queryPushStatByMsg(messageId: string, signal?: AbortSignal): Promise<QueryPushStatByMsgResponse> {
    return this.options.http.call({
      endpoint: QUERY_PUSH_STAT_BY_MSG.Action,
      ids: 1,
      signal,
      request: () => ({ url: `${this.endpoint}/?${this.signed({ MessageId: messageId })}` }),
      parse: (response) => this.parse(response, messageId),
    });
  }

  private signed(apiParams: Record<string, string>): string {
    const { accessKeyId, accessKeySecret, appKey } = this.options.credentials;
    return signedQuery(
      {
        ...QUERY_PUSH_STAT_BY_MSG,
        ...SIGNATURE_PARAMS,
        AccessKeyId: accessKeyId,
        SignatureNonce: randomUUID(),
        Timestamp: rpcTimestamp(new Date()),
        AppKey: appKey,
        ...apiParams,
      },
      accessKeySecret,
    );
  }

  private parse(response: VendorResponse, messageId: string): QueryPushStatByMsgResponse {
    if (response.status === 200) return parseVendorJson('ALIYUN', response, QueryPushStatByMsgResponseSchema);
    const failure = parseVendorJson('ALIYUN', response, AliyunErrorResponseSchema);
    // Alibaba support traces a failed call by its RequestId: keep it in the log.
    this.options.logger.warn(
      { vendor: 'ALIYUN', endpoint: QUERY_PUSH_STAT_BY_MSG.Action, messageId, status: response.status, vendorCode: failure.Code, requestId: failure.RequestId },
      'Alibaba Cloud Push answered an error',
    );
    const detail = { vendorCode: failure.Code, vendorMessage: failure.Message, status: response.status, requestId: failure.RequestId };
    if (THROTTLING_CODES.has(failure.Code)) {
      throw new VendorError('ALIYUN', ErrorCode.VENDOR_RATE_LIMITED, 'Alibaba Cloud Push throttled the call', detail, { transient: true });
    }
    throw new VendorError('ALIYUN', ErrorCode.VENDOR_ERROR, `Alibaba Cloud Push answered ${failure.Code}`, detail);
  }
}
