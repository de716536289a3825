import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../report/build.js';
import { aggregateChannels, rankLossReasons, type ChannelStat, type Funnel, type LossReason } from '../report/src/model.js';
import { launchChromium } from './browser.js';
import { startTestApp, type TestApp } from './helpers.js';
import { startVendorFakes, type VendorFakes } from './vendor-fakes.js';

type CellValue = string | number | null;

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

interface ApiCampaign {
  id: string;
  funnel: Funnel | null;
  channels: ChannelStat[] | null;
  lossReasons: LossReason[] | null;
}

const FIGURES = `id funnel { target sent received displayed clicked dismissed }
  channels { channel platform messageType eventType target sent received displayed clicked }
  lossReasons { stage errorCode count description channel eventType }`;

describe('the report page: recent campaigns and the cross-vendor summary (Chromium)', () => {
  let browser: Browser;
  let fakes: VendorFakes;
  let app: TestApp;

  beforeAll(async () => {
    await buildReport();
    fakes = await startVendorFakes();
    app = await startTestApp(fakes.env);
    await app.archive.ready();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await fakes?.close();
  });

  it('opens on the recent campaigns, picks a JPush and a Tencent one with checkboxes, and shows their summary from campaignSummary', async () => {
    const jpushId = String(8_900_000_000 + Math.floor(Math.random() * 1_000_000));
    const taskId = `recent-page-${Date.now()}`;
    const track = `mutation ($campaigns: [CampaignInput!]!) { trackCampaigns(campaigns: $campaigns) { id } }`;
    expect((await app.gql(track, { campaigns: [{ vendor: 'TENCENT', id: taskId }] })).errors).toBeUndefined();
    expect((await app.gql(track, { campaigns: [{ vendor: 'JPUSH', id: jpushId }] })).errors).toBeUndefined();

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.url}/report`);
    const rows = page.locator('[data-view="recent-campaigns"] tbody tr');
    await rows.first().waitFor();
    // Newest first.
    expect(await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-campaign')))).toEqual([
      `JPUSH:${jpushId}`,
      `TENCENT:${taskId}`,
    ]);

    // Filter by vendor, search by id.
    await page.getByLabel('Vendor', { exact: true }).selectOption('TENCENT');
    await page.waitForFunction(() => document.querySelectorAll('[data-view="recent-campaigns"] tbody tr').length === 1);
    await page.getByLabel('Vendor', { exact: true }).selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('[data-view="recent-campaigns"] tbody tr').length === 2);
    await page.getByLabel('Search by id').fill(taskId);
    expect(await rows.count()).toBe(1);
    await page.getByLabel('Search by id').fill('');

    await page.getByLabel(`Pick JPush ${jpushId}`).check();
    await page.getByLabel(`Pick Tencent TIMPush ${taskId}`).check();
    await page.getByRole('button', { name: 'Add checked to the selection' }).click();
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.locator('[data-view="selection-summary"] [data-table="all-funnel"] tbody tr').first().waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).searchParams.getAll('ids')).toEqual([jpushId, taskId]);

    const [jpush, tencent] = await Promise.all(
      (['JPUSH', 'TENCENT'] as const).map(async (vendor) => {
        const ids = vendor === 'JPUSH' ? [jpushId] : [taskId];
        const answer = await app.gql<{ campaigns: ApiCampaign[] }>(
          `query ($ids: [ID!]!) { campaigns(vendor: ${vendor}, ids: $ids) { ${FIGURES} } }`,
          { ids },
        );
        return answer.data!.campaigns[0]!;
      }),
    );
    const both = [jpush!, tencent!];
    const sum = (key: keyof Funnel): number | null =>
      both.some((c) => c.funnel?.[key] != null) ? both.reduce((t, c) => t + (c.funnel?.[key] ?? 0), 0) : null;
    const funnel = await tableRows(page, '[data-table="all-funnel"]');
    expect(funnel.map((row) => row.slice(0, 2))).toEqual([
      ['Target', sum('target')],
      ['Sent', sum('sent')],
      ['Received', sum('received')],
      ['Displayed', sum('displayed')],
      ['Clicked', sum('clicked')],
    ]);
    // Channel by channel across both vendors: the same totals the page's model makes of the two campaigns' rows.
    const channels = aggregateChannels(both.flatMap((c) => c.channels ?? []));
    expect((await tableRows(page, '[data-table="all-channels"]')).length).toBe(channels.length);
    const losses = rankLossReasons(both.flatMap((c) => c.lossReasons ?? [])).overall;
    expect((await tableRows(page, '[data-table="all-loss-reasons"]')).length).toBe(losses.length);
    expect(await page.locator('[data-view="selection-summary"] [role="status"]').textContent()).toBe('2 of 2 campaigns with figures.');
    expect(errors).toEqual([]);
    await page.close();
  });
});
