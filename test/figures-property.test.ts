import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { toFunnel } from '../src/datasources/aliyun/mapper.js';
import { simulatedStat } from '../src/datasources/aliyun/simulator.js';
import { startJPushSimulator } from '../src/datasources/jpush/index.js';
import { toFallbackReport } from '../src/datasources/jpush/mapper.js';
import { JPushReceivedDetailSchema } from '../src/datasources/jpush/types.js';
import { toCampaignStatistics } from '../src/datasources/tencent/mapper.js';
import { startTencentSimulator } from '../src/datasources/tencent/simulator.js';
import { startTestApp } from './helpers.js';

/*
 * Issue 12: over the simulators' generated data, every funnel and channel row is non-increasing
 * where both figures are present (target ≥ sent ≥ received ≥ displayed ≥ clicked), and no figure
 * is 0 where the vendor's rule says it is unmeasured.
 */

interface Figures {
  target?: number | null;
  sent?: number | null;
  received?: number | null;
  displayed?: number | null;
  clicked?: number | null;
}

const STAGES = ['target', 'sent', 'received', 'displayed', 'clicked'] as const;

/** Every pair of present figures that widens the funnel, as "label: stage a < stage b". */
function widenings(label: string, figures: Figures): string[] {
  const problems: string[] = [];
  STAGES.forEach((earlier, index) => {
    for (const later of STAGES.slice(index + 1)) {
      const [a, b] = [figures[earlier], figures[later]];
      if (a !== null && a !== undefined && b !== null && b !== undefined && a < b)
        problems.push(`${label}: ${earlier} ${a} < ${later} ${b}`);
    }
  });
  return problems;
}

/** Tencent's rule: a stage reported 0 while a later stage counts more than 0 was not measured. */
function zeroBeforeLater(label: string, figures: Figures): string[] {
  return STAGES.flatMap((stage, index) =>
    figures[stage] === 0 && STAGES.slice(index + 1).some((later) => (figures[later] ?? 0) > 0)
      ? [`${label}: ${stage} 0 before a later count`]
      : [],
  );
}

let running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.map((item) => item.close()));
  running = [];
});

/** `count` ids the simulators know (an id ending in 404 is unknown to them). */
const range = (count: number, from: number): string[] => {
  const ids: string[] = [];
  for (let id = from; ids.length < count; id += 7) if (!String(id).endsWith('404')) ids.push(String(id));
  return ids;
};

