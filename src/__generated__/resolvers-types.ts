import type { GraphQLResolveInfo } from 'graphql';
import type { CampaignRef } from '../domain.js';
import type { Context } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  _FieldSet: { input: unknown; output: unknown };
};

/**
 * A push campaign: one JPush msg_id, one Tencent TaskID or one Alibaba MessageId.
 * `since`/`until` are ISO-8601 date-times bounding vendor APIs that query by window
 * (Tencent: statistics default to the last 30 days, loss reasons to the last 7);
 * vendors whose figures are not windowed ignore them.
 *
 * `@key(fields: "vendor id")` resolves in the `default` app, `@key(fields: "vendor app id")` in
 * the named one: the same id in two apps is two campaigns.
 *
 * A JPush app group's campaign (a `group_msgid`, alphanumeric) reads `group/messages/detail`. Its
 * `channels` are one row per channel block of the answer: `jpush` → JPUSH / UNKNOWN platform /
 * messageType null (target, sent = online_push, received, clicked = click + msg_click); each
 * `android_pns.<vendor>_detail` → that vendor / ANDROID / NOTIFICATION (target, sent, received; the
 * `pns_*` totals are their sum, not a row); `ios` → APNS / IOS / NOTIFICATION (`apns_*`); `hmos` →
 * HMOS / HARMONY / NOTIFICATION (`hmpns_*`). The `msg_*` figures of `ios` and `hmos` are custom
 * messages over JPush's own connection, already counted in `jpush`. Its `funnel` is the sum of its
 * channel rows per stage (displayed and dismissed null).
 */
export type Campaign = {
  __typename?: 'Campaign';
  /** The app (a PUSHGRAPH_APPS `name`) the campaign was sent from; `default` for the single-app variables. */
  app: Scalars['String']['output'];
  /**
   * When the archived figures were fetched from the vendor (ISO-8601 date-time), for a campaign
   * answered from the archive (`availability: ARCHIVED`); null when the vendor answered live.
   */
  asOf: Maybe<Scalars['String']['output']>;
  /** READY; PENDING while the vendor has not published figures yet; ARCHIVED when the figures come from the archive. */
  availability: DataAvailability;
  /** The funnel per delivery channel. Null (with an error) when the vendor API behind it fails. */
  channels: Maybe<Array<ChannelStat>>;
  /** The delivery funnel. Null (with an error) when the vendor API behind it fails. */
  funnel: Maybe<Funnel>;
  /**
   * The campaign's figures over time, oldest first: the snapshots pushgraph archived each time it
   * fetched them (unchanged figures at most hourly by default), for delivery curves. `since`/`until`
   * (ISO-8601 date-times) bound `fetchedAt`; at most the newest 1000 are returned. Null (with an
   * error) when the archive cannot be read, so the live figures still resolve.
   */
  history: Maybe<Array<CampaignSnapshot>>;
  /** The vendor's id for the push, as a string (JPush msg_ids exceed 2^53). */
  id: Scalars['ID']['output'];
  /**
   * Why pushes were lost (Tencent loss analysis); [] for vendors without one. Once a campaign is
   * older than Tencent keeps loss data (7 days), the default window answers the loss reasons
   * archived while Tencent still had them.
   */
  lossReasons: Maybe<Array<LossReason>>;
  /** SMS fallback of an Alibaba composite push; null for other vendors. */
  sms: Maybe<SmsStats>;
  /** The vendor that sent the push. */
  vendor: Vendor;
};

/**
 * A push campaign: one JPush msg_id, one Tencent TaskID or one Alibaba MessageId.
 * `since`/`until` are ISO-8601 date-times bounding vendor APIs that query by window
 * (Tencent: statistics default to the last 30 days, loss reasons to the last 7);
 * vendors whose figures are not windowed ignore them.
 *
 * `@key(fields: "vendor id")` resolves in the `default` app, `@key(fields: "vendor app id")` in
 * the named one: the same id in two apps is two campaigns.
 *
 * A JPush app group's campaign (a `group_msgid`, alphanumeric) reads `group/messages/detail`. Its
 * `channels` are one row per channel block of the answer: `jpush` → JPUSH / UNKNOWN platform /
 * messageType null (target, sent = online_push, received, clicked = click + msg_click); each
 * `android_pns.<vendor>_detail` → that vendor / ANDROID / NOTIFICATION (target, sent, received; the
 * `pns_*` totals are their sum, not a row); `ios` → APNS / IOS / NOTIFICATION (`apns_*`); `hmos` →
 * HMOS / HARMONY / NOTIFICATION (`hmpns_*`). The `msg_*` figures of `ios` and `hmos` are custom
 * messages over JPush's own connection, already counted in `jpush`. Its `funnel` is the sum of its
 * channel rows per stage (displayed and dismissed null).
 */
export type CampaignChannelsArgs = {
  since?: InputMaybe<Scalars['String']['input']>;
  until?: InputMaybe<Scalars['String']['input']>;
};

