import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from '../fake-server.js';
import { seededRandom } from '../seeded-random.js';
import { sleep } from '../http.js';
import { signature, stringToSign } from './signature.js';
import type { AliyunCredentials, AliyunPushStat } from './types.js';

/**
 * A strict Alibaba Cloud Mobile Push RPC endpoint on loopback: the built-in simulator of demo mode
 * and the fake of the tests. It checks what Alibaba's gateway checks and answers with Alibaba's
 * codes (gateway codes from the Mobile Push error-code page, help.aliyun.com/document_detail/48054):
 * the fixed parameters, Timestamp within 15 minutes, single-use SignatureNonce, AccessKeyId,
 * the signature (recomputed with the known secret), 50 calls/s, then AppKey and MessageId.
 *
 * Data rule (deterministic, seeded from a hash of the MessageId):
 * - a MessageId ending in `404` is unknown: an empty `PushStat` list;
 * - a MessageId ending in `0` was "pushed today": all zeros (Alibaba publishes the next day);
 * - any other MessageId has consistent figures (AcceptCount ≥ SentCount ≥ ReceivedCount ≥
 *   OpenedCount + DeletedCount); about a third are composite pushes with Sms* counts, where
 *   SMS went to pushes sent but not received (sent + skipped + failed = SentCount − ReceivedCount,
 *   received-success + received-failed = sent). The others have no Sms* fields at all.
 */

/** The figures of one message, as the simulator will answer them (MessageId is added on the wire). */
export type AliyunStatCounts = Omit<AliyunPushStat, 'MessageId'>;

export interface AliyunSimulatorOptions {
  /** Defaults: generated AccessKey pair and AppKey (an integer, as Alibaba's), so two simulated apps never share answers. */
  credentials?: Partial<AliyunCredentials>;
  /** Added to every answer and counted as in flight (the FakeServer's own latencyMs is not). */
  latencyMs?: number;
  port?: number;
}

/** How the simulator answered one request, in the order of `server.requests`. */
export interface AliyunSimulatorOutcome {
  messageId: string | null;
  status: number;
  /** `OK` or Alibaba's error Code. */
  code: string;
  requestId: string;
}

export interface AliyunSimulator {
  server: FakeServer;
  url: string;
  credentials: AliyunCredentials;
  /** Added to every answer; a call counts as in flight from its arrival until its answer. */
  latencyMs: number;
  readonly outcomes: AliyunSimulatorOutcome[];
  /** The most calls that were in flight at once (since the start or {@link resetPeak}). */
  readonly peakInFlight: number;
  resetPeak(): void;
  /** Answers exactly these figures for `messageId` from now on. */
  setStat(messageId: string, stat: AliyunStatCounts): void;
  /** Makes `messageId` a message pushed today: all zeros until Alibaba publishes. */
  pushedToday(messageId: string): void;
  /** Makes `messageId` unknown: an empty `PushStat` list. */
  drop(messageId: string): void;
  /** What the simulator answers for `messageId` (null = unknown). */
  statOf(messageId: string): AliyunStatCounts | null;
  /** The next `times` well-authenticated calls fail with Alibaba's `code` (e.g. Throttling.User). */
  failNext(code: string, options?: { status?: number; message?: string; times?: number }): void;
  /** The next `times` well-authenticated calls get exactly `reply` (malformed bodies, HTML pages…). */
  replyNext(reply: FakeReply, times?: number): void;
  close(): Promise<void>;
}

/** QueryPushStatByMsg's fixed parameters (vendor doc, CONTRACT vendor table). */
const EXPECTED = { Action: 'QueryPushStatByMsg', Version: '2016-08-01', Format: 'JSON', RegionId: 'cn-hangzhou' } as const;
/** RPC common parameters every call must carry. */
const REQUIRED = ['AccessKeyId', 'Action', 'Format', 'RegionId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp', 'Version'];
/** InvalidTimeStamp.Expired: more than 15 minutes between the Timestamp and the arrival. */
const TIMESTAMP_TOLERANCE_MS = 15 * 60 * 1000;
/** Throttling.User beyond 50 calls in one second (CONTRACT vendor table). */
const CALLS_PER_SECOND = 50;
const API_NOT_FOUND: Rejection = { status: 404, code: 'InvalidApi.NotFound', message: 'Specified api is not found,please check your url and method.' };
const KNOWN_MESSAGES: Record<string, string> = {
  'Throttling.User': 'Request was denied due to user flow control.',
  'Throttling.Api': 'Request was denied due to api flow control.',
  ServiceUnavailable: 'The request has failed due to a temporary failure of the server.',
};
const ZEROS: AliyunStatCounts = { AcceptCount: 0, SentCount: 0, ReceivedCount: 0, OpenedCount: 0, DeletedCount: 0 };

