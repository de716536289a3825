import { startAliyunSimulator } from '../src/datasources/aliyun/simulator.js';
import type { RecordedRequest } from '../src/datasources/fake-server.js';
import { runningSimulators, type RunningSimulators } from '../src/datasources/simulator-env.js';
import { startJPushSimulator } from '../src/datasources/jpush/simulator.js';
import { startTencentSimulator } from '../src/datasources/tencent/simulator.js';
import type { TencentApi } from '../src/datasources/tencent/types.js';

/**
 * The three strict vendor simulators, on loopback in the driver's process, every one answering
 * `latencyMs` after a request arrives. JPush's per-minute quota is raised far above the free
 * plan's 2400: the bench measures batching and overhead, not the plan (the naive baseline alone
 * sends 1000 calls). Tencent's 1 call/s per API and Alibaba's 50 calls/s stay as strict as the
 * vendors: they are what the scheduler and the quota gate are measured against.
 */
export type BenchFakes = RunningSimulators;

export const BENCH_JPUSH_QUOTA = 1_000_000;

export async function startBenchFakes(latencyMs: number): Promise<BenchFakes> {
  const [jpush, tencent, aliyun] = await Promise.all([
    startJPushSimulator({ quota: BENCH_JPUSH_QUOTA }),
    startTencentSimulator({ latencyMs }),
    // Alibaba's simulator adds its own latency (counted as in flight), not the FakeServer's.
    startAliyunSimulator({ latencyMs }),
  ]);
  jpush.server.latencyMs = latencyMs;
  return runningSimulators(jpush, tencent, aliyun);
}

/** What one vendor endpoint received while a scenario ran. */
export interface CallCount {
  /** Requests that reached the endpoint. */
  calls: number;
  /** Ids carried by those requests, duplicates included. */
  idsSent: number;
  /** Distinct ids carried. */
  distinctIds: number;
}

/** Reads the ids one recorded request carries. */
export type IdsOf = (request: RecordedRequest) => string[];

export const jpushMsgIds: IdsOf = (request) => (request.query.get('msg_ids') ?? '').split(',').filter(Boolean);
export const aliyunMessageId: IdsOf = (request) => {
  const id = request.query.get('MessageId');
  return id ? [id] : [];
};
export const tencentTaskIds: IdsOf = (request) => {
  const body: unknown = JSON.parse(request.body);
  if (typeof body !== 'object' || body === null || !('TaskID' in body)) return [];
  const ids: unknown = body.TaskID;
  return Array.isArray(ids) ? ids.map(String) : [String(ids)];
};

/**
 * Counts from a fake's recorded requests, from `mark` (the length of `requests` when the scenario
 * started) on. A fake trims its record past 40,000 requests; the bench stays far below.
 */
export function countCalls(requests: readonly RecordedRequest[], mark: number, path: string, idsOf: IdsOf): CallCount {
  if (requests.length < mark) throw new Error('the fake trimmed its record of requests: counts would be wrong');
  const calls = requests.slice(mark).filter((request) => request.path === path);
  const ids = calls.flatMap(idsOf);
  return {
    calls: calls.length,
    idsSent: ids.length,
    distinctIds: new Set(ids).size,
  };
}

export const JPUSH_PATH = (endpoint: string): string => `/v3/${endpoint}`;
export const TENCENT_PATH = (api: TencentApi): string => `/v4/timpush/${api}`;
export const ALIYUN_PATH = '/';
