import type { BenchContext } from '../context.js';
import { ALIYUN_PATH, aliyunMessageId, countCalls, JPUSH_PATH, jpushMsgIds, TENCENT_PATH, tencentTaskIds, type CallCount } from '../fakes.js';
import { aliasesQuery, answeredCampaigns, CALL_FIELDS, campaignsQuery, entitiesQuery, gql, representations, type Answer } from '../graphql.js';
import { aliyunIds, jpushIds, tencentIds } from '../ids.js';

/** N per vendor. Tencent's 1 call/s per API and Alibaba's 50 calls/s bound how many fit in the bench's 5 minutes. */
export const CALL_SIZES = {
  JPUSH: [1, 99, 100, 101, 1000, 5000],
  TENCENT: [1, 5, 6, 25],
  ALIYUN: [1, 50, 51, 1000],
} as const;

/** Ids per call each vendor API allows (CONTRACT.md vendor table). */
const BATCH = { JPUSH: 100, TENCENT: 5, ALIYUN: 1 } as const;

type Route = 'campaigns' | 'aliases' | '_entities';

/** Every id answered, in order, as a campaign (none null: the simulators know every bench id). */
function checkAnswer(answer: Answer, ids: readonly string[]): void {
  const campaigns = answeredCampaigns(answer);
  const wrong = ids.findIndex((id, index) => {
    const campaign = campaigns[index];
    return typeof campaign !== 'object' || campaign === null || !('id' in campaign) || campaign.id !== id;
  });
  if (campaigns.length !== ids.length || wrong >= 0) throw new Error(`the answer does not list the ${ids.length} campaigns asked (first wrong: #${wrong})`);
}

function ask(url: string, vendor: keyof typeof CALL_FIELDS, route: Route, ids: readonly string[]): Promise<Answer> {
  const fields = CALL_FIELDS[vendor];
  switch (route) {
    case 'campaigns':
      return gql(url, campaignsQuery(vendor, fields), { ids });
    case 'aliases':
      return gql(url, aliasesQuery(vendor, ids, fields));
    case '_entities':
      return gql(url, entitiesQuery(fields), { representations: representations(vendor, ids) });
  }
}

/** Records calls / minimum as a correctness check: every id sent once, in the fewest calls the vendor allows. */
function addRatio(context: BenchContext, key: string, label: string, n: number, batch: number, counts: CallCount[]): void {
  const calls = counts.reduce((sum, count) => sum + count.calls, 0);
  const idsSent = counts.reduce((sum, count) => sum + count.idsSent, 0);
  const minimum = Math.ceil(n / batch);
  const ratio = calls / minimum;
  const resent = idsSent - n;
  context.report.add({
    scenario: 1,
    key,
    label,
    value: ratio,
    unit: 'ratio',
    detail: `${calls} calls / ceil(${n}/${batch}) = ${minimum}${resent === 0 ? '' : `; ${idsSent} ids sent for ${n}`}`,
    verdict: { kind: 'check', target: 'must be 1.00, each id once', pass: calls === minimum && idsSent === n && counts.every((count) => count.distinctIds === count.idsSent) },
  });
}

export async function vendorCalls(context: BenchContext): Promise<void> {
  const { fakes, service } = context;
  const raw: Array<Record<string, unknown>> = [];

  for (const route of ['campaigns', 'aliases', '_entities'] as const) {
    for (const n of CALL_SIZES.JPUSH) {
      const ids = jpushIds(n);
      const mark = fakes.jpush.server.requests.length;
      const started = performance.now();
      checkAnswer(await ask(service.url, 'JPUSH', route, ids), ids);
      const ms = performance.now() - started;
      const counts = ['messages/detail', 'received/detail'].map((endpoint) => countCalls(fakes.jpush.server.requests, mark, JPUSH_PATH(endpoint), jpushMsgIds));
      addRatio(context, `calls.JPUSH.${route}.${n}`, `JPush ${route} N=${n}`, n, BATCH.JPUSH, counts);
      raw.push({ vendor: 'JPUSH', route, n, ms, counts });
    }
  }

  for (const n of CALL_SIZES.TENCENT) {
    const ids = tencentIds(n);
    const mark = fakes.tencent.requests.length;
    const violations = fakes.tencent.violations();
    const started = performance.now();
    checkAnswer(await ask(service.url, 'TENCENT', 'campaigns', ids), ids);
    const ms = performance.now() - started;
    for (const api of ['all_member_push_statistics', 'all_member_push_loss'] as const) {
      const counts = countCalls(fakes.tencent.requests, mark, TENCENT_PATH(api), tencentTaskIds);
      addRatio(context, `calls.TENCENT.${api}.${n}`, `Tencent ${api.replace('all_member_push_', '')} N=${n}`, n, BATCH.TENCENT, [counts]);
      raw.push({ vendor: 'TENCENT', api, n, ms, counts });
    }
    if (fakes.tencent.violations() !== violations) throw new Error(`Tencent answered 60007 (over 1 call/s) ${fakes.tencent.violations() - violations} times`);
  }

  for (const n of CALL_SIZES.ALIYUN) {
    const ids = aliyunIds(n);
    const mark = fakes.aliyun.server.requests.length;
    const started = performance.now();
    checkAnswer(await ask(service.url, 'ALIYUN', 'campaigns', ids), ids);
    const ms = performance.now() - started;
    const counts = countCalls(fakes.aliyun.server.requests, mark, ALIYUN_PATH, aliyunMessageId);
    addRatio(context, `calls.ALIYUN.campaigns.${n}`, `Alibaba campaigns N=${n}`, n, BATCH.ALIYUN, [counts]);
    raw.push({ vendor: 'ALIYUN', route: 'campaigns', n, ms, counts });
    const throttled = fakes.aliyun.outcomes.filter((outcome) => outcome.code.startsWith('Throttling')).length;
    if (throttled > 0) throw new Error(`Alibaba throttled ${throttled} calls (over 50 calls/s)`);
    if (n === Math.max(...CALL_SIZES.ALIYUN)) {
      // 50 calls/s: the last of N calls may leave after ceil(N/50) - 1 seconds.
      const floorMs = (Math.ceil(n / 50) - 1) * 1000 + context.latencyMs;
      context.report.add({ scenario: 1, key: `time.ALIYUN.${n}`, label: `Alibaba N=${n} wall time / 50-calls-per-s floor`, value: ms / floorMs, unit: 'ratio', detail: `${(ms / 1000).toFixed(1)} s vs ${(floorMs / 1000).toFixed(2)} s` });
    }
  }
  context.raw.calls = raw;
}
