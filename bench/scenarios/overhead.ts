import { basicAuthorization } from '../../src/datasources/jpush/client.js';
import type { BenchContext } from '../context.js';
import { countCalls, JPUSH_PATH, jpushMsgIds } from '../fakes.js';
import { answeredCampaigns, CALL_FIELDS, campaignsQuery, DASHBOARD_FIELDS, gql } from '../graphql.js';
import { jpushIds } from '../ids.js';
import { percentile, round } from '../stats.js';

const WARMUP = 10;
const ITERATIONS = 60;
const CAMPAIGNS = 100;

type Probe = 'direct' | 'list' | 'dashboard' | 'floor';

/**
 * A 100-campaign JPush query through pushgraph vs one direct messages/detail call for 100 ids
 * to the same fake, in two shapes: a list (id + funnel, ~10 KB answer) and a dashboard (funnel
 * and every channel, ~300 KB). Every iteration measures all four probes in a rotating order,
 * after a warm-up; every pushgraph query and direct call asks fresh ids, so each reaches the
 * vendor (one call) and the fake does the same work for each. The fourth probe is the floor
 * (bench/floor.ts) answering the dashboard from memory: what Apollo alone needs for that answer.
 */
export async function latencyOverhead(context: BenchContext): Promise<void> {
  const { fakes, service } = context;
  const authorization = basicAuthorization(fakes.jpush.appKey, fakes.jpush.masterSecret);
  const queries = { list: campaignsQuery('JPUSH', CALL_FIELDS.JPUSH), dashboard: campaignsQuery('JPUSH', DASHBOARD_FIELDS) };
  const floor = await context.floor();
  const floorIds = jpushIds(CAMPAIGNS);
  await floor.setFloorData(answeredCampaigns(await gql(service.url, queries.dashboard, { ids: floorIds })));

  const viaService = async (shape: 'list' | 'dashboard'): Promise<number> => {
    const ids = jpushIds(CAMPAIGNS);
    const mark = fakes.jpush.server.requests.length;
    const started = performance.now();
    const answer = await gql(service.url, queries[shape], { ids });
    const ms = performance.now() - started;
    const { calls } = countCalls(fakes.jpush.server.requests, mark, JPUSH_PATH('messages/detail'), jpushMsgIds);
    if (calls !== 1 || answeredCampaigns(answer).length !== CAMPAIGNS) throw new Error(`a 100-campaign query made ${calls} JPush calls`);
    return ms;
  };
  const probes: Record<Probe, () => Promise<number>> = {
    direct: async () => {
      const ids = jpushIds(CAMPAIGNS);
      const started = performance.now();
      const response = await fetch(`${fakes.jpush.baseUrl}/messages/detail?msg_ids=${ids.join(',')}`, { headers: { authorization } });
      await response.text();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`the JPush fake answered HTTP ${response.status}`);
      return ms;
    },
    list: () => viaService('list'),
    dashboard: () => viaService('dashboard'),
    floor: async () => {
      const started = performance.now();
      await gql(floor.url, queries.dashboard, { ids: floorIds });
      return performance.now() - started;
    },
  };

  const order: Probe[] = ['direct', 'list', 'dashboard', 'floor'];
  const samples: Record<Probe, number[]> = { direct: [], list: [], dashboard: [], floor: [] };
  for (let iteration = 0; iteration < WARMUP + ITERATIONS; iteration++) {
    for (let step = 0; step < order.length; step++) {
      const probe = order[(iteration + step) % order.length]!;
      const ms = await probes[probe]();
      if (iteration >= WARMUP) samples[probe].push(ms);
    }
  }

  const direct = { p50: percentile(samples.direct, 50), p95: percentile(samples.direct, 95) };
  for (const shape of ['list', 'dashboard'] as const) {
    for (const p of [50, 95] as const) {
      const ours = percentile(samples[shape], p);
      const vendor = direct[`p${p}`];
      context.report.add({
        scenario: 2,
        key: `overhead.${shape}.p${p}`,
        label: `${shape}: p${p} pushgraph / direct (${context.latencyMs} ms vendor latency)`,
        value: ours / vendor,
        unit: 'ratio',
        detail: `${ours.toFixed(1)} ms vs ${vendor.toFixed(1)} ms`,
        ...(p === 50 ? { verdict: { kind: 'goal' as const, target: 'goal ≤ 1.15', pass: ours / vendor <= 1.15 } } : {}),
      });
    }
  }
  const floorP50 = percentile(samples.floor, 50);
  context.report.add({
    scenario: 2,
    key: 'overhead.floor.p50',
    label: 'dashboard from memory on the floor: p50 / direct',
    value: floorP50 / direct.p50,
    unit: 'ratio',
    detail: `${floorP50.toFixed(1)} ms with no vendor call: Apollo's own cost of that answer`,
  });
  context.raw.overhead = {
    iterations: ITERATIONS,
    samplesMs: Object.fromEntries(Object.entries(samples).map(([probe, values]) => [probe, values.map((ms) => round(ms))])),
  };
}