/**
 * A push campaign: one JPush msg_id, one Tencent TaskID or one Alibaba MessageId.
 * `since`/`until` are ISO-8601 date-times bounding vendor APIs that query by window
 * (Tencent: statistics default to the last 30 days, loss reasons to the last 7);
 * vendors whose figures are not windowed ignore them.
 *
 * `@key(fields: "vendor id")` resolves in the `default` app, `@key(fields: "vendor app id")` in
 * the named one: the same id in two apps is two campaigns.
 *
 * A JPush app group's campaign (a `group_msgid`, alphanumeric) reads `group/messages/detail`. Its
 * `channels` are one row per channel block of the answer: `jpush` → JPUSH / UNKNOWN platform /
 * messageType null (target, sent = online_push, received, clicked = click + msg_click); each
 * `android_pns.<vendor>_detail` → that vendor / ANDROID / NOTIFICATION (target, sent, received; the
 * `pns_*` totals are their sum, not a row); `ios` → APNS / IOS / NOTIFICATION (`apns_*`); `hmos` →
 * HMOS / HARMONY / NOTIFICATION (`hmpns_*`). The `msg_*` figures of `ios` and `hmos` are custom
 * messages over JPush's own connection, already counted in `jpush`. Its `funnel` is the sum of its
 * channel rows per stage (displayed and dismissed null).
 */
export type CampaignFunnelArgs = {
  since?: InputMaybe<Scalars['String']['input']>;
  until?: InputMaybe<Scalars['String']['input']>;
};

/**
 * A push campaign: one JPush msg_id, one Tencent TaskID or one Alibaba MessageId.
 * `since`/`until` are ISO-8601 date-times bounding vendor APIs that query by window
 * (Tencent: statistics default to the last 30 days, loss reasons to the last 7);
 * vendors whose figures are not windowed ignore them.
 *
 * `@key(fields: "vendor id")` resolves in the `default` app, `@key(fields: "vendor app id")` in
 * the named one: the same id in two apps is two campaigns.
 *
 * A JPush app group's campaign (a `group_msgid`, alphanumeric) reads `group/messages/detail`. Its
 * `channels` are one row per channel block of the answer: `jpush` → JPUSH / UNKNOWN platform /
 * messageType null (target, sent = online_push, received, clicked = click + msg_click); each
 * `android_pns.<vendor>_detail` → that vendor / ANDROID / NOTIFICATION (target, sent, received; the
 * `pns_*` totals are their sum, not a row); `ios` → APNS / IOS / NOTIFICATION (`apns_*`); `hmos` →
 * HMOS / HARMONY / NOTIFICATION (`hmpns_*`). The `msg_*` figures of `ios` and `hmos` are custom
 * messages over JPush's own connection, already counted in `jpush`. Its `funnel` is the sum of its
 * channel rows per stage (displayed and dismissed null).
 */
export type CampaignHistoryArgs = {
  since?: InputMaybe<Scalars['String']['input']>;
  until?: InputMaybe<Scalars['String']['input']>;
};

/**
 * A push campaign: one JPush msg_id, one Tencent TaskID or one Alibaba MessageId.
 * `since`/`until` are ISO-8601 date-times bounding vendor APIs that query by window
 * (Tencent: statistics default to the last 30 days, loss reasons to the last 7);
 * vendors whose figures are not windowed ignore them.
 *
 * `@key(fields: "vendor id")` resolves in the `default` app, `@key(fields: "vendor app id")` in
 * the named one: the same id in two apps is two campaigns.
 *
 * A JPush app group's campaign (a `group_msgid`, alphanumeric) reads `group/messages/detail`. Its
 * `channels` are one row per channel block of the answer: `jpush` → JPUSH / UNKNOWN platform /
 * messageType null (target, sent = online_push, received, clicked = click + msg_click); each
 * `android_pns.<vendor>_detail` → that vendor / ANDROID / NOTIFICATION (target, sent, received; the
 * `pns_*` totals are their sum, not a row); `ios` → APNS / IOS / NOTIFICATION (`apns_*`); `hmos` →
 * HMOS / HARMONY / NOTIFICATION (`hmpns_*`). The `msg_*` figures of `ios` and `hmos` are custom
 * messages over JPush's own connection, already counted in `jpush`. Its `funnel` is the sum of its
 * channel rows per stage (displayed and dismissed null).
 */
export type CampaignLossReasonsArgs = {
  since?: InputMaybe<Scalars['String']['input']>;
  until?: InputMaybe<Scalars['String']['input']>;
};

/** A page of recentCampaigns (Relay cursor connection). */
export type CampaignConnection = {
  __typename?: 'CampaignConnection';
  edges: Array<CampaignEdge>;
  pageInfo: PageInfo;
};

export type CampaignEdge = {
  __typename?: 'CampaignEdge';
  /** Opaque position of this campaign in the listing; pass it as `after`. */
  cursor: Scalars['String']['output'];
  node: Campaign;
};

