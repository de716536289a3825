import { z } from 'zod/v4';
import { perItem, type AnswerItem } from '../http.js';

/*
 * JPush app-group statistics (vendor-docs/jpush-report-api-v3.txt, "Group Statistics"), field
 * names verbatim. `group/users` answers the shape of `users` (types.ts, JPushUsersAnswerSchema).
 */

/** A group_msgid: the vendor's alphanumeric string (doc example `bsp54sn8bpn8hc3etq40`). */
export const GROUP_MSG_ID_PATTERN = /^[0-9A-Za-z]{1,64}$/;

/** `android_pns.<vendor>_detail`: one vendor channel. */
export interface JPushGroupChannelStat {
  target?: number | null;
  sent?: number | null;
  received?: number | null;
}

/** One element of the `GET /v3/group/messages/detail` array. */
export interface JPushGroupMessageDetail {
  group_msgid: string;
  /** JPush's own connection: Android notifications and messages, iOS and HarmonyOS custom messages. */
  jpush?: {
    target?: number | null;
    online_push?: number | null;
    received?: number | null;
    click?: number | null;
    msg_click?: number | null;
  };
  /** Android vendor channels: the `pns_*` totals plus one `<vendor>_detail` block per channel. */
  android_pns?: { pns_target?: number | null; pns_sent?: number | null; pns_received?: number | null } & {
    [detail: `${string}_detail`]: JPushGroupChannelStat;
  };
  ios?: {
    apns_target?: number | null;
    apns_sent?: number | null;
    apns_received?: number | null;
    apns_click?: number | null;
    msg_target?: number | null;
    msg_received?: number | null;
    msg_click?: number | null;
  };
  hmos?: {
    hmpns_target?: number | null;
    hmpns_sent?: number | null;
    hmpns_received?: number | null;
    hmpns_click?: number | null;
    msg_target?: number | null;
    msg_received?: number | null;
    msg_click?: number | null;
  };
}

const CountSchema = z.number().int().nonnegative().nullish();
const ChannelStatSchema = z.object({ target: CountSchema, sent: CountSchema, received: CountSchema });

/** A parsed `android_pns`: its `<vendor>_detail` blocks under their own keys, in JPush's order. */
export interface JPushGroupAndroidPns {
  details: Array<[key: string, stat: JPushGroupChannelStat]>;
}

const DETAIL_KEY = /_detail$/;

const AndroidPnsSchema = z
  .object({ pns_target: CountSchema, pns_sent: CountSchema, pns_received: CountSchema })
  .catchall(z.unknown())
  .transform((block, ctx): JPushGroupAndroidPns => {
    const details: Array<[string, JPushGroupChannelStat]> = [];
    // Every `*_detail` key is read (nio_detail arrived in 2025): a new vendor maps to UNKNOWN, not nowhere.
    for (const [key, value] of Object.entries(block)) {
      if (!DETAIL_KEY.test(key)) continue;
      const parsed = ChannelStatSchema.safeParse(value);
      if (parsed.success) details.push([key, parsed.data]);
      else ctx.addIssue({ code: 'custom', path: [key], message: `${key} is not a channel block` });
    }
    return { details };
  });

const GroupMessageDetailSchema = z.object({
  group_msgid: z.string().regex(GROUP_MSG_ID_PATTERN),
  jpush: z
    .object({ target: CountSchema, online_push: CountSchema, received: CountSchema, click: CountSchema, msg_click: CountSchema })
    .nullish(),
  android_pns: AndroidPnsSchema.nullish(),
  ios: z
    .object({
      apns_target: CountSchema,
      apns_sent: CountSchema,
      apns_received: CountSchema,
      apns_click: CountSchema,
      msg_target: CountSchema,
      msg_received: CountSchema,
      msg_click: CountSchema,
    })
    .nullish(),
  hmos: z
    .object({
      hmpns_target: CountSchema,
      hmpns_sent: CountSchema,
      hmpns_received: CountSchema,
      hmpns_click: CountSchema,
      msg_target: CountSchema,
      msg_received: CountSchema,
      msg_click: CountSchema,
    })
    .nullish(),
});
export type JPushGroupMessageDetailParsed = z.output<typeof GroupMessageDetailSchema>;

/** One answered group_msgid: its figures, or what in it could not be read (that campaign alone fails). */
export type JPushGroupItem = AnswerItem<JPushGroupMessageDetailParsed>;

/** The answer array, validated per element (an element whose group_msgid cannot be read fails the call). */
export const JPushGroupMessagesDetailSchema = perItem(
  z.object({ group_msgid: z.string().regex(GROUP_MSG_ID_PATTERN) }).transform((item) => item.group_msgid),
  GroupMessageDetailSchema,
);
