import { randomBytes } from 'node:crypto';
import { z } from 'zod/v4';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from '../fake-server.js';
import { seededRandom } from '../seeded-random.js';
import {
  JPushErrorCode,
  quoteMsgIds,
  type JPushDeliveryStatusCode,
  type JPushErrorBody,
  type JPushMessageDetail,
  type JPushMessageTypeKey,
  type JPushReceivedDetail,
  type JPushStat,
  type JPushTimeUnit,
  type JPushTypeStat,
  type JPushUsersAnswer,
  type JPushUsersItem,
} from './types.js';
import {
  checkMsgId,
  checkRegistrationIds,
  checkStatusDate,
  checkUsersQuery,
  chinaNow,
  dayNumber,
  dayString,
  MAX_MSG_IDS_PER_CALL,
  monthNumberOfDay,
  type ArgumentProblem,
} from './validate.js';

/*
 * A JPush Report API v3 on loopback: the built-in demo vendor, and the strict fake of the tests.
 * It speaks the wire format of vendor-docs/jpush-report-api-v3.txt, checks HTTP Basic auth
 * exactly (401 + 3001), the 100 msg_ids limit, numeric ids, the 28-day and users rules, and
 * counts a per-window quota with JPush's X-Rate-Limit-* headers on every answer.
 *
 * Data is deterministic per id (seeded by a hash of it) and consistent: every type's totals are
 * the sums of its channels, and target ≥ sent ≥ received ≥ display ≥ click on each channel.
 * Unknown ids: every numeric id exists EXCEPT those ending in "404" (and ids dropped by a test).
 */

export interface JPushSimulatorOptions {
  /** Defaults: random 24-hex credentials, like JPush's own. */
  appKey?: string;
  masterSecret?: string;
  /** Calls per window (JPush free plan: 2400 per minute). */
  quota?: number;
  /** Length of a quota window (JPush: 60 s). */
  windowSeconds?: number;
  /** Whether the app has the VIP messages/detail interface (default true; false answers 2003). */
  vip?: boolean;
  /** How answers write msg_id: a string as in the doc's examples, or a bare JSON number. */
  msgIdFormat?: 'string' | 'number';
}

/** An error to answer instead of the real one. */
export interface JPushInjectedError {
  status: number;
  code: number;
  message: string;
  /** Only for this endpoint (`messages/detail`, …); default: the next call of any endpoint. */
  endpoint?: string;
}

export interface JPushSimulator {
  server: FakeServer;
  /** What `JPUSH_REPORT_URL` points at: `${server.url}/v3`. */
  baseUrl: string;
  appKey: string;
  masterSecret: string;
  /** How answers write msg_id (see {@link JPushSimulatorOptions.msgIdFormat}). */
  msgIdFormat: 'string' | 'number';
  /** Requests that reached one endpoint (`messages/detail`, `received/detail`, `status/message`, `users`). */
  requestsTo(endpoint: string): RecordedRequest[];
  /** HTTP status of every answer, in order. */
  replyStatuses: number[];
  /** The element messages/detail answers for `id`; undefined for an unknown id. */
  messageDetail(id: string): JPushMessageDetail | undefined;
  /** The element received/detail answers for `id`; undefined for an unknown id. */
  receivedDetail(id: string): JPushReceivedDetail | undefined;
  /** Exact messages/detail data for `detail.msg_id` (received/detail is not derived from it). */
  setMessage(detail: JPushMessageDetail): void;
  /**
   * An element messages/detail answers for `id` verbatim, whatever its shape (a block pushgraph
   * cannot read); the other ids of the same call are answered as usual.
   */
  setRawMessage(id: string, element: unknown): void;
  /** Exact received/detail data for `row.msg_id`. */
  setReceived(row: JPushReceivedDetail): void;
  /** JPush forgets `id`: both report endpoints leave it out. */
  dropId(id: string): void;
  setVip(on: boolean): void;
  /** Exact status/message answer for `msgId`: asked ids missing from `statuses` are left out. */
  setDeliveryStatuses(msgId: string, statuses: Record<string, JPushDeliveryStatusCode>): void;
  /** Exact users `items` for every valid users query. */
  setUsersItems(items: JPushUsersItem[]): void;
  /** The next `times` calls answer HTTP 429 / 2002 with `X-Rate-Limit-Reset: resetSeconds`. */
  rateLimitNext(times: number, resetSeconds: number): void;
  /** The next `times` calls (of `error.endpoint`, if set) answer `error`. */
  failNext(error: JPushInjectedError, times?: number): void;
  close(): Promise<void>;
}

