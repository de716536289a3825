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
const ROUNDS = 3;
/** Distinct operations over the same campaigns: each aliases the field its own way. */
const DISTINCT = 20;
const MiB = 2 ** 20;
const mib = (bytes: number): string => (bytes / MiB).toFixed(0);

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

type Mode = 'repeated' | 'distinct';

/**
 * autocannon on the 100-campaign dashboard: pushgraph with every answer in its cache vs the
 * floor (a minimal Apollo Server answering the same JSON from memory), each in its own process.
 * Two loads: one operation repeated (a polling dashboard: pushgraph's response cache may serve
 * it) and 20 distinct operations over the same campaigns (the field aliased d0…d19, so no
 * response cache can serve them; every answer is still checked once against the floor's). Short
 * rounds alternate between the servers and the modes, so a slow spell of the machine hits all.
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
  if (!isDeepStrictEqual(JSON.parse(theirs.text), JSON.parse(ours.text)))
    throw new Error('the floor does not answer what pushgraph answers');
  const distinct = Array.from({ length: DISTINCT }, (_, k) =>
    query.replace('query Campaigns(', `query D${k}(`).replace('{ campaigns(', `{ d${k}: campaigns(`),
  );
  for (const [k, text] of distinct.entries()) {
    const [a, b] = await Promise.all([gql(service.url, text, { ids }), gql(floor.url, text, { ids })]);
    const expected = JSON.parse(ours.text.replace('"campaigns":', `"d${k}":`));
    if (!isDeepStrictEqual(JSON.parse(a.text), expected) || !isDeepStrictEqual(JSON.parse(b.text), expected))
      throw new Error(`distinct operation ${k} answers differ`);
  }
  // 20 aliasings cycled would each repeat, so every request also gets a comment of its own: no
  // response cache can serve any of them (the floor parses the same text).
  let sent = 0;
  const distinctRequests = distinct.map((text) => ({
    method: 'POST' as const,
    setupRequest: (request: { body?: string }) => ({
      ...request,
      body: JSON.stringify({ query: `${text} # ${sent++}`, variables: { ids } }),
    }),
  }));

  // Repeated: every answer is checked against the one above (autocannon counts any other as a mismatch).
  const load = (server: ServerProcess, mode: Mode, seconds: number, expectBody: string): Promise<Result> =>
    mode === 'repeated'
      ? autocannon({
          url: server.url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          connections: CONNECTIONS,
          duration: seconds,
          expectBody,
        })
      : autocannon({
          url: server.url,
          headers: { 'content-type': 'application/json' },
          requests: distinctRequests,
          connections: CONNECTIONS,
          duration: seconds,
        });

  const mark = fakes.jpush.server.requests.length;
  const [serviceBefore, floorBefore] = await Promise.all([service.usage(), floor.usage()]);
  await Promise.all([service.resetPeak(), floor.resetPeak()]);
  const runs: Record<Mode, Record<'service' | 'floor', Result[]>> = {
    repeated: { service: [], floor: [] },
    distinct: { service: [], floor: [] },
  };
  for (const mode of ['repeated', 'distinct'] as const) {
    await load(floor, mode, WARMUP_SECONDS, theirs.text);
    await load(service, mode, WARMUP_SECONDS, ours.text);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['repeated', 'distinct'] as const) {
      runs[mode].floor.push(await load(floor, mode, ROUND_SECONDS, theirs.text));
      runs[mode].service.push(await load(service, mode, ROUND_SECONDS, ours.text));
    }
  }
  const { calls } = countCalls(fakes.jpush.server.requests, mark, JPUSH_PATH('messages/detail'), jpushMsgIds);
  if (calls !== 0) throw new Error(`a hot cache made ${calls} JPush calls`);
  const [pushgraph, apollo] = [summarize(runs.repeated.service), summarize(runs.repeated.floor)];
  const [distinctOurs, distinctFloor] = [summarize(runs.distinct.service), summarize(runs.distinct.floor)];
  const failures = pushgraph.failures + apollo.failures + distinctOurs.failures + distinctFloor.failures;
  if (failures > 0) throw new Error(`throughput runs had ${failures} failed or different answers`);
  const [servicePeak, floorPeak] = await Promise.all([service.usage(), floor.usage()]);
  // After the peaks are read: what of the heap is live (two full collections).
  const [serviceLive, floorLive] = await Promise.all([service.usage({ gc: true }), floor.usage({ gc: true })]);

  report.add({
    scenario: 3,
    key: 'throughput.distinct',
    label: 'requests/s pushgraph / floor (hot cache, 20 distinct operations, 100 campaigns)',
    value: distinctOurs.rps / distinctFloor.rps,
    unit: 'ratio',
    detail: `${distinctOurs.rps.toFixed(1)} vs ${distinctFloor.rps.toFixed(1)} req/s; p50 ${distinctOurs.p50} ms vs ${distinctFloor.p50} ms`,
    verdict: { kind: 'goal', target: 'goal ≥ 1.0', pass: distinctOurs.rps / distinctFloor.rps >= 1 },
  });
  report.add({
    scenario: 3,
    key: 'throughput.ratio',
    label: 'requests/s pushgraph / floor (hot cache, one operation repeated, 100 campaigns)',
    value: pushgraph.rps / apollo.rps,
    unit: 'ratio',
    detail: `${pushgraph.rps.toFixed(1)} vs ${apollo.rps.toFixed(1)} req/s, ${(ours.text.length / 1024).toFixed(0)} KiB answers, ${CONNECTIONS} connections, ${ROUNDS}×${ROUND_SECONDS} s each`,
    verdict: { kind: 'goal', target: 'goal ≥ 2.0', pass: pushgraph.rps / apollo.rps >= 2 },
  });
  report.add({
    scenario: 3,
    key: 'throughput.p50',
    label: 'latency p50 pushgraph / floor',
    value: pushgraph.p50 / apollo.p50,
    unit: 'ratio',
    detail: `${pushgraph.p50} ms vs ${apollo.p50} ms`,
  });
  report.add({
    scenario: 3,
    key: 'throughput.peakRss',
    label: 'peak RSS of pushgraph during the runs',
    value: servicePeak.peakRss / MiB,
    verdict: { kind: 'goal', target: 'goal ≤ 1.5 × floor', pass: servicePeak.peakRss <= 1.5 * floorPeak.peakRss },
    unit: 'MiB',
    detail: `floor: ${(floorPeak.peakRss / MiB).toFixed(0)} MiB; RSS as the runs began ${mib(serviceBefore.rss)} vs ${mib(floorBefore.rss)} MiB (V8 heap ${mib(serviceBefore.heapUsed)} used of ${mib(serviceBefore.heapTotal)}, external ${mib(serviceBefore.external)} MiB), live heap after the runs ${mib(serviceLive.heapUsed)} vs ${mib(floorLive.heapUsed)} MiB; longest event-loop stall ${servicePeak.loopDelayMaxMs.toFixed(0)} ms vs ${floorPeak.loopDelayMaxMs.toFixed(0)} ms`,
  });
  context.raw.throughput = {
    connections: CONNECTIONS,
    rounds: ROUNDS,
    roundSeconds: ROUND_SECONDS,
    responseBytes: ours.text.length,
    service: { ...pushgraph, rps: round(pushgraph.rps), peakRssMiB: round(servicePeak.peakRss / MiB) },
    floor: { ...apollo, rps: round(apollo.rps), peakRssMiB: round(floorPeak.peakRss / MiB) },
    distinct: {
      operations: DISTINCT,
      service: { ...distinctOurs, rps: round(distinctOurs.rps) },
      floor: { ...distinctFloor, rps: round(distinctFloor.rps) },
    },
  };
}
