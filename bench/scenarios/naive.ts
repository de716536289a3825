import { isDeepStrictEqual } from 'node:util';
import type { BenchContext } from '../context.js';
import { countCalls, JPUSH_PATH, jpushMsgIds } from '../fakes.js';
import { answeredCampaigns, campaignsQuery, DASHBOARD_FIELDS, gql } from '../graphql.js';
import { jpushIds } from '../ids.js';
import type { ServerProcess } from '../server-process.js';
import { median, round } from '../stats.js';

const CAMPAIGNS = 1000;
const RUNS = 3;

interface Run {
  ms: number;
  calls: number;
  campaigns: unknown[];
}

/**
 * The same 1000-campaign dashboard query through pushgraph and through a wrapper that calls
 * JPush once per campaign (bench/naive.ts), each in its own process, fresh ids every run, runs
 * interleaved. Both answers must be equal: only the way they reach JPush differs.
 */
export async function naiveBaseline(context: BenchContext): Promise<void> {
  const { fakes, service } = context;
  const query = campaignsQuery('JPUSH', DASHBOARD_FIELDS);
  const naive = await context.startNaive();
  const once = async (server: ServerProcess, ids: string[]): Promise<Run> => {
    const mark = fakes.jpush.server.requests.length;
    const started = performance.now();
    const answer = await gql(server.url, query, { ids });
    const ms = performance.now() - started;
    const { calls } = countCalls(fakes.jpush.server.requests, mark, JPUSH_PATH('messages/detail'), jpushMsgIds);
    return { ms, calls, campaigns: answeredCampaigns(answer) };
  };
  try {
    // Warm-up: both servers have compiled their hot paths before anything is timed.
    await once(naive, jpushIds(100));
    await once(service, jpushIds(100));
    const runs: Record<'service' | 'naive', Run[]> = { service: [], naive: [] };
    for (let run = 0; run < RUNS; run++) {
      // The same fresh ids for both: the naive wrapper has no cache, and pushgraph's has never seen them.
      const ids = jpushIds(CAMPAIGNS);
      const theirs = await once(naive, ids);
      const ours = await once(service, ids);
      if (!isDeepStrictEqual(ours.campaigns, theirs.campaigns)) throw new Error('the naive wrapper and pushgraph answer differently');
      runs.naive.push(theirs);
      runs.service.push(ours);
    }
    const callsOf = (server: 'service' | 'naive'): number => Math.max(...runs[server].map((run) => run.calls));
    const msOf = (server: 'service' | 'naive'): number => median(runs[server].map((run) => run.ms));
    const { report } = context;
    report.add({
      scenario: 4,
      key: 'naive.calls',
      label: `JPush calls for ${CAMPAIGNS} campaigns: pushgraph / naive`,
      value: callsOf('service') / callsOf('naive'),
      unit: 'ratio',
      detail: `${callsOf('service')} vs ${callsOf('naive')} calls`,
      verdict: { kind: 'check', target: `pushgraph must make ceil(${CAMPAIGNS}/100) = ${CAMPAIGNS / 100}`, pass: callsOf('service') === CAMPAIGNS / 100 },
    });
    report.add({
      scenario: 4,
      key: 'naive.time',
      label: `wall time for ${CAMPAIGNS} campaigns: pushgraph / naive`,
      value: msOf('service') / msOf('naive'),
      unit: 'ratio',
      detail: `${msOf('service').toFixed(0)} ms vs ${msOf('naive').toFixed(0)} ms, median of ${RUNS}`,
    });
    context.raw.naive = {
      campaigns: CAMPAIGNS,
      service: runs.service.map((run) => ({ ms: round(run.ms), calls: run.calls })),
      naive: runs.naive.map((run) => ({ ms: round(run.ms), calls: run.calls })),
    };
  } finally {
    await naive.stop();
  }
}
