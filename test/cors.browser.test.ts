import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../src/datasources/fake-server.js';
import { launchChromium } from './browser.js';
import { startTestApp, type TestApp } from './helpers.js';


/** A frontend page on its own origin that calls the API from the browser, as a company's dashboard would. */
const FRONTEND = (api: string): string => `<!doctype html><html><body><pre id="out">…</pre><script>
  fetch(${JSON.stringify(`${api}/graphql`)}, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ campaign(vendor: JPUSH, id: "1613113584") { id funnel { target } } }' }),
  }).then((r) => r.json()).then((body) => { out.textContent = 'ok ' + body.data.campaign.id; }, () => { out.textContent = 'refused'; });
</script></body></html>`;

describe('CORS from a real browser', () => {
  let app: TestApp;
  let allowed: FakeServer;
  let other: FakeServer;
  let browser: Browser;
  beforeAll(async () => {
    // Two frontends on two loopback origins (different ports); only the first is allowed.
    allowed = await startFakeServer(() => ({ status: 200, body: FRONTEND(app.url) }));
    other = await startFakeServer(() => ({ status: 200, body: FRONTEND(app.url) }));
    app = await startTestApp({ CORS_ORIGINS: allowed.url });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await allowed?.close();
    await other?.close();
  });

  const run = async (frontend: FakeServer): Promise<string> => {
    const page = await browser.newPage();
    await page.goto(`${frontend.url}/`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== '…', undefined, { timeout: 15_000 });
    const text = (await page.locator('#out').textContent()) ?? '';
    await page.close();
    return text;
  };

  it('lets a frontend on an allowed origin read answers, and refuses any other origin', async () => {
    expect(await run(allowed)).toBe('ok 1613113584');
    expect(await run(other)).toBe('refused');
  });
});