/** One campaign named with its vendor (and app): the input of campaignSummary and trackCampaigns. */
export type CampaignInput = {
  /** The vendor app the campaign was sent from; omitted = "default". */
  app?: InputMaybe<Scalars['String']['input']>;
  /** The vendor's id (JPush msg_id, Tencent TaskID, Alibaba MessageId). */
  id: Scalars['ID']['input'];
  vendor: Vendor;
};

/**
 * The figures of one campaign as fetched at one moment (the default window of windowed vendor
 * APIs). A figure that was not fetched at that moment is null.
 */
export type CampaignSnapshot = {
  __typename?: 'CampaignSnapshot';
  /** The funnel per delivery channel, if fetched at that moment. */
  channels: Maybe<Array<ChannelStat>>;
  /** When pushgraph fetched these figures from the vendor (ISO-8601). */
  fetchedAt: Scalars['String']['output'];
  /** The delivery funnel, if fetched at that moment. */
  funnel: Maybe<Funnel>;
  /** Loss reasons (Tencent), if fetched at that moment. */
  lossReasons: Maybe<Array<LossReason>>;
  /** SMS fallback figures (Alibaba), if fetched at that moment. */
  sms: Maybe<SmsStats>;
};

/** The campaigns asked, taken as a whole in the normalized funnel and channel taxonomy. */
export type CampaignSummary = {
  __typename?: 'CampaignSummary';
  /** Campaigns asked. */
  campaigns: Scalars['Int']['output'];
  /** Summed per channel + platform across vendors (messageType and eventType null). */
  channels: Array<ChannelStat>;
  /** Each figure summed over the campaigns that report it; null when none answered a funnel (a null figure: none reports it). */
  funnel: Maybe<Funnel>;
  /** The overall loss reasons (channel null) summed per stage + error code, largest first. */
  lossReasons: Array<LossReason>;
  /** Campaigns that answered with a funnel. */
  withFigures: Scalars['Int']['output'];
};

/**
 * A delivery channel, normalized across vendors: JPush `sub_android.xiaomi`,
 * Tencent `PushPlatform = 2` and Alibaba's Xiaomi channel are all `XIAOMI`.
 */
export type Channel =
  /** Apple Push Notification service. */
  | 'APNS'
  /** ASUS Push. */
  | 'ASUS'
  /** Firebase Cloud Messaging. */
  | 'FCM'
  /** HarmonyOS Push Kit (JPush `hmpns`). */
  | 'HMOS'
  /** Honor Push. */
  | 'HONOR'
  /** Huawei Push Kit (Android). */
  | 'HUAWEI'
  /** JPush's own long-lived connection (`jg_android`, `jg_ios`, `jg_hmos`, `quick_jg`). Never another vendor's: Tencent online push is UNKNOWN with eventType ONLINE. */
  | 'JPUSH'
  /** Meizu Push. */
  | 'MEIZU'
  /** NIO Push. */
  | 'NIO'
  /** OPPO Push. */
  | 'OPPO'
  /** Tuibida (Transsion) Push. */
  | 'TUIBIDA'
  /**
   * A channel the vendor did not name: Tencent `PushPlatform = 0` ("unknown vendor"), which is also
   * how Tencent reports online push over its own IM connection (then with eventType ONLINE, in
   * channel rows, loss reasons and traces alike); sources that mix channels.
   */
  | 'UNKNOWN'
  /** vivo Push. */
  | 'VIVO'
  /** Apple VoIP push (PushKit). */
  | 'VOIP'
  /** Xiaomi (Mi Push). */
  | 'XIAOMI';

/**
 * The funnel of one delivery channel. A figure the vendor does not report is null, never 0: the
 * click of a JPush iOS custom-message row, a Tencent stage reported 0 while a later stage counts more.
 */
export type ChannelStat = {
  __typename?: 'ChannelStat';
  /** The normalized delivery channel. */
  channel: Channel;
  /** Notifications opened. */
  clicked: Maybe<Scalars['Int']['output']>;
  /** Notifications shown. */
  displayed: Maybe<Scalars['Int']['output']>;
  /** Tencent: offline or online push; null for other vendors. */
  eventType: Maybe<PushEventType>;
  /** JPush: the message kind this row belongs to; null for other vendors. */
  messageType: Maybe<MessageType>;
  /** The device platform of the channel. */
  platform: Platform;
  /** Pushes this channel delivered. */
  received: Maybe<Scalars['Int']['output']>;
  /** Pushes handed to this channel. */
  sent: Maybe<Scalars['Int']['output']>;
  /** Devices the push was meant for on this channel. */
  target: Maybe<Scalars['Int']['output']>;
};

/** Whether a vendor has published figures for a campaign. */
export type DataAvailability =
  /**
   * The vendor no longer has the campaign (past its retention: JPush 28 days, Tencent 30), so its
   * figures come from pushgraph's archive: the newest snapshot fetched while the vendor still had
   * them. `asOf` says when.
   */
  | 'ARCHIVED'
  /** The vendor has not published figures yet (Alibaba publishes a day's data the next day, T+1). */
  | 'PENDING'
  /** The vendor answered with figures. */
  | 'READY';