/** JPush free plan: 2400 calls per minute (CONTRACT.md). */
const FREE_PLAN_QUOTA = 2400;

type Stat = Required<{ [K in keyof JPushStat]: number }>;
type SubKey = `sub_${string}`;

/** One channel of one message type; `key` null = live_activity's flat `sub_ios`. */
interface SimChannel {
  sub: SubKey;
  key: string | null;
  stat: Stat;
}

interface SimMessage {
  types: Array<{ type: JPushMessageTypeKey; channels: SimChannel[] }>;
}

/** The channels each message type of the doc's example carries, per platform block. */
const TYPE_CHANNELS: Record<'notification' | 'message' | 'inapp', Record<SubKey, string[]>> = {
  notification: {
    sub_android: ['jg_android', 'huawei', 'xiaomi', 'oppo', 'vivo', 'meizu', 'fcm', 'asus', 'tuibida', 'honor', 'nio'],
    sub_ios: ['apns', 'voip'],
    sub_hmos: ['hmpns', 'jg_hmos'],
    sub_quickapp: ['quick_jg', 'quick_huawei', 'quick_xiaomi', 'quick_oppo'],
  },
  message: {
    sub_android: ['jg_android', 'huawei', 'xiaomi', 'fcm', 'honor', 'nio'],
    sub_ios: ['jg_ios'],
    sub_hmos: ['hmpns', 'jg_hmos'],
    sub_quickapp: ['quick_jg'],
  },
  inapp: { sub_android: ['jg_android'], sub_ios: ['jg_ios'] },
};

function channelStat(random: () => number, audience: number, clicks: boolean): Stat {
  const target = Math.floor(audience * (0.01 + random() * 0.3));
  const sent = Math.floor(target * (0.92 + random() * 0.08));
  const received = Math.floor(sent * (0.7 + random() * 0.28));
  const display = Math.floor(received * (0.55 + random() * 0.4));
  // iOS custom messages have no click figure (doc: "iOS 由于其特殊性,自定义消息无点击指标统计"), only the field.
  const click = clicks ? Math.floor(display * (0.02 + random() * 0.13)) : 0;
  return { target, sent, received, display, click };
}

/** Notification always; custom message, in-app reminder and Live Activity some of the time. */
function generateMessage(id: string): SimMessage {
  const random = seededRandom(`jpush:${id}`);
  const audience = 1_000 + Math.floor(random() * 200_000);
  const types: SimMessage['types'] = [];
  const presence: Record<JPushMessageTypeKey, number> = { notification: 1, message: 0.6, inapp: 0.3, live_activity: 0.15 };
  for (const type of ['notification', 'message', 'inapp'] as const) {
    if (random() >= presence[type]) continue;
    const channels: SimChannel[] = [];
    for (const [sub, keys] of Object.entries(TYPE_CHANNELS[type]) as Array<[SubKey, string[]]>) {
      // The first channel of a block (JPush's own or the platform's main one) always carries.
      keys.forEach((key, index) => {
        if (index === 0 || random() < 0.75)
          channels.push({ sub, key, stat: channelStat(random, audience, !(type === 'message' && sub === 'sub_ios')) });
      });
    }
    types.push({ type, channels });
  }
  if (random() < presence.live_activity) {
    types.push({ type: 'live_activity', channels: [{ sub: 'sub_ios', key: null, stat: channelStat(random, audience / 10, true) }] });
  }
  return { types };
}

