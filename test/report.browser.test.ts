import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../report/build.js';
import { channelLabel, platformLabel } from '../report/src/format.js';
import { aggregateChannels, rankLossReasons, rate, type ChannelStat, type Funnel, type LossReason } from '../report/src/model.js';
import { startAliyunSimulator, type AliyunSimulator } from '../src/datasources/aliyun/simulator.js';
import { startJPushSimulator, type JPushSimulator } from '../src/datasources/jpush/simulator.js';
import { startTencentSimulator, type TencentSimulator } from '../src/datasources/tencent/simulator.js';
import { launchChromium } from './browser.js';
import { startTestApp, type TestApp } from './helpers.js';

const ARTIFACTS = 'test/artifacts';
const JPUSH_IDS = ['1613113584', '1229760629', '269978303'];

type CellValue = string | number | null;

interface ApiCampaign {
  id: string;
  availability: string;
  funnel: Funnel | null;
  channels: ChannelStat[] | null;
  lossReasons: LossReason[] | null;
}

const CAMPAIGNS_QUERY = `query Expected($vendor: Vendor!, $ids: [ID!]!, $app: String) {
  campaigns(vendor: $vendor, ids: $ids, app: $app) {
    id availability
    funnel { target sent received displayed clicked dismissed }
    channels { channel platform messageType eventType target sent received displayed clicked }
    lossReasons { stage errorCode count description channel eventType }
  }
}`;

/** The rows of a rendered table: exact figures from <data value>, null for "not reported", text otherwise. */
function tableRows(page: Page, selector: string): Promise<CellValue[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) =>
    rows.map((row) =>
      [...row.children].map((cell) => {
        const data = cell.querySelector('data');
        if (data) return Number(data.getAttribute('value'));
        return cell.querySelector('abbr.na') ? null : (cell.textContent ?? '').trim();
      }),
    ),
  );
}

function waitForAnswers(page: Page, total: number): Promise<unknown> {
  return page.waitForFunction(
    (expected) => document.getElementById('progress')?.textContent?.startsWith(expected) ?? false,
    `${total} of ${total} campaigns answered`,
    { timeout: 30_000 },
  );
}

/** The campaigns-table row the page should show for what the API answered. */
function expectedCampaignRow(campaign: ApiCampaign): CellValue[] {
  const f = campaign.funnel!;
  return [campaign.id, f.target, f.sent, f.received, f.displayed, f.clicked, rate(f.received, f.sent), rate(f.clicked, f.received)];
}

/** Campaign id, then every figure of the campaigns table (vendor and status columns left out). */
const figures = (row: CellValue[]): CellValue[] => [row[0]!, ...row.slice(3)];

