import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../report/build.js';
import { startTestApp, type TestApp } from './helpers.js';

/** A raw request, so paths reach the server exactly as written (fetch would normalise `..`). */
function raw(
  url: string,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /report serves the built page from local files', () => {
  let app: TestApp;
  let files: string[];
  beforeAll(async () => {
    files = await buildReport();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves index.html with a policy that allows nothing from outside this server', async () => {
    for (const path of ['/report', '/report/']) {
      const page = await raw(app.url, path);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(String(page.headers['content-security-policy']).split(';').join('; ')).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      const html = page.body.toString('utf8');
      const js = files.find((name) => /^app-[A-Z0-9]{8}\.js$/.test(name));
      const css = files.find((name) => /^app-[A-Z0-9]{8}\.css$/.test(name));
      expect(html).toContain(`<script type="module" src="/report/${js}"></script>`);
      expect(html).toContain(`<link rel="stylesheet" href="/report/${css}" />`);
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('serves hashed bundles for good, gzipped when the browser accepts it', async () => {
    const js = files.find((name) => name.endsWith('.js'))!;
    const plain = await raw(app.url, `/report/${js}`);
    expect(plain.status).toBe(200);
    // @fastify/static names JavaScript application/javascript (both are registered for it).
    expect(plain.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await raw(app.url, `/report/${js}`, 'GET', { 'accept-encoding': 'gzip, deflate' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);
    const head = await raw(app.url, `/report/${js}`, 'HEAD');
    expect([head.status, head.body.length, Number(head.headers['content-length'])]).toEqual([200, 0, plain.body.length]);
  });

  it('serves nothing but the build’s own files', async () => {
    for (const path of [
      '/report/..%2Fpackage.json',
      '/report/../package.json',
      '/report/.env',
      '/report/index.html.gz',
      '/report/dist/index.html',
      '/report/nope.js',
      '/report/app.ts',
    ]) {
      expect([path, (await raw(app.url, path)).status]).toEqual([path, 404]);
    }
    expect((await raw(app.url, '/report', 'POST')).status).toBe(405);
  });

  it('is linked from the GraphiQL page', async () => {
    const response = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await response.text()).toContain('<a href="/report">Campaign report</a>');
  });
});