function total(channels: readonly SimChannel[], stage: keyof Stat): number {
  return channels.reduce((sum, channel) => sum + channel.stat[stage], 0);
}

function toMessageDetail(id: string, message: SimMessage): JPushMessageDetail {
  const details: NonNullable<JPushMessageDetail['details']> = {};
  for (const { type, channels } of message.types) {
    const block: JPushTypeStat = {
      target: total(channels, 'target'),
      sent: total(channels, 'sent'),
      received: total(channels, 'received'),
      display: total(channels, 'display'),
      click: total(channels, 'click'),
    };
    const subs: Record<SubKey, Record<string, JPushStat>> = {};
    for (const { sub, key, stat } of channels) {
      if (key === null) block[sub] = stat;
      else subs[sub] = { ...subs[sub], [key]: stat };
    }
    details[type] = Object.assign(block, subs);
  }
  return { msg_id: id, details };
}

/** received/detail figures of the same message, as JPush groups them (doc "Return Parameters"). */
function toReceivedDetail(id: string, message: SimMessage): JPushReceivedDetail {
  const channels = message.types.flatMap(({ type, channels }) => channels.map((channel) => ({ type, ...channel })));
  type Row = (typeof channels)[number];
  // "If there is no such data, it will be null."
  const sum = (stage: 'sent' | 'received', matches: (row: Row) => boolean): number | null => {
    const rows = channels.filter(matches);
    return rows.length === 0 ? null : rows.reduce((acc, row) => acc + row.stat[stage], 0);
  };
  const androidVendor = (row: Row): boolean => row.sub === 'sub_android' && row.key !== 'jg_android';
  const apns = (row: Row): boolean => row.type === 'notification' && row.sub === 'sub_ios';
  const live = (row: Row): boolean => row.type === 'live_activity';
  const quickVendor = (row: Row): boolean => row.sub === 'sub_quickapp' && row.key !== 'quick_jg';
  const hmpns = (row: Row): boolean => row.type === 'notification' && row.sub === 'sub_hmos';
  const hmosMsg = (row: Row): boolean => row.type === 'message' && row.sub === 'sub_hmos';
  return {
    msg_id: id,
    jpush_received: sum('received', (row) => row.key === 'jg_android'),
    android_pns_sent: sum('sent', androidVendor),
    android_pns_received: sum('received', androidVendor),
    ios_apns_sent: sum('sent', apns),
    ios_apns_received: sum('received', apns),
    ios_msg_received: sum('received', (row) => row.key === 'jg_ios'),
    live_acivity_sent: sum('sent', live),
    live_acivity_received: sum('received', live),
    wp_mpns_sent: null,
    quickapp_jpush_received: sum('received', (row) => row.key === 'quick_jg'),
    quickapp_pns_sent: sum('sent', quickVendor),
    hmos_hmpns_sent: sum('sent', hmpns),
    hmos_hmpns_received: sum('received', hmpns),
    hmos_msg_sent: sum('sent', hmosMsg),
    hmos_msg_received: sum('received', hmosMsg),
  };
}

