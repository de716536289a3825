import { sleep } from '../../src/datasources/http.js';
import type { BenchContext } from '../context.js';
import { countCalls, JPUSH_PATH, jpushMsgIds } from '../fakes.js';
import { answeredCampaigns, campaignsQuery, DASHBOARD_FIELDS, gql } from '../graphql.js';
import { jpushIds } from '../ids.js';
import type { ProcessUsage } from '../protocol.js';
import type { ServerProcess } from '../server-process.js';
import { median, round } from '../stats.js';

/** N → repetitions (fresh ids each); medians are reported. */
const SIZES: ReadonlyArray<readonly [number, number]> = [
  [1, 5],
  [10, 5],
  [100, 5],
  [1000, 3],
  [2000, 3],
  [5000, 3],
];

const cpuMicros = (usage: ProcessUsage): number => usage.userMicros + usage.systemMicros;

/**
 * Waits until the service has been idle for a while: background work a request leaves behind
 * (the archive's batched writes) is charged to that request, never to the next.
 */
async function settle(service: ServerProcess): Promise<ProcessUsage> {
  let last = await service.usage();
  for (let polls = 0; polls < 100; polls++) {
    await sleep(100);
    const next = await service.usage();
    // Under 2 ms of CPU in 100 ms: idle (the usage query itself costs a few µs).
    if (cpuMicros(next) - cpuMicros(last) < 2_000) return next;
    last = next;
  }
  return last;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  peakBytes: number;
}

/** The campaigns of the last answer of each N, for the floor to answer the same. */
const lastAnswers = new Map<number, unknown[]>();

/** Asks N fresh ids; throws unless each is answered and JPush got ceil(N/100) calls. */
async function ask(context: BenchContext, query: string, n: number): Promise<number> {
  const { fakes, service } = context;
  const ids = jpushIds(n);
  const mark = fakes.jpush.server.requests.length;
  const started = performance.now();
  const answer = await gql(service.url, query, { ids });
  const wallMs = performance.now() - started;
  const { calls } = countCalls(fakes.jpush.server.requests, mark, JPUSH_PATH('messages/detail'), jpushMsgIds);
  const campaigns = answeredCampaigns(answer);
  if (campaigns.length !== n || calls !== Math.ceil(n / 100)) throw new Error(`N=${n}: ${calls} JPush calls`);
  lastAnswers.set(n, campaigns);
  return wallMs;
}

/** Time, CPU and peak RSS of one request, from an idle service until it is idle again. */
async function timed(context: BenchContext, query: string, n: number): Promise<Sample> {
  const { service } = context;
  const before = await settle(service);
  await service.resetPeak();
  const wallMs = await ask(context, query, n);
  const during = await service.usage();
  const after = await settle(service);
  return { wallMs, cpuMs: (cpuMicros(after) - cpuMicros(before)) / 1000, peakBytes: during.peakRss - before.rss };
}

/**
 * Heap still used after a full GC, before and after one request. Apart from the timed requests:
 * a forced full GC costs the next request tens of ms of CPU (V8 recompiles), which would swamp
 * the CPU of small N.
 */
async function retained(context: BenchContext, query: string, n: number): Promise<number> {
  const { service } = context;
  await settle(service);
  const before = await service.usage({ gc: true });
  await ask(context, query, n);
  await settle(service);
  const after = await service.usage({ gc: true });
  return after.heapUsed - before.heapUsed;
}

/**
 * The dashboard query (funnel + channels) for N fresh JPush ids, N from 1 to 5000: wall time,
 * the service's CPU time (its whole process, background archive writes included), heap still
 * retained after a full GC (the answer cache, the archive's bookkeeping), and how far the peak
 * RSS rose above the RSS before the request. Per id: the total over N, and the marginal cost
 * from the previous N (what one more id costs, free of the request's fixed cost).
 */
export async function scale(context: BenchContext): Promise<void> {
  // A service of its own: its answer cache (50,000 entries) has room for every id asked here, so
  // retained memory is not hidden by evictions of what earlier scenarios asked.
  const service = await context.startService();
  try {
    await measureScale({ ...context, service });
  } finally {
    await service.stop();
  }
}