interface Rejection {
  status: number;
  code: string;
  message: string;
}

export async function startAliyunSimulator(options: AliyunSimulatorOptions = {}): Promise<AliyunSimulator> {
  const credentials: AliyunCredentials = {
    accessKeyId: options.credentials?.accessKeyId ?? `LTAI${randomBytes(10).toString('hex')}`,
    accessKeySecret: options.credentials?.accessKeySecret ?? randomBytes(22).toString('base64url'),
    appKey: options.credentials?.appKey ?? String(randomInt(20_000_000, 30_000_000)),
  };
  const overrides = new Map<string, AliyunStatCounts | null>();
  /** Answers forced by the tests, in order; each gets the RequestId of the call it answers. */
  const injected: Array<(requestId: string) => { reply: FakeReply; code: string }> = [];
  /** nonce → when it may be forgotten (its Timestamp can no longer pass). Insertion order = time order. */
  const nonces = new Map<string, number>();
  /** Arrival times of the calls let through in the last second, oldest first. */
  const accepted: number[] = [];
  const outcomes: AliyunSimulatorOutcome[] = [];
  let inFlight = 0;
  let peak = 0;

  const statOf = (messageId: string): AliyunStatCounts | null =>
    overrides.has(messageId) ? (overrides.get(messageId) ?? null) : simulatedStat(messageId);

  /** What Alibaba's API gateway checks, in its order; undefined = let through. */
  function checkGateway(request: RecordedRequest): Rejection | undefined {
    if (request.method !== 'GET' || request.path !== '/') {
      return API_NOT_FOUND;
    }
    const query = request.query;
    for (const name of REQUIRED) {
      if (!query.get(name)) return missing(name);
    }
    if (query.get('Action') !== EXPECTED.Action) {
      return API_NOT_FOUND;
    }
    for (const name of ['Version', 'Format', 'RegionId'] as const) {
      if (query.get(name) !== EXPECTED[name]) return invalid(name);
    }
    if (query.get('SignatureMethod') !== 'HMAC-SHA1') return invalid('SignatureMethod');
    if (query.get('SignatureVersion') !== '1.0') return invalid('SignatureVersion');
    const timestamp = query.get('Timestamp')!;
    const sentAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(timestamp) ? Date.parse(timestamp) : NaN;
    if (Number.isNaN(sentAt)) {
      return { status: 400, code: 'InvalidTimeStamp.Format', message: 'Specified time stamp or date value is not well formatted.' };
    }
    const now = Date.now();
    if (Math.abs(now - sentAt) > TIMESTAMP_TOLERANCE_MS) {
      return { status: 400, code: 'InvalidTimeStamp.Expired', message: 'Specified time stamp or date value is expired.' };
    }
    if (query.get('AccessKeyId') !== credentials.accessKeyId) {
      return { status: 400, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
    }
    // Alibaba decodes the query, then signs it again with the secret it holds.
    const params = Object.fromEntries(query);
    if (query.get('Signature') !== signature(params, credentials.accessKeySecret)) {
      return {
        status: 400,
        code: 'SignatureDoesNotMatch',
        message: `Specified signature is not matched with our calculation. server string to sign is:${stringToSign(params)}`,
      };
    }
    const nonce = query.get('SignatureNonce')!;
    forgetOldNonces(now);
    if (nonces.has(nonce)) {
      return { status: 400, code: 'SignatureNonceUsed', message: 'Specified signature nonce was used already.' };
    }
    // A Timestamp may be up to 15 minutes ahead, so a nonce can replay for 30 minutes after arrival.
    nonces.set(nonce, now + TIMESTAMP_TOLERANCE_MS * 2);
    while (accepted.length > 0 && accepted[0]! <= request.arrivedAt - 1000) accepted.shift();
    if (accepted.length >= CALLS_PER_SECOND) {
      return { status: 400, code: 'Throttling.User', message: 'Request was denied due to user flow control.' };
    }
    accepted.push(request.arrivedAt);
    return undefined;
  }

  /** What QueryPushStatByMsg itself checks. */
  function checkApiParams(query: URLSearchParams): Rejection | undefined {
    const appKey = query.get('AppKey');
    if (!appKey) return missing('AppKey');
    if (appKey !== credentials.appKey) return invalid('AppKey');
    const messageId = query.get('MessageId');
    if (!messageId) return missing('MessageId');
    if (!/^\d{1,19}$/.test(messageId)) return invalid('MessageId');
    return undefined;
  }

  function forgetOldNonces(now: number): void {
    for (const [nonce, forgetAt] of nonces) {
      if (forgetAt > now) break;
      nonces.delete(nonce);
    }
  }

  function answer(request: RecordedRequest): FakeReply {
    const requestId = randomUUID().toUpperCase();
    const messageId = request.query.get('MessageId');
    const record = (status: number, code: string): void => {
      outcomes.push({ messageId, status, code, requestId });
      // A simulator serving `npm start` runs for weeks: keep only the recent outcomes.
      if (outcomes.length > 40_000) outcomes.splice(0, outcomes.length - 20_000);
    };
    const rejection = checkGateway(request) ?? checkApiParams(request.query);
    if (rejection) {
      record(rejection.status, rejection.code);
      return errorReply(requestId, rejection);
    }
    const forced = injected.shift()?.(requestId);
    if (forced) {
      record(forced.reply.status, forced.code);
      return forced.reply;
    }
    record(200, 'OK');
    const stat = statOf(messageId!);
    return { status: 200, body: { RequestId: requestId, PushStats: { PushStat: stat ? [{ MessageId: messageId, ...stat }] : [] } } };
  }

  const simulator: AliyunSimulator = {
    server: await startFakeServer(
      async (request) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          // Decided at arrival (Alibaba's clock), answered after the latency.
          const reply = answer(request);
          if (simulator.latencyMs > 0) await sleep(simulator.latencyMs);
          return reply;
        } finally {
          inFlight--;
        }
      },
      { port: options.port },
    ),
    url: '',
    credentials,
    latencyMs: options.latencyMs ?? 0,
    outcomes,
    get peakInFlight() {
      return peak;
    },
    resetPeak: () => {
      peak = inFlight;
    },
    setStat: (messageId, stat) => {
      overrides.set(messageId, stat);
    },
    pushedToday: (messageId) => {
      overrides.set(messageId, ZEROS);
    },
    drop: (messageId) => {
      overrides.set(messageId, null);
    },
    statOf,
    failNext: (code, { status = 400, message = KNOWN_MESSAGES[code] ?? code, times = 1 } = {}) => {
      for (let i = 0; i < times; i++) injected.push((requestId) => ({ reply: errorReply(requestId, { status, code, message }), code }));
    },
    replyNext: (reply, times = 1) => {
      for (let i = 0; i < times; i++) injected.push(() => ({ reply, code: `HTTP ${reply.status}` }));
    },
    close: () => simulator.server.close(),
  };
  simulator.url = simulator.server.url;
  return simulator;
}