/** Status 0 mostly; every one of JPush's five answers appears. */
function generatedStatus(msgId: string, date: string, registrationId: string): JPushDeliveryStatusCode {
  const roll = seededRandom(`jpush:${msgId}|${date}|${registrationId}`)();
  if (roll < 0.7) return 0;
  if (roll < 0.85) return 1;
  if (roll < 0.9) return 2;
  if (roll < 0.97) return 3;
  return 4;
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** users items from `start`, one per unit, up to now (China time): no figures for the future. */
export function generateUsersItems(timeUnit: JPushTimeUnit, start: string, duration: number, nowMs: number): JPushUsersItem[] {
  const now = chinaNow(nowMs);
  const times: string[] = [];
  const [date = '', hourText = '0'] = start.split(' ');
  for (let step = 0; step < duration; step++) {
    if (timeUnit === 'HOUR') {
      const hour = Number(hourText) + step;
      if (hour > now.hour) break;
      times.push(`${date} ${pad(hour)}`);
    } else if (timeUnit === 'DAY') {
      const day = (dayNumber(date) ?? 0) + step;
      if (day > now.day) break;
      times.push(dayString(day));
    } else {
      const month = monthNumberOfDay(dayNumber(`${date}-01`) ?? 0) + step;
      if (month > monthNumberOfDay(now.day)) break;
      times.push(`${Math.floor(month / 12)}-${pad((month % 12) + 1)}`);
    }
  }
  return times.map((time) => {
    const item: JPushUsersItem = { time };
    for (const platform of ['android', 'ios', 'hmos']) {
      const random = seededRandom(`jpush:users:${timeUnit}:${time}:${platform}`);
      const online = 500 + Math.floor(random() * 50_000);
      const active = Math.floor(online * (0.3 + random() * 0.5));
      item[platform] = { new: Math.floor(active * (0.01 + random() * 0.09)), online, active };
    }
    return item;
  });
}

const StatusRequestSchema = z.object({
  msg_id: z.string(),
  registration_ids: z.array(z.string()),
  date: z.string().optional(),
});

export function failure(status: number, code: number, message: string, headers: Record<string, string> = {}): FakeReply {
  const body: JPushErrorBody = { error: { code, message } };
  return { status, headers, body };
}

export function problemReply(problem: ArgumentProblem, headers: Record<string, string>): FakeReply {
  return failure(400, problem.code, problem.message, headers);
}

/** JPush's call quota of one app key (or group key) per window, with the headers every answer carries. */
export function quotaWindow(quota: number, windowMs: number): () => { overQuota: boolean; headers: Record<string, string> } {
  let windowEnd = 0;
  let used = 0;
  return () => {
    const now = Date.now();
    if (now >= windowEnd) {
      windowEnd = now + windowMs;
      used = 0;
    }
    const overQuota = used >= quota;
    if (!overQuota) used++;
    return {
      overQuota,
      headers: {
        'X-Rate-Limit-Quota': String(quota),
        'X-Rate-Limit-Remaining': String(quota - used),
        'X-Rate-Limit-Reset': String(Math.ceil((windowEnd - now) / 1000)),
      },
    };
  };
}

/** users / group/users: the query checked as JPush checks it (`check`: an app's 60 days or a group's 30), then `items` or generated ones. */
export function usersReply(
  request: RecordedRequest,
  headers: Record<string, string>,
  check: (timeUnit: JPushTimeUnit, start: string, duration: number) => ArgumentProblem | undefined,
  items: JPushUsersItem[] | undefined,
): FakeReply {
  const unitText = request.query.get('time_unit') ?? '';
  const start = request.query.get('start');
  const durationText = request.query.get('duration');
  if (!unitText || start === null || durationText === null) {
    return failure(400, JPushErrorCode.MISSING_PARAMETER, 'time_unit, start and duration are required', headers);
  }
  // The doc's group example sends "day": JPush reads the unit case-insensitively.
  const timeUnit = unitText.toUpperCase();
  if (timeUnit !== 'HOUR' && timeUnit !== 'DAY' && timeUnit !== 'MONTH') {
    return failure(400, JPushErrorCode.ILLEGAL_PARAMETER, `time_unit ${unitText} is not HOUR, DAY or MONTH`, headers);
  }
  const duration = /^\d+$/.test(durationText) ? Number(durationText) : Number.NaN;
  const problem = check(timeUnit, start, duration);
  if (problem) return problemReply(problem, headers);
  const answer: JPushUsersAnswer = {
    time_unit: unitText,
    start,
    duration,
    items: items ?? generateUsersItems(timeUnit, start, duration, Date.now()),
  };
  return { status: 200, headers, body: answer };
}

/** Decodes `Authorization: Basic …` on its own (not with the client's code), so a client bug shows. */
export function credentialsOf(request: RecordedRequest): { appKey: string; masterSecret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { appKey: decoded.slice(0, colon), masterSecret: decoded.slice(colon + 1) };
}

export async function startJPushSimulator(options: JPushSimulatorOptions = {}): Promise<JPushSimulator> {
  const appKey = options.appKey ?? randomBytes(12).toString('hex');
  const masterSecret = options.masterSecret ?? randomBytes(12).toString('hex');
  const quota = options.quota ?? FREE_PLAN_QUOTA;
  const windowMs = (options.windowSeconds ?? 60) * 1000;
  let vip = options.vip ?? true;
  const messages = new Map<string, JPushMessageDetail>();
  const received = new Map<string, JPushReceivedDetail>();
  const rawMessages = new Map<string, unknown>();
  const dropped = new Set<string>();
  const deliveryStatuses = new Map<string, Record<string, JPushDeliveryStatusCode>>();
  let usersItems: JPushUsersItem[] | undefined;
  let rateLimited: { times: number; resetSeconds: number } = { times: 0, resetSeconds: 0 };
  const injected: Array<{ error: JPushInjectedError; times: number }> = [];
  const takeCall = quotaWindow(quota, windowMs);
  const replyStatuses: number[] = [];

  // Data set by a test wins over the "404" rule; a dropped id wins over everything.
  const known = (id: string): boolean => !dropped.has(id) && (messages.has(id) || received.has(id) || !id.endsWith('404'));
  const messageDetail = (id: string): JPushMessageDetail | undefined =>
    known(id) ? (messages.get(id) ?? toMessageDetail(id, generateMessage(id))) : undefined;
  const receivedDetail = (id: string): JPushReceivedDetail | undefined =>
    known(id) ? (received.get(id) ?? toReceivedDetail(id, generateMessage(id))) : undefined;

  const json = (rows: unknown, headers: Record<string, string>): FakeReply => {
    let text = JSON.stringify(rows);
    if (simulator.msgIdFormat === 'number') text = text.replace(/"msg_id":"(\d+)"/g, '"msg_id":$1');
    return { status: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: text };
  };

  const byMsgIds = (request: RecordedRequest, headers: Record<string, string>, answer: (id: string) => unknown): FakeReply => {
    const raw = request.query.get('msg_ids');
    if (!raw) return failure(400, JPushErrorCode.MISSING_PARAMETER, 'msg_ids is required', headers);
    const ids = raw.split(',');
    if (ids.length > MAX_MSG_IDS_PER_CALL) {
      return failure(400, JPushErrorCode.ILLEGAL_PARAMETER, `msg_ids supports at most ${MAX_MSG_IDS_PER_CALL} ids`, headers);
    }
    for (const id of ids) {
      const problem = checkMsgId(id, 'msg_ids');
      if (problem) return problemReply(problem, headers);
    }
    return json(
      ids.map(answer).filter((row) => row !== undefined),
      headers,
    );
  };

  const statusMessage = (request: RecordedRequest, headers: Record<string, string>): FakeReply => {
    let body: unknown;
    try {
      body = JSON.parse(quoteMsgIds(request.body));
    } catch {
      return failure(400, JPushErrorCode.ILLEGAL_PARAMETER, 'body is not JSON', headers);
    }
    const parsed = StatusRequestSchema.safeParse(body);
    if (!parsed.success) return failure(400, JPushErrorCode.MISSING_PARAMETER, 'msg_id and registration_ids are required', headers);
    const { msg_id: msgId, registration_ids: registrationIds, date } = parsed.data;
    const problem =
      checkMsgId(msgId, 'msg_id') ?? checkRegistrationIds(registrationIds) ?? (date === undefined ? undefined : checkStatusDate(date));
    if (problem) return problemReply(problem, headers);
    const fixed = deliveryStatuses.get(msgId);
    const answer: Array<[string, { status: JPushDeliveryStatusCode }]> = [];
    for (const id of registrationIds) {
      // A message JPush does not know has no targets: every device is "not a target" (3).
      const status = fixed ? (Object.hasOwn(fixed, id) ? fixed[id] : undefined) : known(msgId) ? generatedStatus(msgId, date ?? '', id) : 3;
      if (status !== undefined) answer.push([id, { status }]);
    }
    // fromEntries: a registration id such as "__proto__" stays an ordinary key.
    return { status: 200, headers, body: Object.fromEntries(answer) };
  };

  const users = (request: RecordedRequest, headers: Record<string, string>): FakeReply =>
    usersReply(request, headers, checkUsersQuery, usersItems);

  const ROUTES: Record<string, { method: string; answer: (request: RecordedRequest, headers: Record<string, string>) => FakeReply }> = {
    'messages/detail': {
      method: 'GET',
      answer: (request, headers) =>
        vip
          ? byMsgIds(request, headers, (id) => (rawMessages.has(id) ? rawMessages.get(id) : messageDetail(id)))
          : failure(403, JPushErrorCode.NOT_AUTHORIZED, 'Not authorized to use this interface', headers),
    },
    'received/detail': { method: 'GET', answer: (request, headers) => byMsgIds(request, headers, receivedDetail) },
    'status/message': { method: 'POST', answer: statusMessage },
    users: { method: 'GET', answer: users },
  };

  const handle = (request: RecordedRequest): FakeReply => {
    const endpoint = request.path.startsWith('/v3/') ? request.path.slice('/v3/'.length) : '';
    const route = Object.hasOwn(ROUTES, endpoint) ? ROUTES[endpoint] : undefined;
    if (!route) return failure(404, 404, 'Not Found');
    const credentials = credentialsOf(request);
    if (credentials?.appKey !== appKey || credentials.masterSecret !== masterSecret) {
      return failure(401, JPushErrorCode.AUTH_FAILED, 'Basic authentication failed');
    }
    if (rateLimited.times > 0) {
      rateLimited.times--;
      return failure(429, JPushErrorCode.RATE_LIMITED, 'Request times over the limit', {
        'X-Rate-Limit-Quota': String(quota),
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(rateLimited.resetSeconds),
      });
    }
    const { overQuota, headers } = takeCall();
    if (overQuota) return failure(429, JPushErrorCode.RATE_LIMITED, 'Request times over the limit', headers);
    const fault = injected.find((entry) => entry.error.endpoint === undefined || entry.error.endpoint === endpoint);
    if (fault) {
      if (--fault.times === 0) injected.splice(injected.indexOf(fault), 1);
      return failure(fault.error.status, fault.error.code, fault.error.message, headers);
    }
    if (request.method !== route.method) return failure(405, 405, `${endpoint} takes ${route.method}`, headers);
    return route.answer(request, headers);
  };

  const server = await startFakeServer((request) => {
    const reply = handle(request);
    replyStatuses.push(reply.status);
    return reply;
  });

  const simulator: JPushSimulator = {
    server,
    baseUrl: `${server.url}/v3`,
    appKey,
    masterSecret,
    msgIdFormat: options.msgIdFormat ?? 'string',
    requestsTo: (endpoint) => server.requests.filter((request) => request.path === `/v3/${endpoint}`),
    replyStatuses,
    messageDetail,
    receivedDetail,
    setMessage: (detail) => {
      messages.set(detail.msg_id, detail);
    },
    setRawMessage: (id, element) => {
      rawMessages.set(id, element);
    },
    setReceived: (row) => {
      received.set(row.msg_id, row);
    },
    dropId: (id) => {
      dropped.add(id);
    },
    setVip: (on) => {
      vip = on;
    },
    setDeliveryStatuses: (msgId, statuses) => {
      deliveryStatuses.set(msgId, statuses);
    },
    setUsersItems: (items) => {
      usersItems = items;
    },
    rateLimitNext: (times, resetSeconds) => {
      rateLimited = { times, resetSeconds };
    },
    failNext: (error, times = 1) => {
      injected.push({ error, times });
    },
    close: () => server.close(),
  };
  return simulator;
}