/** JPush delivery status codes 0..4. */
export type DeliveryStatus =
  /** 0: delivered. */
  | 'DELIVERED'
  /** 1: not delivered. */
  | 'NOT_DELIVERED'
  /** 2: the registration id does not belong to the app. */
  | 'NOT_IN_APP'
  /** 3: the registration id belongs to the app but was not a target of this message. */
  | 'NOT_TARGETED'
  /** 4: JPush system error. */
  | 'SYSTEM_ERROR';

/** The delivery status of one message on one device. */
export type DeviceDelivery = {
  __typename?: 'DeviceDelivery';
  /** The JPush registration id of the device. */
  registrationId: Scalars['ID']['output'];
  /** What happened on that device. */
  status: DeliveryStatus;
};

/** One device's record of a Tencent push. */
export type DeviceTrace = {
  __typename?: 'DeviceTrace';
  /** The push certificate id. */
  certId: Maybe<Scalars['String']['output']>;
  /** The channel the push went through. */
  channel: Channel;
  /** The device model. */
  deviceModel: Maybe<Scalars['String']['output']>;
  /** Offline (vendor channel) or online push. */
  eventType: Maybe<PushEventType>;
  /** The device instance. */
  instanceId: Scalars['ID']['output'];
  /** Whether notifications are enabled on the device. */
  notificationEnabled: Maybe<Scalars['Boolean']['output']>;
  /** When the push task was sent. */
  pushTime: Maybe<Scalars['String']['output']>;
  /** The TIMPush plug-in version. */
  pushVersion: Maybe<Scalars['String']['output']>;
  /** Whether the device was recently active. */
  recentlyActive: Maybe<Scalars['Boolean']['output']>;
  /** The IM SDK version. */
  sdkVersion: Maybe<Scalars['String']['output']>;
  /**
   * The stages Tencent reports as reached, in delivery order: each succeeded or failed. A stage
   * Tencent leaves out, writes as an empty object, or gives a PushStatus other than 1 (success) or
   * 2 (failure) is not known to be reached and is left out, so a missing stage means "not reached
   * or not reported", never a failure. Only a device record that cannot be read at all fails the
   * trace (VENDOR_ERROR, vendorCode MALFORMED_RESPONSE).
   */
  stages: Array<TraceStage>;
  /** The operating system. */
  system: Maybe<Scalars['String']['output']>;
  /** The operating system version. */
  systemVersion: Maybe<Scalars['String']['output']>;
  /** The device push token. */
  token: Maybe<Scalars['String']['output']>;
};

/**
 * The delivery funnel, normalized: target ≥ sent ≥ received ≥ displayed ≥ clicked where both are present.
 * A figure the vendor does not report is null, never 0: JPush iOS custom-message clicks (JPush returns
 * 0 but measures none), a Tencent stage reported 0 while a later stage counts more (APNs delivery
 * without callbacks), and JPush's `sent` without the VIP interface (its own channel reports no sent).
 */
export type Funnel = {
  __typename?: 'Funnel';
  /** Notifications opened (clicked). */
  clicked: Maybe<Scalars['Int']['output']>;
  /** Notifications cleared without opening (Alibaba). */
  dismissed: Maybe<Scalars['Int']['output']>;
  /** Notifications shown on a device. */
  displayed: Maybe<Scalars['Int']['output']>;
  /** Pushes that reached a device. */
  received: Maybe<Scalars['Int']['output']>;
  /** Pushes handed to a delivery channel. */
  sent: Maybe<Scalars['Int']['output']>;
  /** Devices the push was meant for. */
  target: Maybe<Scalars['Int']['output']>;
};

/** One loss reason and how many pushes it cost. */
export type LossReason = {
  __typename?: 'LossReason';
  /** Null for the overall lists; the channel for the per-platform lists. */
  channel: Maybe<Channel>;
  /** Pushes lost for this reason. */
  count: Scalars['Int']['output'];
  /** The vendor's explanation of the code. */
  description: Maybe<Scalars['String']['output']>;
  /** The vendor's error code. */
  errorCode: Scalars['String']['output'];
  /** Null for the overall lists; offline or online for the per-platform lists. */
  eventType: Maybe<PushEventType>;
  /** Where in the delivery the loss happened. */
  stage: LossStage;
};

/** The stage at which Tencent counted a loss. */
export type LossStage =
  /** Lost after the vendor channel accepted the push (`PostSendDelivered*` lists). */
  | 'POST_SEND_DELIVERED'
  /** Lost before sending (`ReadyToSend*` lists). */
  | 'READY_TO_SEND';