async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // Charts follow their box's new width (ResizeObserver), then the page is captured again.
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${ARTIFACTS}/${name}-390.png`, fullPage: true });
}

describe('the campaign report page in a real browser', () => {
  let browser: Browser;
  let jpush: JPushSimulator;
  let tencent: TencentSimulator;
  let aliyun: AliyunSimulator;
  let app: TestApp;
  const pages: Page[] = [];
  /** Content-Security-Policy refusals Chromium reports on any page: the report must run under its CSP untouched. */
  const cspViolations: string[] = [];

  /** Opens a page of the app; `before` runs first (init scripts, routes). Times read in UTC. */
  async function open(
    target: TestApp,
    path: string,
    before?: (page: Page) => Promise<unknown>,
  ): Promise<{ page: Page; requested: string[]; graphqlAuth: Array<string | undefined> }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });
    pages.push(page);
    await before?.(page);
    const requested: string[] = [];
    const graphqlAuth: Array<string | undefined> = [];
    page.on('request', (request) => {
      requested.push(request.url());
      if (new URL(request.url()).pathname === '/graphql') graphqlAuth.push(request.headers().authorization);
    });
    page.on('pageerror', (error) => requested.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    await page.goto(`${target.url}${path}`);
    return { page, requested, graphqlAuth };
  }

  async function expected(vendor: string, ids: string[], headers?: Record<string, string>, target: TestApp = app): Promise<ApiCampaign[]> {
    const answer = await target.gql<{ campaigns: ApiCampaign[] }>(CAMPAIGNS_QUERY, { vendor, ids }, headers);
    return answer.data!.campaigns;
  }

  beforeAll(async () => {
    await buildReport();
    [jpush, tencent, aliyun] = await Promise.all([startJPushSimulator(), startTencentSimulator(), startAliyunSimulator()]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([jpush?.close(), tencent?.close(), aliyun?.close()]);
  });
  afterEach(async () => {
    expect(cspViolations.splice(0)).toEqual([]);
    await Promise.all(pages.splice(0).map((page) => page.close()));
    await app?.close();
  });

  /** The app configured through the contract's variables, every vendor at its strict fake. */
  async function startApp(extra: Record<string, string> = {}): Promise<TestApp> {
    app = await startTestApp({
      JPUSH_REPORT_URL: jpush.baseUrl,
      JPUSH_APP_KEY: jpush.appKey,
      JPUSH_MASTER_SECRET: jpush.masterSecret,
      TENCENT_API_URL: tencent.url,
      TENCENT_SDK_APP_ID: tencent.credentials.sdkAppId,
      TENCENT_SECRET_KEY: tencent.credentials.secretKey,
      TENCENT_ADMIN_ID: tencent.credentials.adminId,
      ALIYUN_PUSH_ENDPOINT: aliyun.url,
      ALIYUN_ACCESS_KEY_ID: aliyun.credentials.accessKeyId,
      ALIYUN_ACCESS_KEY_SECRET: aliyun.credentials.accessKeySecret,
      ALIYUN_PUSH_APP_KEY: aliyun.credentials.appKey,
      ...extra,
    });
    return app;
  }

  it('shows a shared JPush link: every funnel equal to the API, the channel table and charts, in one JPush call', async () => {
    await startApp();
    const before = jpush.requestsTo('messages/detail').length;
    const { page, requested } = await open(app, `/report?vendor=JPUSH&ids=${JPUSH_IDS.join(',')}`);
    await waitForAnswers(page, 3);

    // The page's figures cost exactly one JPush call, with our credentials.
    const calls = jpush.requestsTo('messages/detail').slice(before);
    expect(calls.map((call) => call.query.get('msg_ids'))).toEqual([JPUSH_IDS.join(',')]);
    expect(calls[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${jpush.appKey}:${jpush.masterSecret}`).toString('base64')}`);

    const api = await expected('JPUSH', JPUSH_IDS);
    expect((await tableRows(page, '[data-table="campaigns"]')).map(figures)).toEqual(api.map(expectedCampaignRow));

    // The selection's funnel: sums of the API's funnels.
    const summary = '.vendor-summary[data-vendor="JPUSH"]';
    const sum = (key: keyof Funnel): number => api.reduce((acc, campaign) => acc + (campaign.funnel![key] ?? 0), 0);
    expect((await tableRows(page, `${summary} [data-table="jpush-funnel"]`)).map((row) => row.slice(0, 2))).toEqual([
      ['Target', sum('target')],
      ['Sent', sum('sent')],
      ['Received', sum('received')],
      ['Displayed', sum('displayed')],
      ['Clicked', sum('clicked')],
    ]);
    // The channel table: every channel of every campaign, summed per channel, worst first.
    const channels = aggregateChannels(api.flatMap((campaign) => campaign.channels ?? []));
    expect(channels.length).toBeGreaterThan(3);
    expect(await tableRows(page, `${summary} [data-table="jpush-channels"]`)).toEqual(
      channels.map((row) => [
        channelLabel(row.channel),
        platformLabel(row.platform),
        row.target,
        row.sent,
        row.received,
        row.displayed,
        row.clicked,
        row.notReceived,
        row.deliveryRate,
      ]),
    );
    // Charts are drawn (SVG) and labelled with their figures.
    const funnelChart = page.locator(`${summary} .chart-box[role="img"]`).first();
    expect(await funnelChart.locator('svg').count()).toBe(1);
    expect(await funnelChart.getAttribute('aria-label')).toContain(`Target: ${sum('target').toLocaleString('en-US')}`);

    // Each campaign's own card: its funnel and its channel rows as the API gave them.
    for (const campaign of api) {
      const card = `details.campaign[data-vendor="JPUSH"][data-id="${campaign.id}"]`;
      expect((await tableRows(page, `${card} [data-table="jpush-${campaign.id}-funnel"]`)).map((row) => row[1])).toEqual([
        campaign.funnel!.target,
        campaign.funnel!.sent,
        campaign.funnel!.received,
        campaign.funnel!.displayed,
        campaign.funnel!.clicked,
      ]);
      expect((await tableRows(page, `${card} [data-table="jpush-${campaign.id}-channels"]`)).map((row) => row.slice(3, 8))).toEqual(
        campaign.channels!.map((row) => [row.target, row.sent, row.received, row.displayed, row.clicked]),
      );
      expect(await page.locator(`${card} .chart-box svg`).count()).toBe(1);
    }

    // CSV export of the campaigns table: the same figures, unformatted.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-table="campaigns"] button.csv').click()]);
    expect(download.suggestedFilename()).toBe('pushgraph-campaigns.csv');
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe(
      '\uFEFFCampaign id,Vendor,Status,Target,Sent,Received,Displayed,Clicked,Received / sent (ratio),Clicked / received (ratio)',
    );
    const first = api[0]!.funnel!;
    expect(csv[1]).toMatch(
      new RegExp(`^${api[0]!.id},JPush,Ready,${first.target},${first.sent},${first.received},${first.displayed},${first.clicked},`),
    );

    await screenshots(page, 'report-jpush');
    expect(requested.filter((url) => !url.startsWith(`${app.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
  });

  it('shows Tencent answers as they arrive, 5 TaskIDs a request, with loss reasons ranked by count', async () => {
    await startApp();
    const taskIds = Array.from({ length: 12 }, (_, i) => `report-task-${i + 1}`);
    const statisticsBefore = tencent.callsTo('all_member_push_statistics').length;
    const answersBefore = tencent.answers.length;
    const { page, requested } = await open(app, `/report?vendor=TENCENT&ids=${taskIds.join(',')}`, (page) =>
      // Every text the progress line shows, to see partial results arrive before the last ones.
      page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { progressSeen: string[] }).progressSeen = seen;
        new MutationObserver(() => {
          const text = document.getElementById('progress')?.textContent ?? '';
          if (text && seen.at(-1) !== text) seen.push(text);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      }),
    );
    await waitForAnswers(page, 12);
    expect(await page.locator('#progress').textContent()).toBe('12 of 12 campaigns answered.');
    // Tencent answers 5 TaskIDs a second: the first ones were on screen while the rest waited.
    const progress = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(progress).toContain('Loading: 0 of 12 campaigns.');
    expect(progress).toContain('Loading: 5 of 12 campaigns.');
    expect(progress).toContain('Loading: 10 of 12 campaigns.');

    // The page's requests of 5 reach Tencent as ceil(12/5) = 3 statistics calls of exactly those
    // TaskIDs (counted as Tencent accepted them: a call it refused for pacing is the scheduler's).
    const calls = tencent.callsTo('all_member_push_statistics').slice(statisticsBefore);
    const verdicts = tencent.answers.slice(answersBefore).filter((answer) => answer.api === 'all_member_push_statistics');
    expect(calls).toHaveLength(verdicts.length);
    const accepted = calls
      .filter((_, i) => verdicts[i]!.errorCode === 0)
      .map((call) => (JSON.parse(call.body) as { TaskID: string[] }).TaskID);
    expect(accepted).toEqual([taskIds.slice(0, 5), taskIds.slice(5, 10), taskIds.slice(10)]);

    const api = await expected('TENCENT', taskIds);
    expect((await tableRows(page, '[data-table="campaigns"]')).map(figures)).toEqual(api.map(expectedCampaignRow));
    // Loss reasons over the 12 tasks, ranked by count, with descriptions: the top 10, then all.
    const ranked = rankLossReasons(api.flatMap((campaign) => campaign.lossReasons ?? []));
    expect(ranked.overall.length).toBeGreaterThan(0);
    const lossTable = '.vendor-summary[data-vendor="TENCENT"] [data-table="tencent-loss-reasons"]';
    const expectedLoss = ranked.overall.map((row, i) => [i + 1, row.errorCode, row.description ?? null, row.count]);
    const lossColumns = (row: CellValue[]): CellValue[] => [row[0]!, row[2]!, row[3]!, row[4]!];
    expect((await tableRows(page, lossTable)).map(lossColumns)).toEqual(expectedLoss.slice(0, 10));
    if (ranked.overall.length > 10) {
      await page.locator(`${lossTable} button.more`).click();
      expect((await tableRows(page, lossTable)).map(lossColumns)).toEqual(expectedLoss);
    }
    const byChannel = '.vendor-summary[data-vendor="TENCENT"] [data-table="tencent-loss-reasons-by-channel"]';
    expect((await tableRows(page, byChannel))[0]).toEqual([
      1,
      ranked.byChannel[0]!.stage === 'READY_TO_SEND' ? 'Before sending' : 'After sending',
      ranked.byChannel[0]!.errorCode,
      ranked.byChannel[0]!.description ?? null,
      channelLabel(ranked.byChannel[0]!.channel),
      ranked.byChannel[0]!.eventType === 'ONLINE' ? 'Online' : 'Offline',
      ranked.byChannel[0]!.count,
      ranked.byChannel[0]!.share,
    ]);
    expect(requested.filter((url) => !url.startsWith(`${app.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
  });

  it('puts vendors side by side; a failing vendor shows an error on each of its campaigns while the rest render', async () => {
    await startApp();
    const taskIds = ['report-mixed-1', 'report-mixed-2'];
    const aliyunIds = ['510427', '510437', '510447'];
    // Alibaba is down for this test: every call answers 503, so its campaigns fail (after retries).
    aliyun.server.injectFault({ kind: 'status', status: 503 });
    const query = `vendor=JPUSH&ids=${JPUSH_IDS.slice(0, 2).join(',')}&vendor=TENCENT&ids=${taskIds.join(',')}&vendor=ALIYUN&ids=${aliyunIds.join(',')}`;
    const { page, requested } = await open(app, `/report?${query}`);
    await waitForAnswers(page, 7);
    aliyun.server.clearFaults();
    expect(await page.locator('#progress').textContent()).toBe('7 of 7 campaigns answered · 3 failed.');

    const [jpushApi, tencentApi] = [await expected('JPUSH', JPUSH_IDS.slice(0, 2)), await expected('TENCENT', taskIds)];
    const rows = await tableRows(page, '[data-table="campaigns"]');
    expect(rows.slice(0, 4).map(figures)).toEqual([...jpushApi, ...tencentApi].map(expectedCampaignRow));
    // The failing vendor: an error on each of its campaigns, in the table and on its card.
    expect(rows.slice(4).map((row) => [row[0], row[1]])).toEqual(aliyunIds.map((id) => [id, 'Alibaba Cloud Push']));
    for (const row of rows.slice(4)) expect(row[2]).toMatch(/^Error: .*VENDOR_UNAVAILABLE/);
    for (const id of aliyunIds) {
      const card = page.locator(`details.campaign[data-vendor="ALIYUN"][data-id="${id}"]`);
      expect(await card.getAttribute('data-status')).toBe('failed');
      expect(await card.locator('.error').textContent()).toContain('VENDOR_UNAVAILABLE');
    }
    // The others render in full: funnel charts on every JPush and Tencent card.
    expect(await page.locator('details.campaign[data-status="loaded"] .chart-box svg').count()).toBe(4);

    // Vendors side by side: one summary each, and one comparison row each.
    const sum = (campaigns: ApiCampaign[], key: keyof Funnel): number =>
      campaigns.reduce((acc, campaign) => acc + (campaign.funnel![key] ?? 0), 0);
    expect((await tableRows(page, '[data-table="vendors"]')).map((row) => row.slice(0, 4))).toEqual([
      ['JPush', 2, sum(jpushApi, 'target'), sum(jpushApi, 'sent')],
      ['Tencent TIMPush', 2, sum(tencentApi, 'target'), sum(tencentApi, 'sent')],
      ['Alibaba Cloud Push', 0, null, null],
    ]);
    expect(
      await page.locator('.vendor-summary').evaluateAll((sections) => sections.map((section) => section.getAttribute('data-vendor'))),
    ).toEqual(['JPUSH', 'TENCENT', 'ALIYUN']);
    const comparison = await page
      .locator('.chart-box[aria-label^="Bar chart of each stage as a share of target"]')
      .getAttribute('aria-label');
    expect(comparison).toContain('JPush: sent ');
    expect(comparison).toContain('Tencent TIMPush: sent ');

    await screenshots(page, 'report-mixed');
    expect(requested.filter((url) => !url.startsWith(`${app.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
  });

  it('asks for the API key when the server wants one, and is usable from the keyboard alone', async () => {
    // Introspection off as well: the page then finds the schema's fields by validation alone.
    await startApp({ API_KEYS: 'report-key-1,other-key', GRAPHQL_INTROSPECTION: 'false' });
    const { page, graphqlAuth } = await open(app, `/report?vendor=JPUSH&ids=${JPUSH_IDS[0]}`);
    await page.waitForFunction(() => document.getElementById('form-message')?.textContent?.includes('needs an API key'));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await page.keyboard.type('report-key-1');
    // From the key field, Tab reaches "Show report"; Enter runs it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Show report');
    await page.keyboard.press('Enter');
    await waitForAnswers(page, 1);
    const api = await expected('JPUSH', [JPUSH_IDS[0]!], { authorization: 'Bearer report-key-1' });
    expect((await tableRows(page, '[data-table="campaigns"]')).map(figures)).toEqual(api.map(expectedCampaignRow));
    expect(graphqlAuth[0]).toBeUndefined();
    expect(graphqlAuth.at(-1)).toBe('Bearer report-key-1');
    expect(await page.evaluate(() => sessionStorage.getItem('pushgraph.report.apiKey'))).toBe('report-key-1');

    // A new selection typed and run with the keyboard only.
    await page.goto(`${app.url}/report`);
    for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.tagName === 'TEXTAREA')); i++)
      await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('.id-group')?.getAttribute('data-vendor'))).toBe('JPUSH');
    await page.keyboard.type(JPUSH_IDS.slice(1).join('\n'));
    for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.textContent === 'Show report')); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForAnswers(page, 2);
    expect(new URL(page.url()).search).toBe(`?vendor=JPUSH&ids=${JPUSH_IDS.slice(1).join('%2C')}`);
    expect((await tableRows(page, '[data-table="campaigns"]')).map((row) => row[0])).toEqual(JPUSH_IDS.slice(1));

    // An uploaded CSV adds the ids of its id column to the box.
    await page.locator('.id-group[data-vendor="JPUSH"] input[type="file"]').setInputFiles({
      name: 'campaigns.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`name,msg_id\r\nspring,${JPUSH_IDS[0]}\r\nautumn,${JPUSH_IDS[1]}\r\n`),
    });
    await page.waitForFunction(
      () => document.querySelector('.id-group[data-vendor="JPUSH"] [role="status"]')?.textContent === '2 ids read from campaigns.csv.',
    );
    expect(await page.locator('.id-group[data-vendor="JPUSH"] textarea').inputValue()).toBe(
      [JPUSH_IDS[1], JPUSH_IDS[2], JPUSH_IDS[0]].join('\n'),
    );
  });

  it('reads the JPush app chosen in the picker: every query carries app "news", the rows and the CSV say so, a shared link reopens it', async () => {
    // A second JPush app without credentials: served by a simulator of its own, so the default
    // app's strict fake sees no call while the page reads "news".
    await startApp({ PUSHGRAPH_APPS: JSON.stringify([{ name: 'news', vendor: 'JPUSH' }]) });
    const defaultCalls = jpush.requestsTo('messages/detail').length;
    type Sent = { query: string; variables: Record<string, unknown> };
    const recordGraphql = (sent: Sent[]) => async (page: Page) =>
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST') sent.push(request.postDataJSON() as Sent);
      });
    const operation = (sent: Sent[], name: string): Sent[] => sent.filter(({ query }) => query.startsWith(`query ${name}(`));
    const sent: Sent[] = [];
    const { page } = await open(app, '/report', recordGraphql(sent));

    // The picker appears once /health listed JPush's two apps; Tencent has one app: no picker.
    const picker = page.getByLabel('JPush app', { exact: true });
    await picker.waitFor({ state: 'visible' });
    expect(await picker.locator('option').allTextContents()).toEqual(['default', 'news']);
    expect(await picker.inputValue()).toBe('default');
    await page.getByLabel('Tencent TIMPush', { exact: true }).check();
    expect(await page.locator('.id-group[data-vendor="TENCENT"] .app-picker').getAttribute('hidden')).toBe('');
    await page.getByLabel('Tencent TIMPush', { exact: true }).uncheck();

    await picker.selectOption('news');
    await page.locator('.id-group[data-vendor="JPUSH"] textarea').fill(JPUSH_IDS.join('\n'));
    await page.getByRole('button', { name: 'Show report' }).click();
    await waitForAnswers(page, 3);
    await page.waitForFunction(() =>
      document.querySelector('[data-view="selection-summary"] [role="status"]')?.textContent?.endsWith('with figures.'),
    );

    // What the page asked: the figures of the three ids in app "news" (one request), their
    // history and the cross-vendor summary in the same app.
    expect(operation(sent, 'ReportCampaigns').map(({ variables }) => variables)).toEqual([
      { vendor: 'JPUSH', app: 'news', i0: JPUSH_IDS[0], i1: JPUSH_IDS[1], i2: JPUSH_IDS[2] },
    ]);
    for (const { variables } of operation(sent, 'ReportHistory')) expect(variables).toMatchObject({ vendor: 'JPUSH', app: 'news' });
    expect(operation(sent, 'CampaignSummary').map(({ variables }) => variables)).toEqual([
      { campaigns: JPUSH_IDS.map((id) => ({ vendor: 'JPUSH', app: 'news', id })) },
    ]);
    expect(jpush.requestsTo('messages/detail').length).toBe(defaultCalls);
    expect(new URL(page.url()).search).toBe(`?vendor=JPUSH&app=news&ids=${JPUSH_IDS.join('%2C')}`);

    // What the page shows: an App column, and the figures the API answers for app "news".
    const api = (await app.gql<{ campaigns: ApiCampaign[] }>(CAMPAIGNS_QUERY, { vendor: 'JPUSH', ids: JPUSH_IDS, app: 'news' })).data!
      .campaigns;
    const rows = await tableRows(page, '[data-table="campaigns"]');
    expect(rows.map((row) => row.slice(0, 4))).toEqual(JPUSH_IDS.map((id) => [id, 'JPush', 'news', 'Ready']));
    expect(rows.map((row) => [row[0]!, ...row.slice(4)])).toEqual(api.map(expectedCampaignRow));
    expect(await page.locator('.vendor-summary[data-vendor="JPUSH"] h3').first().textContent()).toBe('JPush (news)');
    expect(await page.locator('.vendor-summary [data-table="jpush-news-funnel"]').count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-table="campaigns"] button.csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^\uFEFFCampaign id,Vendor,App,Status,Target,/);
    expect(csv[1]).toMatch(new RegExp(`^${api[0]!.id},JPush,news,Ready,${api[0]!.funnel!.target},`));

    // The shared link opens the same app: picker on "news", the figures asked in "news".
    const shared = await page.locator('#share-link').getAttribute('href');
    const again: Sent[] = [];
    const reopened = await open(app, new URL(shared!).pathname + new URL(shared!).search, recordGraphql(again));
    await waitForAnswers(reopened.page, 3);
    expect(await reopened.page.getByLabel('JPush app', { exact: true }).inputValue()).toBe('news');
    expect(operation(again, 'ReportCampaigns').map(({ variables }) => variables.app)).toEqual(['news']);
    expect((await tableRows(reopened.page, '[data-table="campaigns"]')).map((row) => row[2])).toEqual(['news', 'news', 'news']);
    expect(jpush.requestsTo('messages/detail').length).toBe(defaultCalls);

    // Without /health the page is the single-app page: no picker, the default app, no App column.
    const blind: Sent[] = [];
    const single = await open(app, `/report?vendor=JPUSH&ids=${JPUSH_IDS.join(',')}`, async (page) => {
      await page.route('**/health', (route) => route.abort());
      await recordGraphql(blind)(page);
    });
    await waitForAnswers(single.page, 3);
    expect(await single.page.locator('.id-group[data-vendor="JPUSH"] .app-picker').getAttribute('hidden')).toBe('');
    expect(operation(blind, 'ReportCampaigns').map(({ variables }) => variables.app)).toEqual(['default']);
    expect((await tableRows(single.page, '[data-table="campaigns"]')).map((row) => row.slice(0, 3))).toEqual(
      JPUSH_IDS.map((id) => [id, 'JPush', 'Ready']),
    );
    expect(jpush.requestsTo('messages/detail').length).toBe(defaultCalls + 1);
  });

  it('draws the delivery curve from the archive’s snapshots', async () => {
    await startApp();
    // The archive's answer, as Campaign.history gives it: three snapshots of a growing delivery.
    const snapshots = [
      { fetchedAt: '2025-03-01T08:00:00.000Z', funnel: { target: 1000, sent: 900, received: 300, displayed: 200, clicked: 10 } },
      { fetchedAt: '2025-03-01T09:00:00.000Z', funnel: { target: 1000, sent: 950, received: 700, displayed: 500, clicked: 40 } },
      { fetchedAt: '2025-03-01T10:00:00.000Z', funnel: { target: 1000, sent: 960, received: 800, displayed: 600, clicked: 55 } },
    ];
    const { page } = await open(app, `/report?vendor=JPUSH&ids=${JPUSH_IDS[0]}`, (page) =>
      page.route('**/graphql', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { data?: Record<string, Record<string, unknown> | null> | null };
        for (const campaign of Object.values(body.data ?? {})) if (campaign && 'history' in campaign) campaign.history = snapshots;
        await route.fulfill({ response, json: body });
      }),
    );
    await waitForAnswers(page, 1);
    const curve = page.locator(`details.campaign[data-id="${JPUSH_IDS[0]}"] .chart-box[aria-label^="Line chart"]`);
    expect(await curve.getAttribute('aria-label')).toBe(
      'Line chart of the delivery over time: 3 snapshots from Mar 1, 2025, 8:00 AM to Mar 1, 2025, 10:00 AM; latest: sent 960, received 800, displayed 600, clicked 55.',
    );
    expect(await curve.locator('svg').count()).toBe(1);
  });
});
