import { z } from 'zod/v4';
import { perItem } from '../http.js';

/*
 * JPush Report API v3 wire formats (vendor-docs/jpush-report-api-v3.txt), field names verbatim.
 * The interfaces are what JPush writes (the simulator builds them); the zod schemas validate an
 * answer at the boundary and give the client typed values.
 */

/**
 * A msg_id: an unsigned 64-bit integer, beyond 2^53, so it is a string of digits end to end
 * (20 digits hold any 64-bit value). JPush never issues 0, hence no leading zero.
 */
export const MSG_ID_PATTERN = /^[1-9][0-9]{0,19}$/;

/**
 * JPush writes msg_id as a bare JSON number in places (the status/message request example;
 * answers of some endpoints), and JSON.parse would round one above 2^53. Quoting the digits first
 * keeps every one. A `"msg_id"` inside a JSON string cannot match: its quotes would be escaped.
 */
export function quoteMsgIds(json: string): string {
  return json.replace(/("msg_id"\s*:\s*)(\d+)/g, '$1"$2"');
}

const MsgIdSchema = z.string().regex(MSG_ID_PATTERN, 'msg_id is not a JPush message id');

/** "If there is no such data, it will be null" (received/detail); absent fields read as null too. */
const CountSchema = z.number().int().nonnegative().nullish();

// ---------------------------------------------------------------- messages/detail (VIP)

/** The funnel stages of `details.<type>`, of each `sub_*` channel, and of live_activity's flat `sub_ios`. */
export interface JPushStat {
  target?: number | null;
  sent?: number | null;
  received?: number | null;
  display?: number | null;
  click?: number | null;
}

/**
 * `details.<type>`: the type's totals plus one `sub_<platform>` block per platform, mapping a
 * channel key (`jg_android`, `huawei`, …) to its stats. live_activity's `sub_ios` is one flat stat
 * instead (doc: "实时活动消息返回字段").
 */
export type JPushTypeStat = JPushStat & { [platform: `sub_${string}`]: Record<string, JPushStat | null> | JPushStat | null };

/** The message kinds of `details` (2021.09.01 system); the legacy blocks beside it are not read. */
export const MESSAGE_TYPE_KEYS = ['notification', 'message', 'inapp', 'live_activity'] as const;
export type JPushMessageTypeKey = (typeof MESSAGE_TYPE_KEYS)[number];

/** One element of the `GET /v3/messages/detail` array. */
export interface JPushMessageDetail {
  msg_id: string;
  details?: Partial<Record<JPushMessageTypeKey, JPushTypeStat | null>>;
}

export const JPushStatSchema = z.object({
  target: CountSchema,
  sent: CountSchema,
  received: CountSchema,
  display: CountSchema,
  click: CountSchema,
});

/** A parsed `sub_*` block: channel key → stats, or one flat stat (live_activity `sub_ios`). */
export type JPushSubBlock = { kind: 'channels'; channels: Record<string, JPushStat> } | { kind: 'flat'; stat: JPushStat };

// A channel map's values are objects, a flat stat's are counts: neither passes as the other.
// A channel written as null ("null if there is no such data") is an absent channel.
const JPushSubBlockSchema: z.ZodType<JPushSubBlock, unknown> = z.union([
  z.record(z.string(), JPushStatSchema.nullable()).transform((entries) => ({
    kind: 'channels' as const,
    channels: Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, JPushStat] => entry[1] !== null)),
  })),
  z
    .record(z.string(), CountSchema)
    .pipe(JPushStatSchema)
    .transform((stat) => ({ kind: 'flat' as const, stat })),
]);

/** A parsed `details.<type>`: its totals and its `sub_*` blocks under their own keys. */
export interface JPushTypeDetail extends JPushStat {
  subs: Record<string, JPushSubBlock>;
}

/**
 * Every `sub_*` key is read, not only the four the doc names today (sub_hmos arrived in 2024):
 * a new platform block must map to UNKNOWN, not vanish. Other unknown keys are ignored.
 */