/** JPush message kinds (the `details.*` blocks of `messages/detail`). */
export type MessageType =
  /** In-app reminder (`details.inapp`). */
  | 'INAPP'
  /** iOS Live Activity (`details.live_activity`). */
  | 'LIVE_ACTIVITY'
  /** Custom (in-app payload) message (`details.message`). */
  | 'MESSAGE'
  /** Notification-bar message (`details.notification`). */
  | 'NOTIFICATION';

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * A sending system registers what it just pushed, so pushgraph follows it from the first minute:
   * ids are checked as `campaigns` checks them, what the vendors already have is fetched (and
   * archived), and the campaigns go on the archive refresher's schedule. Tracking twice is
   * harmless. Null where the vendor does not know the id (yet).
   */
  trackCampaigns: Array<Maybe<Campaign>>;
};

export type MutationTrackCampaignsArgs = {
  campaigns: Array<CampaignInput>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the page's last edge; null for an empty page. */
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** The device platform a channel serves. */
export type Platform =
  | 'ANDROID'
  | 'HARMONY'
  | 'IOS'
  /** Quick apps (快应用). */
  | 'QUICKAPP'
  | 'UNKNOWN';

/** Tencent push event type. */
export type PushEventType =
  /** Offline push through a vendor channel (`EventType = 1`). */
  | 'OFFLINE'
  /** Online push over Tencent's own IM connection (`EventType = 2`); its channel is UNKNOWN (`PushPlatform = 0`). */
  | 'ONLINE';

export type Query = {
  __typename?: 'Query';
  /**
   * One campaign (push task / message) of one app of one vendor; null when the vendor knows no such
   * id. `app` is a name of PUSHGRAPH_APPS, omitted = `default` (the single-app variables); an
   * unknown app is BAD_USER_INPUT before any vendor call.
   */
  campaign: Maybe<Campaign>;
  /**
   * One normalized summary over campaigns of any vendors; costs the vendor calls those campaigns
   * cost (batched with every other campaign of the operation, within MAX_IDS_PER_REQUEST and the
   * quota cost limit).
   */
  campaignSummary: CampaignSummary;
  /**
   * Many campaigns of one vendor, in the order of `ids`; null where the vendor knows no such id.
   * All ids of one operation are batched into the fewest vendor calls the vendor allows, per app:
   * two apps never share a vendor call. `app` as for `campaign`.
   */
  campaigns: Array<Maybe<Campaign>>;
  /**
   * JPush `status/message`: the delivery status of one message on up to 1000 devices.
   * `date` is `YYYY-MM-DD` (JPush's default: today); JPush keeps 28 days. `app`: a JPush app (a
   * group has no status/message), omitted = `default`.
   */
  deliveryStatus: Array<DeviceDelivery>;
  /** Tencent `all_member_push_trace`: the path of one push task to one user's devices. `app` omitted = `default`. */
  deviceTrace: Array<DeviceTrace>;
  /**
   * Campaigns pushgraph has seen or been told about, newest first (by when it first saw them):
   * every campaign asked through `campaign`/`campaigns` and every one registered with
   * `trackCampaigns`. `since` (ISO-8601) bounds when it was first seen; `first` is at most 200;
   * `after` is the `endCursor` of the previous page (opaque, stable while new campaigns arrive).
   */
  recentCampaigns: CampaignConnection;
  /**
   * JPush `users`: new, online and active users per platform over time.
   * `start` must match `timeUnit`: `YYYY-MM-DD HH` (HOUR), `YYYY-MM-DD` (DAY), `YYYY-MM` (MONTH).
   * `app` omitted = `default`. For a JPush app group this reads `group/users`, which keeps 30 days
   * (an app: 60); older starts are BAD_USER_INPUT.
   */
  userMetrics: UserMetrics;
};

export type QueryCampaignArgs = {
  app?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  vendor: Vendor;
};

export type QueryCampaignSummaryArgs = {
  campaigns: Array<CampaignInput>;
};

export type QueryCampaignsArgs = {
  app?: InputMaybe<Scalars['String']['input']>;
  ids: Array<Scalars['ID']['input']>;
  vendor: Vendor;
};

export type QueryDeliveryStatusArgs = {
  app?: InputMaybe<Scalars['String']['input']>;
  date?: InputMaybe<Scalars['String']['input']>;
  msgId: Scalars['ID']['input'];
  registrationIds: Array<Scalars['ID']['input']>;
};

export type QueryDeviceTraceArgs = {
  app?: InputMaybe<Scalars['String']['input']>;
  taskId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

export type QueryRecentCampaignsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  app?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  since?: InputMaybe<Scalars['String']['input']>;
  vendor?: InputMaybe<Vendor>;
};

export type QueryUserMetricsArgs = {
  app?: InputMaybe<Scalars['String']['input']>;
  duration: Scalars['Int']['input'];
  start: Scalars['String']['input'];
  timeUnit: TimeUnit;
};

/** SMS fallback figures of an Alibaba composite push. */
export type SmsStats = {
  __typename?: 'SmsStats';
  /** Text messages that failed to send (`SmsFailedCount`). */
  failed: Maybe<Scalars['Int']['output']>;
  /** Text messages sent but not received (`SmsReceiveFailedCount`). */
  receiveFailed: Maybe<Scalars['Int']['output']>;
  /** Text messages received (`SmsReceiveSuccessCount`). */
  receiveSuccess: Maybe<Scalars['Int']['output']>;
  /** Text messages sent (`SmsSentCount`). */
  sent: Maybe<Scalars['Int']['output']>;
  /** Text messages skipped, e.g. no mobile number bound (`SmsSkipCount`). */
  skipped: Maybe<Scalars['Int']['output']>;
};

/** Granularity of `userMetrics` (JPush `time_unit`). */
export type TimeUnit =
  /** `start` is `YYYY-MM-DD`. */
  | 'DAY'
  /** `start` is `YYYY-MM-DD HH`; JPush only answers hours of the current day. */
  | 'HOUR'
  /** `start` is `YYYY-MM`. */
  | 'MONTH';

/** One stage of a push trace that Tencent reports as reached (PushStatus 1 or 2); see DeviceTrace.stages. */
export type TraceStage = {
  __typename?: 'TraceStage';
  /** The vendor's error code when it did not. */
  errorCode: Maybe<Scalars['Int']['output']>;
  /** The vendor's error text when it did not. */
  errorInfo: Maybe<Scalars['String']['output']>;
  /** When the stage happened. */
  eventTime: Maybe<Scalars['String']['output']>;
  /** Which stage. */
  name: TraceStageName;
  /** Whether the stage succeeded. */
  success: Scalars['Boolean']['output'];
};

/** A stage of a Tencent push trace. */
export type TraceStageName =
  /** The notification was clicked. */
  | 'CLICK'
  /** Reached the device. */
  | 'DEVICE'
  /** The IM backend accepted the push. */
  | 'IM_COMMIT'
  /** Submitted for offline push. */
  | 'OFFLINE_SUBMIT'
  /** Sent over the online channel. */
  | 'ONLINE_CHANNEL'
  /** Reached the device over the online channel. */
  | 'ONLINE_DEVICE'
  /** Handed to the vendor channel. */
  | 'VENDOR_CHANNEL';

/** JPush user statistics for a period. */
export type UserMetrics = {
  __typename?: 'UserMetrics';
  /** The number of time units asked for. */
  duration: Scalars['Int']['output'];
  /** One point per time unit and platform. */
  points: Array<UserMetricsPoint>;
  /** The start asked for. */
  start: Scalars['String']['output'];
  /** The granularity asked for. */
  timeUnit: TimeUnit;
};

/** Users of one platform in one time unit. */
export type UserMetricsPoint = {
  __typename?: 'UserMetricsPoint';
  /** Active users. */
  active: Maybe<Scalars['Int']['output']>;
  /** New users. */
  new: Maybe<Scalars['Int']['output']>;
  /** Online users. */
  online: Maybe<Scalars['Int']['output']>;
  /** The platform. */
  platform: Platform;
  /** The time unit, as JPush names it. */
  time: Scalars['String']['output'];
};

/**
 * The push vendors pushgraph reads. Other subgraphs use this enum as input and output,
 * so its values are identical in every subgraph of the supergraph.
 */
export type Vendor =
  /** Alibaba Cloud Mobile Push (QueryPushStatByMsg). */
  | 'ALIYUN'
  /** JPush (Jiguang) Report API v3. */
  | 'JPUSH'
  /** Tencent Cloud IM Push (TIMPush) REST API v4. */
  | 'TENCENT';

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
  reference: TReference,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = {}, TContext = {}, TArgs = {}> =
  ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs> | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = {}, TContext = {}, TArgs = {}> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = {}, TContext = {}> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo,
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = {}, TContext = {}> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = {}, TParent = {}, TContext = {}, TArgs = {}> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Campaign: ResolverTypeWrapper<CampaignRef>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CampaignConnection: ResolverTypeWrapper<Omit<CampaignConnection, 'edges'> & { edges: Array<ResolversTypes['CampaignEdge']> }>;
  CampaignEdge: ResolverTypeWrapper<Omit<CampaignEdge, 'node'> & { node: ResolversTypes['Campaign'] }>;
  CampaignInput: CampaignInput;
  CampaignSnapshot: ResolverTypeWrapper<CampaignSnapshot>;
  CampaignSummary: ResolverTypeWrapper<CampaignSummary>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Channel: Channel;
  ChannelStat: ResolverTypeWrapper<ChannelStat>;
  DataAvailability: DataAvailability;
  DeliveryStatus: DeliveryStatus;
  DeviceDelivery: ResolverTypeWrapper<DeviceDelivery>;
  DeviceTrace: ResolverTypeWrapper<DeviceTrace>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Funnel: ResolverTypeWrapper<Funnel>;
  LossReason: ResolverTypeWrapper<LossReason>;
  LossStage: LossStage;
  MessageType: MessageType;
  Mutation: ResolverTypeWrapper<{}>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Platform: Platform;
  PushEventType: PushEventType;
  Query: ResolverTypeWrapper<{}>;
  SmsStats: ResolverTypeWrapper<SmsStats>;
  TimeUnit: TimeUnit;
  TraceStage: ResolverTypeWrapper<TraceStage>;
  TraceStageName: TraceStageName;
  UserMetrics: ResolverTypeWrapper<UserMetrics>;
  UserMetricsPoint: ResolverTypeWrapper<UserMetricsPoint>;
  Vendor: Vendor;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Campaign: CampaignRef;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  CampaignConnection: Omit<CampaignConnection, 'edges'> & { edges: Array<ResolversParentTypes['CampaignEdge']> };
  CampaignEdge: Omit<CampaignEdge, 'node'> & { node: ResolversParentTypes['Campaign'] };
  CampaignInput: CampaignInput;
  CampaignSnapshot: CampaignSnapshot;
  CampaignSummary: CampaignSummary;
  Int: Scalars['Int']['output'];
  ChannelStat: ChannelStat;
  DeviceDelivery: DeviceDelivery;
  DeviceTrace: DeviceTrace;
  Boolean: Scalars['Boolean']['output'];
  Funnel: Funnel;
  LossReason: LossReason;
  Mutation: {};
  PageInfo: PageInfo;
  Query: {};
  SmsStats: SmsStats;
  TraceStage: TraceStage;
  UserMetrics: UserMetrics;
  UserMetricsPoint: UserMetricsPoint;
}>;

