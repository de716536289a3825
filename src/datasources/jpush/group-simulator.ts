import { randomBytes } from 'node:crypto';
import { startFakeServer, type FakeReply, type RecordedRequest, type FakeServer } from '../fake-server.js';
import { seededRandom } from '../seeded-random.js';
import { checkGroupMsgId, checkGroupUsersQuery, MAX_GROUP_MSG_IDS_PER_CALL } from './group-validate.js';
import type { JPushGroupChannelStat, JPushGroupMessageDetail } from './group-types.js';
import { credentialsOf, failure, problemReply, quotaWindow, usersReply } from './simulator.js';
import { JPushErrorCode, type JPushUsersItem } from './types.js';

/*
 * JPush's group statistics on loopback: `group/messages/detail` and `group/users` of one app
 * group, as in vendor-docs/jpush-report-api-v3.txt. Strict like the app simulator: HTTP Basic
 * must be exactly `group-<groupKey>:<groupSecret>` (else 401 + 3001), at most 10 alphanumeric
 * group_msgids a call, the group's 30 days for users, a per-minute quota with JPush's headers.
 * Figures are deterministic per id; every id exists except those ending in "404".
 */

export interface JPushGroupSimulatorOptions {
  /** Defaults: random 24-hex values, like JPush's. */
  groupKey?: string;
  groupSecret?: string;
  /** Calls per minute (JPush free plan: 2400). */
  quota?: number;
}

export interface JPushGroupSimulator {
  server: FakeServer;
  /** The group's `reportUrl`: `${server.url}/v3`. */
  baseUrl: string;
  groupKey: string;
  groupSecret: string;
  /** Requests that reached `group/messages/detail` or `group/users`. */
  requestsTo(endpoint: 'group/messages/detail' | 'group/users'): RecordedRequest[];
  /** The generated element for `id` (what is answered unless {@link setMessage} fixed it); undefined for an unknown id. */
  messageDetail(id: string): JPushGroupMessageDetail | undefined;
  /** Exact data for `detail.group_msgid`, or any element (even malformed) answered for `id`. */
  setMessage(id: string, detail: unknown): void;
  /** Exact group/users `items` for every valid query. */
  setUsersItems(items: JPushUsersItem[]): void;
  close(): Promise<void>;
}

const ANDROID_DETAILS: Array<`${string}_detail`> = [
  'xm_detail',
  'hw_detail',
  'honor_detail',
  'mz_detail',
  'oppo_detail',
  'vivo_detail',
  'fcm_detail',
  'nio_detail',
];

function generateDetail(id: string): JPushGroupMessageDetail {
  const random = seededRandom(`jpush-group:${id}`);
  const funnel = (audience: number): { target: number; sent: number; received: number; click: number } => {
    const target = Math.floor(audience * (0.05 + random() * 0.3));
    const sent = Math.floor(target * (0.9 + random() * 0.1));
    const received = Math.floor(sent * (0.7 + random() * 0.28));
    return { target, sent, received, click: Math.floor(received * random() * 0.15) };
  };
  const audience = 1_000 + Math.floor(random() * 100_000);
  const own = funnel(audience);
  const details: Record<`${string}_detail`, JPushGroupChannelStat> = {};
  for (const key of ANDROID_DETAILS) {
    const { target, sent, received } = funnel(audience / 4);
    details[key] = { target, sent, received };
  }
  const stats = Object.values(details);
  const total = (stage: keyof JPushGroupChannelStat): number => stats.reduce((sum, stat) => sum + (stat[stage] ?? 0), 0);
  const apns = funnel(audience / 2);
  const iosMsg = funnel(audience / 10);
  const hmpns = funnel(audience / 8);
  const hmosMsg = funnel(audience / 20);
  return {
    android_pns: { pns_target: total('target'), pns_sent: total('sent'), pns_received: total('received'), ...details },
    group_msgid: id,
    ios: {
      apns_click: apns.click,
      apns_received: apns.received,
      apns_sent: apns.sent,
      apns_target: apns.target,
      msg_click: 0,
      msg_received: iosMsg.received,
      msg_target: iosMsg.target,
    },
    hmos: {
      hmpns_target: hmpns.target,
      hmpns_sent: hmpns.sent,
      hmpns_received: hmpns.received,
      hmpns_click: hmpns.click,
      msg_target: hmosMsg.target,
      msg_received: hmosMsg.received,
      msg_click: 0,
    },
    jpush: { click: own.click, msg_click: Math.floor(own.click / 3), online_push: own.sent, received: own.received, target: own.target },
  };
}

export async function startJPushGroupSimulator(options: JPushGroupSimulatorOptions = {}): Promise<JPushGroupSimulator> {
  const groupKey = options.groupKey ?? randomBytes(12).toString('hex');
  const groupSecret = options.groupSecret ?? randomBytes(12).toString('hex');
  const quota = options.quota ?? 2400;
  const fixed = new Map<string, unknown>();
  let usersItems: JPushUsersItem[] | undefined;
  const takeCall = quotaWindow(quota, 60_000);

  const messageDetail = (id: string): JPushGroupMessageDetail | undefined => (id.endsWith('404') ? undefined : generateDetail(id));

  const messagesDetail = (request: RecordedRequest, headers: Record<string, string>): FakeReply => {
    const raw = request.query.get('group_msgids');
    if (!raw) return failure(400, JPushErrorCode.MISSING_PARAMETER, 'group_msgids is required', headers);
    const ids = raw.split(',');
    if (ids.length > MAX_GROUP_MSG_IDS_PER_CALL) {
      return failure(400, JPushErrorCode.ILLEGAL_PARAMETER, `group_msgids supports at most ${MAX_GROUP_MSG_IDS_PER_CALL} ids`, headers);
    }
    for (const id of ids) {
      const problem = checkGroupMsgId(id, 'group_msgids');
      if (problem) return problemReply(problem, headers);
    }
    return {
      status: 200,
      headers,
      body: ids.map((id) => (fixed.has(id) ? fixed.get(id) : messageDetail(id))).filter((item) => item !== undefined),
    };
  };

  const users = (request: RecordedRequest, headers: Record<string, string>): FakeReply =>
    usersReply(request, headers, checkGroupUsersQuery, usersItems);

  const ROUTES: Record<string, (request: RecordedRequest, headers: Record<string, string>) => FakeReply> = {
    '/v3/group/messages/detail': messagesDetail,
    '/v3/group/users': users,
  };

  const server = await startFakeServer((request) => {
    const route = Object.hasOwn(ROUTES, request.path) ? ROUTES[request.path] : undefined;
    if (!route) return failure(404, 404, 'Not Found');
    const credentials = credentialsOf(request);
    if (credentials?.appKey !== `group-${groupKey}` || credentials.masterSecret !== groupSecret) {
      return failure(401, JPushErrorCode.AUTH_FAILED, 'Basic authentication failed');
    }
    const { overQuota, headers } = takeCall();
    if (overQuota) return failure(429, JPushErrorCode.RATE_LIMITED, 'Request times over the limit', headers);
    if (request.method !== 'GET') return failure(405, 405, `${request.path} takes GET`, headers);
    return route(request, headers);
  });

  return {
    server,
    baseUrl: `${server.url}/v3`,
    groupKey,
    groupSecret,
    requestsTo: (endpoint) => server.requests.filter((request) => request.path === `/v3/${endpoint}`),
    messageDetail,
    setMessage: (id, detail) => {
      fixed.set(id, detail);
    },
    setUsersItems: (items) => {
      usersItems = items;
    },
    close: () => server.close(),
  };
}