/** Alibaba's error body: `{RequestId, HostId, Code, Message, Recommend}`. */
function errorReply(requestId: string, rejection: Rejection): FakeReply {
  return {
    status: rejection.status,
    body: {
      RequestId: requestId,
      HostId: 'cloudpush.aliyuncs.com',
      Code: rejection.code,
      Message: rejection.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${rejection.code}&product=Push`,
    },
  };
}

function missing(name: string): Rejection {
  return { status: 400, code: `Missing${name}`, message: `${name} is mandatory for this action.` };
}

function invalid(name: string): Rejection {
  return { status: 400, code: 'InvalidParameter', message: `Specified parameter ${name} is not valid.` };
}

/** The documented data rule: deterministic per MessageId, internally consistent. */
export function simulatedStat(messageId: string): AliyunStatCounts | null {
  if (messageId.endsWith('404')) return null;
  if (messageId.endsWith('0')) return ZEROS;
  const random = seededRandom(messageId);
  const between = (low: number, high: number): number => low + random() * (high - low);
  const accept = Math.floor(between(1_000, 200_000));
  const sent = Math.floor(accept * between(0.85, 0.99));
  const received = Math.floor(sent * between(0.6, 0.95));
  const opened = Math.floor(received * between(0.02, 0.15));
  const deleted = Math.floor((received - opened) * between(0.1, 0.4));
  const stat: AliyunStatCounts = { AcceptCount: accept, SentCount: sent, ReceivedCount: received, OpenedCount: opened, DeletedCount: deleted };
  if (random() >= 1 / 3) return stat;
  const candidates = sent - received;
  const skipped = Math.floor(candidates * between(0.05, 0.2));
  const failed = Math.floor(candidates * between(0, 0.03));
  const smsSent = candidates - skipped - failed;
  const receiveSuccess = Math.floor(smsSent * between(0.9, 0.99));
  return {
    ...stat,
    SmsSentCount: smsSent,
    SmsReceiveSuccessCount: receiveSuccess,
    SmsReceiveFailedCount: smsSent - receiveSuccess,
    SmsSkipCount: skipped,
    SmsFailedCount: failed,
  };
}