const JPushTypeDetailSchema = JPushStatSchema.catchall(z.unknown()).transform((block, ctx): JPushTypeDetail => {
  const subs: Record<string, JPushSubBlock> = {};
  for (const [key, value] of Object.entries(block)) {
    // A block written as null is an absent block.
    if (!key.startsWith('sub_') || value === null) continue;
    const parsed = JPushSubBlockSchema.safeParse(value);
    if (parsed.success) subs[key] = parsed.data;
    else ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} is not a channel block` });
  }
  const { target, sent, received, display, click } = block;
  return { target, sent, received, display, click, subs };
});

export const JPushMessageDetailSchema = z.object({
  msg_id: MsgIdSchema,
  details: z
    .object({
      notification: JPushTypeDetailSchema.nullish(),
      message: JPushTypeDetailSchema.nullish(),
      inapp: JPushTypeDetailSchema.nullish(),
      live_activity: JPushTypeDetailSchema.nullish(),
    })
    .nullish(),
});
export type JPushMessageDetailParsed = z.output<typeof JPushMessageDetailSchema>;

/** A msg_id element's id alone: what attributes an unreadable element to its campaign. */
const MsgIdOfSchema = z.object({ msg_id: MsgIdSchema }).transform((item) => item.msg_id);

/** Validated per element: an unreadable campaign fails alone, its neighbours in the call are answered. */
export const JPushMessagesDetailSchema = perItem(MsgIdOfSchema, JPushMessageDetailSchema);

// ---------------------------------------------------------------- received/detail

/** One element of `GET /v3/received/detail`: `<source>_sent` / `<source>_received` counters. */
export interface JPushReceivedDetail {
  msg_id: string;
  [counter: `${string}_${'sent' | 'received'}`]: number | null;
}

/** A parsed received/detail row: every `*_sent` / `*_received` counter under its own name. */
export interface JPushReceivedDetailParsed {
  msg_id: string;
  counters: Record<string, number | null>;
}

const COUNTER_KEY = /_(sent|received)$/;

export const JPushReceivedDetailSchema = z
  .object({ msg_id: MsgIdSchema })
  .catchall(z.unknown())
  .transform((row, ctx): JPushReceivedDetailParsed => {
    const counters: Record<string, number | null> = {};
    for (const [key, value] of Object.entries(row)) {
      if (!COUNTER_KEY.test(key)) continue;
      const parsed = CountSchema.safeParse(value);
      if (parsed.success) counters[key] = parsed.data ?? null;
      else ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} is not a count` });
    }
    return { msg_id: row.msg_id, counters };
  });

/** Validated per element, like messages/detail. */
export const JPushReceivedDetailsSchema = perItem(MsgIdOfSchema, JPushReceivedDetailSchema);

// ---------------------------------------------------------------- status/message (VIP)

/** JPush status codes: 0 delivered, 1 not delivered, 2 not in the app, 3 not a target, 4 system error. */
export type JPushDeliveryStatusCode = 0 | 1 | 2 | 3 | 4;

/** `POST /v3/status/message` answer: registration id → status. */
export type JPushStatusAnswer = Record<string, { status: JPushDeliveryStatusCode }>;

export const JPushStatusAnswerSchema: z.ZodType<JPushStatusAnswer, unknown> = z.record(
  z.string(),
  z.object({ status: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]) }),
);

// ---------------------------------------------------------------- users (VIP)

export type JPushTimeUnit = 'HOUR' | 'DAY' | 'MONTH';

export interface JPushUserStat {
  new?: number | null;
  online?: number | null;
  active?: number | null;
}

/** One element of `items`: `time` plus one block per platform (`android`, `ios`, `hmos`, …). */
export type JPushUsersItem = { time: string } & { [platform: string]: JPushUserStat | string };

/** `GET /v3/users` answer. */
export interface JPushUsersAnswer {
  time_unit: string;
  start: string;
  duration: number;
  items: JPushUsersItem[];
}

const JPushUserStatSchema = z.object({ new: CountSchema, online: CountSchema, active: CountSchema });

/** A parsed `items` element: the platform blocks under their own keys, in JPush's order. */
export interface JPushUsersItemParsed {
  time: string;
  platforms: Array<[platform: string, stat: JPushUserStat]>;
}

export const JPushUsersAnswerSchema = z.object({
  items: z.array(
    z
      .object({ time: z.string() })
      .catchall(z.unknown())
      .transform((item, ctx): JPushUsersItemParsed => {
        const platforms: Array<[string, JPushUserStat]> = [];
        for (const [key, value] of Object.entries(item)) {
          // Platform blocks are objects; a scalar beside them is not a platform (and not an error).
          if (key === 'time' || typeof value !== 'object' || value === null) continue;
          const parsed = JPushUserStatSchema.safeParse(value);
          if (parsed.success) platforms.push([key, parsed.data]);
          else ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} is not a user block` });
        }
        return { time: item.time, platforms };
      }),
  ),
});

// ---------------------------------------------------------------- errors

/** Every JPush failure: `{"error": {"code": 3001, "message": "Basic authentication failed"}}`. */
export interface JPushErrorBody {
  error: { code: number; message: string };
}

export const JPushErrorBodySchema = z.object({
  error: z.object({ code: z.union([z.number().int(), z.string()]), message: z.string().optional() }),
});

/** JPush error codes this service acts on (doc "error code"; 2002 from the contract's quota row). */
export const JPushErrorCode = {
  SYSTEM_ERROR: 10,
  RATE_LIMITED: 2002,
  NOT_AUTHORIZED: 2003,
  AUTH_FAILED: 3001,
  TIME_UNIT_MISMATCH: 3004,
  OUT_OF_RANGE: 3005,
  MISSING_PARAMETER: 3006,
  ILLEGAL_PARAMETER: 3007,
} as const;
