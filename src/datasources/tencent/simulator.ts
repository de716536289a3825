import { createHash, randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod/v4';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from '../fake-server.js';
import { seededRandom, type Random } from '../seeded-random.js';
import type {
  TencentApi,
  TencentCredentials,
  TencentInstanceTrace,
  TencentLossItem,
  TencentPlatformLossItem,
  TencentPlatformStatistics,
  TencentPushLossResult,
  TencentPushStat,
  TencentPushStatisticsResult,
} from './types.js';
import { verifyUserSig } from './usersig.js';

/**
 * The built-in Tencent TIMPush: a loopback server speaking the REST API's wire format and
 * enforcing what Tencent enforces — a valid, unexpired admin UserSig for the SDKAppID, the
 * documented query string, ≤5 TaskIDs, the window and retention limits, and 1 call per second
 * per API by arrival time (a faster call is answered 60007). Data is deterministic per TaskID.
 * Demo mode runs the live client against it; tests use it as a strict fake.
 */

const DAY = 24 * 60 * 60;
/** Every TIMPush report API: "Maximum calling frequency: 1 time/second". */
const MIN_GAP_MS = 1_000;
/** Statistics docs: "up to 5" TaskIDs. */
const MAX_TASK_IDS = 5;
/** Longest window = retention, in days (statistics: 30; loss and trace: 7). */
const RETENTION_DAYS: Record<TencentApi, number> = { all_member_push_statistics: 30, all_member_push_loss: 7, all_member_push_trace: 7 };
const APIS = Object.keys(RETENTION_DAYS) as TencentApi[];

/** One push task as the simulator knows it. */
export interface TencentSimTask {
  /** When the task was pushed (unix seconds): a window must contain it for the task to be answered. */
  pushedAt: number;
  statistics: TencentPushStatisticsResult;
  loss: TencentPushLossResult;
}

/** One answer the simulator gave; tests count rejections (60007 = a rate violation) from these. */
export interface TencentSimAnswer {
  api: string;
  errorCode: number;
}

export interface TencentSimulatorOptions {
  /** Defaults to generated demo credentials. */
  sdkAppId?: string;
  secretKey?: string;
  /** The app administrator (`identifier`); default `administrator`. */
  adminId?: string;
  latencyMs?: number;
}

export interface TencentSimulator extends FakeServer {
  credentials: TencentCredentials;
  answers: TencentSimAnswer[];
  /** Calls answered 60007 because they arrived less than a second after the previous one to the same API. */
  violations(): number;
  /** Recorded requests to one API, in arrival order. */
  callsTo(api: TencentApi): RecordedRequest[];
  /** What the simulator answers for a TaskID: set with {@link setTask}, else generated from its hash. */
  task(taskId: string): TencentSimTask;
  /** Overrides parts of a task (the rest stays generated). */
  setTask(taskId: string, data: Partial<TencentSimTask>): void;
  /** What the trace API answers for a task and user. */
  trace(taskId: string, userId: string): TencentInstanceTrace[];
  setTrace(taskId: string, userId: string, instances: TencentInstanceTrace[]): void;
  /** Tencent no longer knows the TaskID: it is absent from every answer. */
  drop(taskId: string): void;
  /** The next `times` calls to `api` that pass the auth and rate checks answer FAIL with `errorCode`. */
  failNext(api: TencentApi, errorCode: number, times?: number): void;
}

const WindowedBodySchema = z.object({
  StartTime: z.number().int(),
  EndTime: z.number().int(),
  TaskID: z.array(z.string()),
});
const TraceBodySchema = z.object({ TaskID: z.string().min(1), UserID: z.string().min(1) });

class Rejection {
  constructor(
    readonly errorCode: number,
    readonly errorInfo: string,
  ) {}
}

export async function startTencentSimulator(options: TencentSimulatorOptions = {}): Promise<TencentSimulator> {
  const credentials: TencentCredentials = {
    sdkAppId: options.sdkAppId ?? String(randomInt(1_400_000_000, 1_500_000_000)),
    secretKey: options.secretKey ?? randomBytes(32).toString('hex'),
    adminId: options.adminId ?? 'administrator',
  };
  const startedAt = Math.floor(Date.now() / 1000);
  const tasks = new Map<string, TencentSimTask>();
  const traces = new Map<string, TencentInstanceTrace[]>();
  const dropped = new Set<string>();
  const failures = new Map<TencentApi, { errorCode: number; times: number }>();
  const lastArrival = new Map<TencentApi, number>();
  const answers: TencentSimAnswer[] = [];
  let sequence = 0;

  const task = (taskId: string): TencentSimTask => tasks.get(taskId) ?? generateTask(taskId, startedAt);
  const traceKey = (taskId: string, userId: string): string => JSON.stringify([taskId, userId]);
  const trace = (taskId: string, userId: string): TencentInstanceTrace[] =>
    traces.get(traceKey(taskId, userId)) ?? generateTrace(taskId, userId, task(taskId));

  function reply(api: string, body: { ErrorCode: number; ErrorInfo: string } & Record<string, unknown>): FakeReply {
    answers.push({ api, errorCode: body.ErrorCode });
    sequence += 1;
    const RequestId = `Id-${createHash('md5').update(`${startedAt}:${sequence}`).digest('hex')}-O-Seq-${sequence}`;
    // HTTP 200 for failures too (every TIMPush page: "Unless a network error occurs, the HTTP return code is 200").
    return { status: 200, body: { ActionStatus: body.ErrorCode === 0 ? 'OK' : 'FAIL', ...body, RequestId } };
  }

  function admit(api: TencentApi, request: RecordedRequest): void {
    if (request.method !== 'POST') throw new Rejection(60002, 'REST API requests are HTTP POST');
    const query = request.query;
    const sdkAppId = query.get('sdkappid');
    if (!sdkAppId) throw new Rejection(60012, 'The REST API needs sdkappid in the URL');
    if (sdkAppId !== credentials.sdkAppId) throw new Rejection(60006, 'SDKAppID is invalid');
    // The limit counts every call that arrives for the app, accepted or not.
    const previous = lastArrival.get(api);
    lastArrival.set(api, request.arrivedAt);
    if (previous !== undefined && request.arrivedAt - previous < MIN_GAP_MS) {
      throw new Rejection(60007, 'The REST API call frequency exceeds the limit. Reduce the request rate.');
    }
    const random = query.get('random') ?? '';
    if (query.get('contenttype') !== 'json' || !/^\d{1,10}$/.test(random) || Number(random) > 0xffff_ffff) {
      throw new Rejection(60002, 'HTTP parsing error: check random and contenttype in the URL');
    }
    const identifier = query.get('identifier');
    const userSig = query.get('usersig');
    if (!identifier || !userSig) throw new Rejection(60004, 'Account or signature missing in the request URL');
    const verdict = verifyUserSig(userSig, { sdkAppId, identifier }, credentials.secretKey, Math.floor(Date.now() / 1000));
    if (!verdict.ok) throw new Rejection(verdict.errorCode, verdict.errorInfo);
    if (identifier !== credentials.adminId) throw new Rejection(90009, 'Request lacks permissions. Use the administrator to call.');
    const failure = failures.get(api);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      throw new Rejection(failure.errorCode, failure.errorCode === 90102 ? 'Internal error, please retry later.' : 'Injected failure');
    }
  }

  function parseBody(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new Rejection(60003, 'HTTP request JSON parsing error');
    }
  }

  /** Statistics and loss: checks the window and returns the TaskIDs Tencent answers for. */
  function windowedTasks(api: TencentApi, body: unknown): Array<[string, TencentSimTask]> {
    const parsed = WindowedBodySchema.safeParse(body);
    if (!parsed.success) throw new Rejection(90100, `Invalid request parameters: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
    const { StartTime, EndTime, TaskID } = parsed.data;
    const days = RETENTION_DAYS[api];
    const now = Math.floor(Date.now() / 1000);
    if (TaskID.length > MAX_TASK_IDS) throw new Rejection(90100, `Invalid request parameters: at most ${MAX_TASK_IDS} TaskIDs`);
    if (EndTime < StartTime) throw new Rejection(90100, 'Invalid request parameters: EndTime before StartTime');
    if (EndTime - StartTime > days * DAY) throw new Rejection(90100, `Invalid request parameters: at most ${days} days of data`);
    if (StartTime < now - days * DAY) throw new Rejection(90100, `Invalid request parameters: data is kept for ${days} days`);
    return [...new Set(TaskID)]
      .filter((taskId) => !dropped.has(taskId))
      .map((taskId): [string, TencentSimTask] => [taskId, task(taskId)])
      .filter(([, data]) => data.pushedAt >= StartTime && data.pushedAt <= EndTime);
  }

  function answer(api: TencentApi, request: RecordedRequest): Record<string, unknown> {
    admit(api, request);
    const body = parseBody(request.body);
    if (api === 'all_member_push_trace') {
      const parsed = TraceBodySchema.safeParse(body);
      if (!parsed.success) throw new Rejection(90100, 'Invalid request parameters: TaskID and UserID are required');
      const { TaskID, UserID } = parsed.data;
      const kept = !dropped.has(TaskID) && task(TaskID).pushedAt >= Math.floor(Date.now() / 1000) - RETENTION_DAYS[api] * DAY;
      return { InstanceTrace: kept ? trace(TaskID, UserID) : [] };
    }
    const found = windowedTasks(api, body);
    if (api === 'all_member_push_statistics') return { Results: found.map(([TaskID, data]) => ({ ...data.statistics, TaskID })) };
    return { Results: found.map(([TaskID, data]) => ({ ...data.loss, TaskID })) };
  }

  const server = await startFakeServer(
    (request) => {
      const api = APIS.find((name) => request.path === `/v4/timpush/${name}`);
      if (!api) return reply(request.path, { ErrorCode: 60009, ErrorInfo: 'Request resource error: check the request URL' });
      try {
        return reply(api, { ErrorCode: 0, ErrorInfo: '', ...answer(api, request) });
      } catch (error) {
        if (error instanceof Rejection) return reply(api, { ErrorCode: error.errorCode, ErrorInfo: error.errorInfo });
        throw error;
      }
    },
    { latencyMs: options.latencyMs },
  );

  return Object.assign(server, {
    credentials,
    answers,
    violations: () => answers.filter((entry) => entry.errorCode === 60007).length,
    callsTo: (api: TencentApi) => server.requests.filter((request) => request.path === `/v4/timpush/${api}`),
    task,
    setTask: (taskId: string, data: Partial<TencentSimTask>) => {
      tasks.set(taskId, { ...task(taskId), ...data });
    },
    trace,
    setTrace: (taskId: string, userId: string, instances: TencentInstanceTrace[]) => {
      traces.set(traceKey(taskId, userId), instances);
    },
    drop: (taskId: string) => {
      dropped.add(taskId);
    },
    failNext: (api: TencentApi, errorCode: number, times = 1) => {
      failures.set(api, { errorCode, times });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Deterministic demo data: every number comes from a PRNG seeded with a hash of the TaskID.

const between = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const share = (random: Random, total: number, low: number, high: number): number => Math.round(total * (low + random() * (high - low)));

/** Loss doc examples: codes lost before sending. */
const READY_TO_SEND_CODES: ReadonlyArray<readonly [string, string]> = [
  ['-1', 'Certificate id not set'],
  ['-2', 'token not uploaded'],
];
/** Codes each vendor channel answers after sending (loss doc examples plus the channels' own invalid-token codes). */
const POST_SEND_CODES: Record<number, ReadonlyArray<readonly [string, string]>> = {
  0: [['1', 'regid_invalid']],
  1: [
    ['410', 'Unregistered'],
    ['400', 'BadDeviceToken'],
  ],
  2: [['1', 'regid_invalid']],
  3: [['80300007', 'All the tokens are invalid']],
  4: [['404', 'UNREGISTERED']],
  5: [['16', '']],
  6: [['10302', 'User Id invalid']],
  7: [['10302', 'User Id invalid']],
  8: [['80300007', 'All the tokens are invalid']],
};

/** Splits `total` lost pushes over one or two codes. */
function lossRows(random: Random, total: number, codes: ReadonlyArray<readonly [string, string]>): TencentLossItem[] {
  if (total <= 0) return [];
  const [first, second] = codes;
  if (!first) return [];
  const firstCount = second && random() < 0.6 ? share(random, total, 0.5, 0.9) : total;
  const rows: TencentLossItem[] = [{ ErrCode: first[0], ErrCount: firstCount, ErrInfo: first[1] }];
  if (second && total - firstCount > 0) rows.push({ ErrCode: second[0], ErrCount: total - firstCount, ErrInfo: second[1] });
  return rows;
}

/** The overall lists are the per-platform lists summed by code. */
function overall(rows: TencentPlatformLossItem[]): TencentLossItem[] {
  const byCode = new Map<string, TencentLossItem>();
  for (const row of rows) {
    const entry = byCode.get(row.ErrCode);
    if (entry) entry.ErrCount += row.ErrCount;
    else byCode.set(row.ErrCode, { ErrCode: row.ErrCode, ErrCount: row.ErrCount, ErrInfo: row.ErrInfo });
  }
  return [...byCode.values()];
}

/** Consistent figures: target ≥ sent ≥ delivered ≥ clicked per channel; the task's totals are the channels' sums. */
function generateTask(taskId: string, now: number): TencentSimTask {
  const random = seededRandom(`task:${taskId}`);
  // Within the last 6 days, so statistics, loss and trace all still have it.
  const pushedAt = now - between(random, 3_600, 6 * DAY);
  const offlinePlatforms = [1, 2, 3, ...[0, 4, 5, 6, 7, 8].filter(() => random() < 0.5)].sort((a, b) => a - b);
  const rows: TencentPlatformStatistics[] = offlinePlatforms.map((platform) => {
    const target = between(random, 200, 5_000);
    const sent = share(random, target, 0.8, 0.98);
    const delivered = share(random, sent, 0.55, 0.95);
    return {
      EventType: 1,
      PushPlatform: platform,
      TotalCount: target,
      SentCount: sent,
      DeliveredCount: delivered,
      ClickCount: share(random, delivered, 0.02, 0.15),
    };
  });
  // Online pushes go over the IM connection; Tencent reports them as PushPlatform 0.
  const onlineTarget = between(random, 100, 2_000);
  const onlineDelivered = share(random, onlineTarget, 0.9, 1);
  rows.push({
    EventType: 2,
    PushPlatform: 0,
    TotalCount: onlineTarget,
    SentCount: onlineTarget,
    DeliveredCount: onlineDelivered,
    ClickCount: share(random, onlineDelivered, 0.05, 0.2),
  });
  const sum = (field: 'TotalCount' | 'SentCount' | 'DeliveredCount' | 'ClickCount'): number =>
    rows.reduce((total, row) => total + row[field], 0);
  // An app without APNs delivery callbacks: Tencent reports DeliveredCount 0 beside its clicks (the
  // statistics doc's own example). Only where the task's totals still read target ≥ sent ≥ delivered ≥ clicked.
  const apns = rows.find((row) => row.PushPlatform === 1);
  const apnsUnmeasured = random() < 0.3;
  if (apns && apnsUnmeasured && sum('DeliveredCount') - apns.DeliveredCount >= sum('ClickCount')) apns.DeliveredCount = 0;

  const offlineRows = rows.filter((row) => row.EventType === 1);
  const platformReady = offlineRows.flatMap((row) =>
    lossRows(random, row.TotalCount - row.SentCount, READY_TO_SEND_CODES).map((item) => ({
      ...item,
      EventType: 1,
      PushPlatform: row.PushPlatform,
    })),
  );
  const platformPost = offlineRows.flatMap((row) =>
    lossRows(random, row.SentCount - row.DeliveredCount, POST_SEND_CODES[row.PushPlatform] ?? []).map((item) => ({
      ...item,
      EventType: 1,
      PushPlatform: row.PushPlatform,
    })),
  );
  return {
    pushedAt,
    statistics: {
      TaskID: taskId,
      TotalCount: sum('TotalCount'),
      SentCount: sum('SentCount'),
      DeliveredCount: sum('DeliveredCount'),
      ClickCount: sum('ClickCount'),
      PlatformStatistics: rows,
    },
    loss: {
      TaskID: taskId,
      ReadyToSendLoss: overall(platformReady),
      PostSendDeliveredLoss: overall(platformPost),
      PlatformReadyToSendLoss: platformReady,
      PlatformPostSendDeliveredLoss: platformPost,
    },
  };
}

/** Tencent's console time format, China Standard Time: `2025-03-13 16:16:27`. */
function chinaTime(unixSeconds: number): string {
  return new Date((unixSeconds + 8 * 3_600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

const ok = (at: number): TencentPushStat => ({ PushStatus: 1, ErrorCode: 0, ErrorInfo: 'success', EventTime: chinaTime(at) });

const DEVICES: Record<number, readonly [string, string, string]> = {
  0: ['Android', 'Pixel 8', '14'],
  1: ['iOS', 'iPhone15,2', '17.4'],
  2: ['Android', 'Xiaomi 14', '14'],
  3: ['Android', 'HUAWEI Mate 60', '12'],
  4: ['Android', 'Pixel 8', '14'],
  5: ['Android', 'Meizu 21', '14'],
  6: ['Android', 'OPPO Find X7', '14'],
  7: ['Android', 'vivo X100', '14'],
  8: ['Android', 'HONOR Magic6', '14'],
};

/** One or two device records: an offline push through one of the task's channels, sometimes an online one too. */
function generateTrace(taskId: string, userId: string, data: TencentSimTask): TencentInstanceTrace[] {
  const random = seededRandom(`trace:${taskId}\n${userId}`);
  const offlinePlatforms = data.statistics.PlatformStatistics.filter((row) => row.EventType === 1).map((row) => row.PushPlatform);
  const platform = offlinePlatforms.length > 0 ? (offlinePlatforms[Math.floor(random() * offlinePlatforms.length)] ?? 1) : 1;
  const [system, model, version] = DEVICES[platform] ?? ['Android', 'Pixel 8', '14'];
  const start = data.pushedAt + between(random, 0, 5);
  const common = {
    PushTime: chinaTime(data.pushedAt),
    DeviceModel: model,
    System: system,
    SystemVersion: version,
    SdkVersion: '8.0.1',
    PushVersion: '8.0.1',
    IMCommitStat: { IMStat: ok(start) },
  };
  const channelOk = random() < 0.85;
  const delivered = channelOk && random() < 0.9;
  const clicked = delivered && random() < 0.3;
  const codes = POST_SEND_CODES[platform] ?? [];
  const [failCode, failInfo] = codes[Math.floor(random() * codes.length)] ?? ['1', 'regid_invalid'];
  const offline: TencentInstanceTrace = {
    ...common,
    InstanceId: String(between(random, 10_000_000, 99_999_999)),
    EventType: 1,
    PushPlatform: platform,
    Token: randomHex(random, 32),
    CertId: String(between(random, 1_000, 99_999)),
    NotificationStatus: random() < 0.9 ? 1 : 0,
    last_active_terminal: random() < 0.7 ? 1 : 0,
    OfflinePushStat: {
      OfflineStat: ok(start + 1),
      ChannelStat: channelOk
        ? ok(start + 2)
        : { PushStatus: 2, ErrorCode: Number(failCode), ErrorInfo: failInfo, EventTime: chinaTime(start + 2) },
      ...(delivered ? { DeviceStat: ok(start + between(random, 3, 30)) } : {}),
      ...(clicked ? { ClickStat: ok(start + between(random, 60, 600)) } : {}),
    },
  };
  if (random() >= 0.3) return [offline];
  const online: TencentInstanceTrace = {
    ...common,
    InstanceId: String(between(random, 10_000_000, 99_999_999)),
    EventType: 2,
    PushPlatform: 0,
    NotificationStatus: 1,
    last_active_terminal: 1,
    OnlinePushStat: { ChannelStat: ok(start + 1), DeviceStat: ok(start + 2) },
  };
  return [offline, online];
}

function randomHex(random: Random, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(random() * 16).toString(16);
  return text;
}
