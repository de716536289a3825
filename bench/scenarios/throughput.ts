import autocannon, { type Result } from 'autocannon';
import { isDeepStrictEqual } from 'node:util';
import type { BenchContext } from '../context.js';
import { countCalls, JPUSH_PATH, jpushMsgIds } from '../fakes.js';
import { answeredCampaigns, campaignsQuery, DASHBOARD_FIELDS, gql } from '../graphql.js';
import { jpushIds } from '../ids.js';
import type { ServerProcess } from '../server-process.js';
import { round } from '../stats.js';

const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 3;
const ROUNDS = 4;
const MiB = 2 ** 20;

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

function summarize(runs: Result[]): Summary {
  return {
    rps: runs.reduce((sum, run) => sum + run['2xx'], 0) / runs.reduce((sum, run) => sum + run.duration, 0),
    p50: Math.max(...runs.map((run) => run.latency.p50)),
    p99: Math.max(...runs.map((run) => run.latency.p99)),
    failures: runs.reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx + run.mismatches, 0),
  };
}

/**
 * autocannon on the same 100-campaign dashboard query: pushgraph with every answer in its cache,
 * vs the floor (a minimal Apollo Server answering the same JSON from memory), each in its own
 * process. Short rounds alternate between the two, so a slow spell of the machine hits both.
 */
export async function hotThroughput(context: BenchContext): Promise<void> {
  const { fakes, service, report } = context;
  const query = campaignsQuery('JPUSH', DASHBOARD_FIELDS);
  const ids = jpushIds(100);
  const body = JSON.stringify({ query, variables: { ids } });
  const ours = await gql(service.url, query, { ids });
  const floor = await context.floor();
  await floor.setFloorData(answeredCampaigns(ours));
  const theirs = await gql(floor.url, query, { ids });
  if (!isDeepStrictEqual(JSON.parse(theirs.text), JSON.parse(ours.text))) throw new Error('the floor does not answer what pushgraph answers');

  // Every answer is checked against the one above (autocannon counts any other as a mismatch).
  const load = (server: ServerProcess, seconds: number, expectBody: string): Promise<Result> =>
    autocannon({ url: server.url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: seconds, expectBody });

  const mark = fakes.jpush.server.requests.length;
  await Promise.all([service.resetPeak(), floor.resetPeak()]);
  await load(floor, WARMUP_SECONDS, theirs.text);
  await load(service, WARMUP_SECONDS, ours.text);
  const runs: Record<'service' | 'floor', Result[]> = { service: [], floor: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.floor.push(await load(floor, ROUND_SECONDS, theirs.text));
    runs.service.push(await load(service, ROUND_SECONDS, ours.text));
  }
  const { calls } = countCalls(fakes.jpush.server.requests, mark, JPUSH_PATH('messages/detail'), jpushMsgIds);
  if (calls !== 0) throw new Error(`a hot cache made ${calls} JPush calls`);
  const [pushgraph, apollo] = [summarize(runs.service), summarize(runs.floor)];
  if (pushgraph.failures + apollo.failures > 0) throw new Error(`throughput runs had ${pushgraph.failures} / ${apollo.failures} failed or different answers`);
  const [servicePeak, floorPeak] = await Promise.all([service.usage(), floor.usage()]);

  report.add({
    scenario: 3,
    key: 'throughput.ratio',
    label: 'requests/s pushgraph / floor (hot cache, 100 campaigns)',
    value: pushgraph.rps / apollo.rps,
    unit: 'ratio',
    detail: `${pushgraph.rps.toFixed(1)} vs ${apollo.rps.toFixed(1)} req/s, ${(ours.text.length / 1024).toFixed(0)} KiB answers, ${CONNECTIONS} connections, ${ROUNDS}×${ROUND_SECONDS} s each`,
    verdict: { kind: 'goal', target: 'goal ≥ 0.80', pass: pushgraph.rps / apollo.rps >= 0.8 },
  });
  report.add({ scenario: 3, key: 'throughput.p50', label: 'latency p50 pushgraph / floor', value: pushgraph.p50 / apollo.p50, unit: 'ratio', detail: `${pushgraph.p50} ms vs ${apollo.p50} ms` });
  report.add({
    scenario: 3,
    key: 'throughput.peakRss',
    label: 'peak RSS of pushgraph during the run',
    value: servicePeak.peakRss / MiB,
    unit: 'MiB',
    detail: `floor: ${(floorPeak.peakRss / MiB).toFixed(0)} MiB; longest event-loop stall ${servicePeak.loopDelayMaxMs.toFixed(0)} ms vs ${floorPeak.loopDelayMaxMs.toFixed(0)} ms`,
  });
  context.raw.throughput = {
    connections: CONNECTIONS,
    rounds: ROUNDS,
    roundSeconds: ROUND_SECONDS,
    responseBytes: ours.text.length,
    service: { ...pushgraph, rps: round(pushgraph.rps), peakRssMiB: round(servicePeak.peakRss / MiB) },
    floor: { ...apollo, rps: round(apollo.rps), peakRssMiB: round(floorPeak.peakRss / MiB) },
  };
}
