import { z } from 'zod/v4';

/**
 * Wire types of Alibaba Cloud Mobile Push `QueryPushStatByMsg` (RPC API, Version 2016-08-01),
 * field names verbatim from vendor-docs/aliyun-mpush-QueryPushStatByMsg.txt. The zod schemas
 * validate every answer at the boundary; the types are inferred from them.
 */

/** What we need to call the RPC API: the AccessKey pair and the push app's AppKey. */
export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** An integer (vendor doc: `AppKey integer`), kept as a string like every id. */
  appKey: string;
}

/** The doc types every count as integer (long in the Chinese edition). */
const count = z.number().int().nonnegative();
/** The Sms* counts are "(Optional)" / "可为空": absent or null outside composite pushes. */
const optionalCount = count.nullish();

export const AliyunPushStatSchema = z.object({
  // The English doc's example shows a string, the Chinese edition's a number: accept both.
  MessageId: z.union([z.string(), z.number()]).optional(),
  AcceptCount: count,
  SentCount: count,
  ReceivedCount: count,
  OpenedCount: count,
  DeletedCount: count,
  SmsSentCount: optionalCount,
  SmsReceiveSuccessCount: optionalCount,
  SmsReceiveFailedCount: optionalCount,
  SmsSkipCount: optionalCount,
  SmsFailedCount: optionalCount,
});
/** One `PushStats.PushStat` entry: the statistics of one message. */
export type AliyunPushStat = z.infer<typeof AliyunPushStatSchema>;

export const QueryPushStatByMsgResponseSchema = z.object({
  RequestId: z.string(),
  // Alibaba's JSON is rendered from its XML model, where an empty list may vanish: absent = [].
  PushStats: z.object({ PushStat: z.array(AliyunPushStatSchema).default([]) }),
});
export type QueryPushStatByMsgResponse = z.infer<typeof QueryPushStatByMsgResponseSchema>;

/** Every Alibaba Cloud RPC API answers a failure (HTTP 4xx/5xx) with this body. */
export const AliyunErrorResponseSchema = z.object({
  Code: z.string(),
  Message: z.string().optional(),
  RequestId: z.string().optional(),
});
export type AliyunErrorResponse = z.infer<typeof AliyunErrorResponseSchema>;
