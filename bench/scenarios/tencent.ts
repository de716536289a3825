import { TENCENT_SLOT_INTERVAL_MS } from '../../src/datasources/tencent/index.js';
import { sleep } from '../../src/datasources/http.js';
import type { BenchContext } from '../context.js';
import { countCalls, TENCENT_PATH, tencentTaskIds } from '../fakes.js';
import { answeredCampaigns, CALL_FIELDS, campaignsQuery, gql } from '../graphql.js';
import { tencentIds } from '../ids.js';

const TASKS = 50;
const REQUESTS = 10;
/** Tencent: at most 5 TaskIDs per call, 1 call per second per API. */
const PER_CALL = 5;

/**
 * 50 fresh TaskIDs spread over 10 concurrent requests (5 each, funnel + loss reasons): the
 * scheduler must pack them into 10 full calls per API, one per second, with no 60007 answer.
 * The quota floor is ceil(50/5) = 10 calls at 1 call/s: 10 s per API (the APIs run side by side).
 */
export async function tencentQuota(context: BenchContext): Promise<void> {
  const { fakes, service, report } = context;
  // Whatever Tencent call came before, its slot has passed: the scenario starts on a free slot.
  await sleep(TENCENT_SLOT_INTERVAL_MS);
  const ids = tencentIds(TASKS);
  const mark = fakes.tencent.requests.length;
  const violations = fakes.tencent.violations();
  const query = campaignsQuery('TENCENT', CALL_FIELDS.TENCENT);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: REQUESTS }, (_, index) => gql(service.url, query, { ids: ids.slice(index * PER_CALL, (index + 1) * PER_CALL) })),
  );
  const ms = performance.now() - started;
  if (answers.some((answer) => answeredCampaigns(answer).some((campaign) => campaign === null))) throw new Error('a Tencent campaign was answered null');
  const floorMs = Math.ceil(TASKS / PER_CALL) * 1000;
  const raw: Record<string, unknown> = { ms, floorMs };
  for (const api of ['all_member_push_statistics', 'all_member_push_loss'] as const) {
    const counts = countCalls(fakes.tencent.requests, mark, TENCENT_PATH(api), tencentTaskIds);
    const minimum = Math.ceil(TASKS / PER_CALL);
    report.add({
      scenario: 5,
      key: `tencent.calls.${api}`,
      label: `${api.replace('all_member_push_', '')} calls / ceil(50/5)`,
      value: counts.calls / minimum,
      unit: 'ratio',
      detail: `${counts.calls} calls carrying ${counts.idsSent} TaskIDs`,
      verdict: { kind: 'check', target: 'must be 1.00, each TaskID once', pass: counts.calls === minimum && counts.idsSent === TASKS && counts.distinctIds === TASKS },
    });
    raw[api] = counts;
  }
  report.add({ scenario: 5, key: 'tencent.time', label: 'wall time / quota floor (10 s per API)', value: ms / floorMs, unit: 'ratio', detail: `${(ms / 1000).toFixed(2)} s` });
  const answered60007 = fakes.tencent.violations() - violations;
  report.add({
    scenario: 5,
    key: 'tencent.violations',
    label: 'frequency-limit answers (60007)',
    value: answered60007,
    unit: '',
    verdict: { kind: 'check', target: 'must be 0', pass: answered60007 === 0 },
  });
  context.raw.tencent = { ...raw, violations: answered60007 };
}
