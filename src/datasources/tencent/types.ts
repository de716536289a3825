import { z } from 'zod/v4';
import { perItem } from '../http.js';

/**
 * Tencent TIMPush wire formats, field names verbatim from the vendor docs
 * (`vendor-docs/tencent-timpush-all_member_push_{statistics,loss,trace}.txt`).
 * The zod schemas validate every answer at the boundary; the simulator builds the same types.
 */

/** The three TIMPush report APIs: `POST /v4/timpush/<api>`. */
export type TencentApi = 'all_member_push_statistics' | 'all_member_push_loss' | 'all_member_push_trace';

/** What a live client (or the simulator's demo client) signs with. */
export interface TencentCredentials {
  /** The numeric SDKAppID, as a string (it travels in the query string). */
  sdkAppId: string;
  /** The key UserSigs are signed with. A secret: never logged, never in an error. */
  secretKey: string;
  /** The app administrator the REST API is called as (`identifier`). */
  adminId: string;
}

/** Counts are integers; ids and codes stay strings end to end (a vendor may send either). */
const count = z.number().int();
const idString = z.union([z.string(), z.number()]).transform(String);

/** Every answer: `ActionStatus` OK/FAIL, `ErrorCode` 0 or the failure. HTTP is 200 either way. */
export const TencentEnvelopeSchema = z.object({
  ActionStatus: z.string(),
  ErrorCode: z.number().int(),
  ErrorInfo: z.string().optional(),
  /** The REST API's request id (REST API introduction: present on every answer). */
  RequestId: z.string().optional(),
});
export type TencentEnvelope = z.output<typeof TencentEnvelopeSchema>;

/** Request body of `all_member_push_statistics` and `all_member_push_loss`: ≤5 TaskIDs over one window. */
export interface TencentWindowedRequest {
  /** Unix seconds. */
  StartTime: number;
  /** Unix seconds. */
  EndTime: number;
  TaskID: string[];
}

/** Request body of `all_member_push_trace`: one task, one user. */
export interface TencentTraceRequest {
  TaskID: string;
  UserID: string;
}

export const TencentPlatformStatisticsSchema = z.object({
  /** 1 = offline push, 2 = online push. */
  EventType: z.number().int(),
  /** 0 unknown (and every online push), 1 APNs, 2 Mi, 3 Huawei, 4 FCM, 5 Meizu, 6 OPPO, 7 vivo, 8 HONOR. */
  PushPlatform: z.number().int(),
  TotalCount: count,
  SentCount: count,
  DeliveredCount: count,
  ClickCount: count,
});
export type TencentPlatformStatistics = z.output<typeof TencentPlatformStatisticsSchema>;

export const TencentPushStatisticsResultSchema = z.object({
  TaskID: idString,
  TotalCount: count,
  SentCount: count,
  DeliveredCount: count,
  ClickCount: count,
  PlatformStatistics: z.array(TencentPlatformStatisticsSchema).default([]),
});
export type TencentPushStatisticsResult = z.output<typeof TencentPushStatisticsResultSchema>;

export const TencentPushStatisticsResponseSchema = z.object({
  Results: z.array(TencentPushStatisticsResultSchema).default([]),
});

export const TencentLossItemSchema = z.object({
  ErrCode: idString,
  ErrCount: count,
  ErrInfo: z.string().optional(),
});
export type TencentLossItem = z.output<typeof TencentLossItemSchema>;

export const TencentPlatformLossItemSchema = TencentLossItemSchema.extend({
  EventType: z.number().int(),
  PushPlatform: z.number().int(),
});
export type TencentPlatformLossItem = z.output<typeof TencentPlatformLossItemSchema>;

export const TencentPushLossResultSchema = z.object({
  TaskID: idString,
  ReadyToSendLoss: z.array(TencentLossItemSchema).default([]),
  PostSendDeliveredLoss: z.array(TencentLossItemSchema).default([]),
  PlatformReadyToSendLoss: z.array(TencentPlatformLossItemSchema).default([]),
  PlatformPostSendDeliveredLoss: z.array(TencentPlatformLossItemSchema).default([]),
});
export type TencentPushLossResult = z.output<typeof TencentPushLossResultSchema>;

export const TencentPushLossResponseSchema = z.object({
  Results: z.array(TencentPushLossResultSchema).default([]),
});

/** A result whose TaskID is readable but whose figures are not fails that TaskID alone, never its call. */
const TaskIdOfSchema = z.object({ TaskID: idString }).transform((result) => result.TaskID);
export const TencentPushStatisticsAnswerSchema = z.object({
  Results: perItem(TaskIdOfSchema, TencentPushStatisticsResultSchema).default([]),
});
export const TencentPushLossAnswerSchema = z.object({
  Results: perItem(TaskIdOfSchema, TencentPushLossResultSchema).default([]),
});

/**
 * One stage of a trace. PushStatus 1 = success, 2 = failure; an empty stage object (no PushStatus)
 * or another value says nothing about the stage, which the mapper leaves out: such a stage is
 * readable, and must not fail the trace.
 */
export const TencentPushStatSchema = z.object({
  PushStatus: z.number().int().optional(),
  ErrorCode: z.number().int().optional(),
  ErrorInfo: z.string().optional(),
  EventTime: z.string().optional(),
});
export type TencentPushStat = z.output<typeof TencentPushStatSchema>;

export const TencentInstanceTraceSchema = z.object({
  InstanceId: idString,
  PushTime: z.string().optional(),
  DeviceModel: z.string().optional(),
  System: z.string().optional(),
  SystemVersion: z.string().optional(),
  EventType: z.number().int().optional(),
  PushPlatform: z.number().int().optional(),
  Token: z.string().optional(),
  CertId: idString.optional(),
  SdkVersion: z.string().optional(),
  PushVersion: z.string().optional(),
  NotificationStatus: z.number().int().optional(),
  // The trace doc names this field `LastActiveTerminal` in its table and `last_active_terminal` in its sample.
  LastActiveTerminal: z.number().int().optional(),
  last_active_terminal: z.number().int().optional(),
  IMCommitStat: z.object({ IMStat: TencentPushStatSchema.optional() }).optional(),
  OfflinePushStat: z
    .object({
      OfflineStat: TencentPushStatSchema.optional(),
      ChannelStat: TencentPushStatSchema.optional(),
      DeviceStat: TencentPushStatSchema.optional(),
      ClickStat: TencentPushStatSchema.optional(),
    })
    .optional(),
  OnlinePushStat: z
    .object({
      ChannelStat: TencentPushStatSchema.optional(),
      DeviceStat: TencentPushStatSchema.optional(),
    })
    .optional(),
});
export type TencentInstanceTrace = z.output<typeof TencentInstanceTraceSchema>;

export const TencentPushTraceResponseSchema = z.object({
  InstanceTrace: z.array(TencentInstanceTraceSchema).default([]),
});