export type CampaignResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['Campaign'] = ResolversParentTypes['Campaign'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['Campaign']>,
    { __typename: 'Campaign' } & (
      GraphQLRecursivePick<ParentType, { vendor: true; id: true }> | GraphQLRecursivePick<ParentType, { vendor: true; app: true; id: true }>
    ),
    ContextType
  >;
  app?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  asOf?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  availability?: Resolver<ResolversTypes['DataAvailability'], ParentType, ContextType>;
  channels?: Resolver<Maybe<Array<ResolversTypes['ChannelStat']>>, ParentType, ContextType, Partial<CampaignChannelsArgs>>;
  funnel?: Resolver<Maybe<ResolversTypes['Funnel']>, ParentType, ContextType, Partial<CampaignFunnelArgs>>;
  history?: Resolver<Maybe<Array<ResolversTypes['CampaignSnapshot']>>, ParentType, ContextType, Partial<CampaignHistoryArgs>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lossReasons?: Resolver<Maybe<Array<ResolversTypes['LossReason']>>, ParentType, ContextType, Partial<CampaignLossReasonsArgs>>;
  sms?: Resolver<Maybe<ResolversTypes['SmsStats']>, ParentType, ContextType>;
  vendor?: Resolver<ResolversTypes['Vendor'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type CampaignConnectionResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['CampaignConnection'] = ResolversParentTypes['CampaignConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['CampaignEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type CampaignEdgeResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['CampaignEdge'] = ResolversParentTypes['CampaignEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Campaign'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type CampaignSnapshotResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['CampaignSnapshot'] = ResolversParentTypes['CampaignSnapshot'],
> = ResolversObject<{
  channels?: Resolver<Maybe<Array<ResolversTypes['ChannelStat']>>, ParentType, ContextType>;
  fetchedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  funnel?: Resolver<Maybe<ResolversTypes['Funnel']>, ParentType, ContextType>;
  lossReasons?: Resolver<Maybe<Array<ResolversTypes['LossReason']>>, ParentType, ContextType>;
  sms?: Resolver<Maybe<ResolversTypes['SmsStats']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type CampaignSummaryResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['CampaignSummary'] = ResolversParentTypes['CampaignSummary'],
> = ResolversObject<{
  campaigns?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  channels?: Resolver<Array<ResolversTypes['ChannelStat']>, ParentType, ContextType>;
  funnel?: Resolver<Maybe<ResolversTypes['Funnel']>, ParentType, ContextType>;
  lossReasons?: Resolver<Array<ResolversTypes['LossReason']>, ParentType, ContextType>;
  withFigures?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ChannelStatResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['ChannelStat'] = ResolversParentTypes['ChannelStat'],
> = ResolversObject<{
  channel?: Resolver<ResolversTypes['Channel'], ParentType, ContextType>;
  clicked?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  displayed?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  eventType?: Resolver<Maybe<ResolversTypes['PushEventType']>, ParentType, ContextType>;
  messageType?: Resolver<Maybe<ResolversTypes['MessageType']>, ParentType, ContextType>;
  platform?: Resolver<ResolversTypes['Platform'], ParentType, ContextType>;
  received?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  sent?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  target?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type DeviceDeliveryResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['DeviceDelivery'] = ResolversParentTypes['DeviceDelivery'],
> = ResolversObject<{
  registrationId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['DeliveryStatus'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type DeviceTraceResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['DeviceTrace'] = ResolversParentTypes['DeviceTrace'],
> = ResolversObject<{
  certId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  channel?: Resolver<ResolversTypes['Channel'], ParentType, ContextType>;
  deviceModel?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventType?: Resolver<Maybe<ResolversTypes['PushEventType']>, ParentType, ContextType>;
  instanceId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  notificationEnabled?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  pushTime?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  pushVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recentlyActive?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  sdkVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  stages?: Resolver<Array<ResolversTypes['TraceStage']>, ParentType, ContextType>;
  system?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  systemVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  token?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type FunnelResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['Funnel'] = ResolversParentTypes['Funnel'],
> = ResolversObject<{
  clicked?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  dismissed?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  displayed?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  received?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  sent?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  target?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type LossReasonResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['LossReason'] = ResolversParentTypes['LossReason'],
> = ResolversObject<{
  channel?: Resolver<Maybe<ResolversTypes['Channel']>, ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  errorCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventType?: Resolver<Maybe<ResolversTypes['PushEventType']>, ParentType, ContextType>;
  stage?: Resolver<ResolversTypes['LossStage'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  trackCampaigns?: Resolver<
    Array<Maybe<ResolversTypes['Campaign']>>,
    ParentType,
    ContextType,
    RequireFields<MutationTrackCampaignsArgs, 'campaigns'>
  >;
}>;

export type PageInfoResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo'],
> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  campaign?: Resolver<Maybe<ResolversTypes['Campaign']>, ParentType, ContextType, RequireFields<QueryCampaignArgs, 'id' | 'vendor'>>;
  campaignSummary?: Resolver<
    ResolversTypes['CampaignSummary'],
    ParentType,
    ContextType,
    RequireFields<QueryCampaignSummaryArgs, 'campaigns'>
  >;
  campaigns?: Resolver<
    Array<Maybe<ResolversTypes['Campaign']>>,
    ParentType,
    ContextType,
    RequireFields<QueryCampaignsArgs, 'ids' | 'vendor'>
  >;
  deliveryStatus?: Resolver<
    Array<ResolversTypes['DeviceDelivery']>,
    ParentType,
    ContextType,
    RequireFields<QueryDeliveryStatusArgs, 'msgId' | 'registrationIds'>
  >;
  deviceTrace?: Resolver<
    Array<ResolversTypes['DeviceTrace']>,
    ParentType,
    ContextType,
    RequireFields<QueryDeviceTraceArgs, 'taskId' | 'userId'>
  >;
  recentCampaigns?: Resolver<
    ResolversTypes['CampaignConnection'],
    ParentType,
    ContextType,
    RequireFields<QueryRecentCampaignsArgs, 'first'>
  >;
  userMetrics?: Resolver<
    ResolversTypes['UserMetrics'],
    ParentType,
    ContextType,
    RequireFields<QueryUserMetricsArgs, 'duration' | 'start' | 'timeUnit'>
  >;
}>;

export type SmsStatsResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['SmsStats'] = ResolversParentTypes['SmsStats'],
> = ResolversObject<{
  failed?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  receiveFailed?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  receiveSuccess?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  sent?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  skipped?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type TraceStageResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['TraceStage'] = ResolversParentTypes['TraceStage'],
> = ResolversObject<{
  errorCode?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  errorInfo?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventTime?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['TraceStageName'], ParentType, ContextType>;
  success?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type UserMetricsResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['UserMetrics'] = ResolversParentTypes['UserMetrics'],
> = ResolversObject<{
  duration?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  points?: Resolver<Array<ResolversTypes['UserMetricsPoint']>, ParentType, ContextType>;
  start?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timeUnit?: Resolver<ResolversTypes['TimeUnit'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type UserMetricsPointResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes['UserMetricsPoint'] = ResolversParentTypes['UserMetricsPoint'],
> = ResolversObject<{
  active?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  new?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  online?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  platform?: Resolver<ResolversTypes['Platform'], ParentType, ContextType>;
  time?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  Campaign?: CampaignResolvers<ContextType>;
  CampaignConnection?: CampaignConnectionResolvers<ContextType>;
  CampaignEdge?: CampaignEdgeResolvers<ContextType>;
  CampaignSnapshot?: CampaignSnapshotResolvers<ContextType>;
  CampaignSummary?: CampaignSummaryResolvers<ContextType>;
  ChannelStat?: ChannelStatResolvers<ContextType>;
  DeviceDelivery?: DeviceDeliveryResolvers<ContextType>;
  DeviceTrace?: DeviceTraceResolvers<ContextType>;
  Funnel?: FunnelResolvers<ContextType>;
  LossReason?: LossReasonResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SmsStats?: SmsStatsResolvers<ContextType>;
  TraceStage?: TraceStageResolvers<ContextType>;
  UserMetrics?: UserMetricsResolvers<ContextType>;
  UserMetricsPoint?: UserMetricsPointResolvers<ContextType>;
}>;
