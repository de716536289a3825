import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../src/http/graphiql.js';
import { launchChromium } from './browser.js';
import { startTestApp, type TestApp } from './helpers.js';

describe('GraphiQL in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('loads from local files only and runs the example query against the simulated vendors', async () => {
    const expected = await app.gql<{ campaigns: Array<{ id: string; funnel: { target: number } }> }>(EXAMPLE_QUERY);
    const first = expected.data!.campaigns[0]!;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    // Every CSP violation the page meets, reported by the browser itself.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    const pageResponse = await page.goto(`${app.url}/graphql`);
    expect(pageResponse?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.graphiql-execute-button').click();
    await page.waitForFunction((id) => document.querySelector('.graphiql-response')?.textContent?.includes(id) ?? false, first.id, {
      timeout: 15_000,
    });
    const response = (await page.locator('.graphiql-response').textContent()) ?? '';
    expect(response).toContain('"funnel"');
    expect(response).toContain(`"target": ${first.funnel.target}`);

    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);

    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/graphiql.png' });
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(app.url) && !url.startsWith('data:'))).toEqual([]);
  });
});