async function measureScale(context: BenchContext): Promise<void> {
  const { service, report } = context;
  const query = campaignsQuery('JPUSH', DASHBOARD_FIELDS);
  // A warm-up, so N=1 does not pay for the first compilation of anything.
  await gql(service.url, query, { ids: jpushIds(200) });
  const rows: Array<{ n: number; samples: Sample[]; median: Sample }> = [];
  for (const [n, repetitions] of SIZES) {
    const samples: Sample[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++) samples.push(await timed(context, query, n));
    const pick = (field: keyof Sample): number => median(samples.map((sample) => sample[field]));
    rows.push({ n, samples, median: { wallMs: pick('wallMs'), cpuMs: pick('cpuMs'), peakBytes: pick('peakBytes') } });
  }
  // After every timed request, so none of them follows a forced GC. The first pass is thrown
  // away: the first forced GCs also drop code compiled for the timed requests (V8 flushes it).
  await retained(context, query, 1);
  const retainedBytes: number[] = [];
  for (const { n } of rows) retainedBytes.push(await retained(context, query, n));

  rows.forEach((row, index) => {
    const { n, median: m } = row;
    const perId = (value: number): string => ((value / n) * 1000).toFixed(0);
    const detail =
      `CPU ${m.cpuMs.toFixed(0)} ms = ${perId(m.cpuMs)} µs/id; wall ${m.wallMs.toFixed(0)} ms = ${perId(m.wallMs)} µs/id; ` +
      `heap retained ${((retainedBytes[index] ?? 0) / n / 1024).toFixed(1)} KiB/id; peak RSS +${(m.peakBytes / n / 1024).toFixed(1)} KiB/id`;
    const previous = rows[index - 1];
    if (!previous) {
      report.add({
        scenario: 6,
        key: `scale.${n}`,
        label: `N=${n}: service CPU for the request`,
        value: m.cpuMs * 1000,
        unit: 'µs',
        detail,
      });
      return;
    }
    const marginal = ((m.cpuMs - previous.median.cpuMs) * 1000) / (n - previous.n);
    report.add({
      scenario: 6,
      key: `scale.${n}`,
      label: `N=${n}: service CPU per extra id (from N=${previous.n})`,
      value: marginal,
      unit: 'µs/id',
      detail,
    });
  });
  const floorCpu = await floorCpuPerCampaign(context, query, rows);
  context.raw.scale = rows.map(({ n, samples }, index) => ({
    n,
    floorCpuMicrosPerId: floorCpu[n] === undefined ? undefined : round(floorCpu[n]),
    retainedBytes: retainedBytes[index],
    samples: samples.map((sample) => ({ wallMs: round(sample.wallMs), cpuMs: round(sample.cpuMs), peakBytes: sample.peakBytes })),
  }));
}

/**
 * CPU per campaign of the floor (bare Apollo answering the same JSON from memory) beside the
 * service's, N = 1000…5000: what the service spends per campaign (vendor call, validation,
 * mapping, caches, archive) over what graphql-js alone needs to produce that answer.
 */
async function floorCpuPerCampaign(
  context: BenchContext,
  query: string,
  rows: Array<{ n: number; median: Sample }>,
): Promise<Record<number, number>> {
  const { report } = context;
  const floor = await context.floor();
  const perId: Record<number, number> = {};
  for (const { n, median: m } of rows.filter((row) => row.n >= 1000)) {
    await floor.setFloorData(lastAnswers.get(n) ?? []);
    const ids = jpushIds(n);
    // A warm-up at this size, then the median of three.
    await gql(floor.url, query, { ids });
    const samples: number[] = [];
    for (let repetition = 0; repetition < 3; repetition++) {
      const before = await settle(floor);
      await gql(floor.url, query, { ids });
      const after = await settle(floor);
      samples.push((cpuMicros(after) - cpuMicros(before)) / 1000);
    }
    const floorMs = median(samples);
    perId[n] = (floorMs / n) * 1000;
    const ratio = m.cpuMs / floorMs;
    report.add({
      scenario: 6,
      key: `scale.floor.${n}`,
      label: `N=${n}: CPU per campaign, service / floor`,
      value: ratio,
      unit: 'ratio',
      detail: `${((m.cpuMs / n) * 1000).toFixed(0)} vs ${perId[n]!.toFixed(0)} µs/campaign`,
      verdict: { kind: 'goal', target: 'goal ≤ 1.25', pass: ratio <= 1.25 },
    });
  }
  return perId;
}