describe('figures over generated data', () => {
  it('JPush: 2000 campaigns over HTTP in 20 messages/detail calls; iOS custom-message clicks are null, never 0', async () => {
    const sim = await startJPushSimulator();
    const app = await startTestApp({ JPUSH_APP_KEY: sim.appKey, JPUSH_MASTER_SECRET: sim.masterSecret, JPUSH_REPORT_URL: sim.baseUrl });
    running.push(app, sim);
    const ids = range(2000, 880_000_001);
    const problems: string[] = [];
    let iosMessages = 0;
    let androidMessageClicks = 0;
    for (const half of [ids.slice(0, 1000), ids.slice(1000)]) {
      const answer = await app.gql<{
        campaigns: Array<{ id: string; funnel: Figures; channels: Array<Figures & Record<string, unknown>> }>;
      }>(
        `query ($ids: [ID!]!) { campaigns(vendor: JPUSH, ids: $ids) {
          id funnel { target sent received displayed clicked } channels { channel platform messageType target sent received displayed clicked } } }`,
        { ids: half },
      );
      expect(answer.errors).toBeUndefined();
      for (const campaign of answer.data!.campaigns) {
        problems.push(...widenings(`${campaign.id} funnel`, campaign.funnel));
        for (const row of campaign.channels) {
          const label = `${campaign.id} ${String(row.platform)}/${String(row.channel)}/${String(row.messageType)}`;
          problems.push(...widenings(label, row));
          if (row.platform === 'IOS' && row.messageType === 'MESSAGE') {
            iosMessages += 1;
            if (row.clicked !== null) problems.push(`${label}: clicked ${row.clicked}, not null`);
          }
          if (row.platform === 'ANDROID' && row.messageType === 'MESSAGE' && (row.clicked ?? 0) > 0) androidMessageClicks += 1;
        }
      }
    }
    expect(problems).toEqual([]);
    // The data exercise the rules: iOS custom messages occur, and Android ones have clicks (the doc excepts only iOS).
    expect(iosMessages).toBeGreaterThan(100);
    expect(androidMessageClicks).toBeGreaterThan(100);
    expect(sim.requestsTo('messages/detail')).toHaveLength(20);
  });

  it('JPush fallback (received/detail): 3000 generated rows through the mapper; every source row keeps sent ≥ received', async () => {
    const sim = await startJPushSimulator();
    running.push(sim);
    const rows = z.array(JPushReceivedDetailSchema).parse(range(3000, 770_000_001).map((id) => sim.receivedDetail(id)));
    const problems = rows.flatMap((row) => {
      const report = toFallbackReport(row);
      expect(report.funnel.sent).toBeNull();
      return [...widenings(`${row.msg_id} funnel`, report.funnel), ...report.channels.flatMap((channel) => widenings(row.msg_id, channel))];
    });
    expect(problems).toEqual([]);
    expect(sim.server.requests).toHaveLength(0);
  });

  it('Tencent: 3000 generated tasks through the mapper; no 0 before a later count, and 20 tasks over HTTP in 4 calls', async () => {
    const sim = await startTencentSimulator({ adminId: 'administrator' });
    running.push(sim);
    const problems: string[] = [];
    let unmeasured = 0;
    for (const taskId of range(3000, 1)) {
      const { funnel, channels } = toCampaignStatistics(sim.task(`task-${taskId}`).statistics);
      problems.push(...widenings(`${taskId} funnel`, funnel), ...zeroBeforeLater(`${taskId} funnel`, funnel));
      for (const row of channels) {
        problems.push(...widenings(`${taskId} ${row.channel}`, row), ...zeroBeforeLater(`${taskId} ${row.channel}`, row));
        if (row.received === null && (row.clicked ?? 0) > 0) unmeasured += 1;
      }
    }
    expect(problems).toEqual([]);
    expect(unmeasured).toBeGreaterThan(100);

    const app = await startTestApp({
      TENCENT_API_URL: sim.url,
      TENCENT_SDK_APP_ID: sim.credentials.sdkAppId,
      TENCENT_SECRET_KEY: sim.credentials.secretKey,
      TENCENT_ADMIN_ID: 'administrator',
    });
    running.push(app);
    const ids = range(20, 5_000).map((id) => `task-${id}`);
    const answer = await app.gql<{ campaigns: Array<{ id: string; funnel: Figures; channels: Figures[] }> }>(
      `query ($ids: [ID!]!) { campaigns(vendor: TENCENT, ids: $ids) { id funnel { target sent received displayed clicked } channels { target sent received displayed clicked } } }`,
      { ids },
    );
    expect(answer.errors).toBeUndefined();
    for (const campaign of answer.data!.campaigns) {
      problems.push(...widenings(campaign.id, campaign.funnel), ...zeroBeforeLater(campaign.id, campaign.funnel));
      for (const row of campaign.channels) problems.push(...widenings(campaign.id, row), ...zeroBeforeLater(campaign.id, row));
    }
    expect(problems).toEqual([]);
    // Answered calls: a call the loaded machine sent early is refused (60007) and resent, not counted.
    expect(sim.answers.filter((entry) => entry.api === 'all_member_push_statistics' && entry.errorCode === 0)).toHaveLength(4);
  }, 20_000);

  it('Alibaba: 5000 generated messages through the mapper; displayed is null (not reported), never 0', () => {
    const problems: string[] = [];
    let published = 0;
    for (const id of range(5000, 660_000_001)) {
      const stat = simulatedStat(id);
      if (!stat || stat.AcceptCount === 0) continue;
      published += 1;
      const funnel = toFunnel({ MessageId: id, ...stat });
      expect(funnel.displayed).toBeNull();
      problems.push(...widenings(id, funnel));
      if ((funnel.dismissed ?? 0) > (funnel.received ?? 0) - (funnel.clicked ?? 0))
        problems.push(`${id}: dismissed beyond received - clicked`);
    }
    expect(problems).toEqual([]);
    expect(published).toBeGreaterThan(4000);
  });
});
