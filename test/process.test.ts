import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVendorFakes, TEST_SECRETS, type VendorFakes } from './vendor-fakes.js';

const API_KEY = 'test-api-key-7f3a9c2e51';

interface Running {
  child: ChildProcess;
  url: string;
  /** Everything the process printed, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
}

/** The real entry point (`src/index.ts`) in its own process, as production runs it; or the README's `npm start`. */
async function startProcess(
  env: Record<string, string>,
  command: string[] = [process.execPath, '--import', 'tsx', 'src/index.ts'],
): Promise<Running> {
  const [program, ...args] = command;
  const child = spawn(program!, args, {
    // A private in-memory archive: an answer archived by an earlier run must not replace a vendor call.
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'debug', DATA_DIR: 'memory://', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in: ${printed}`)), 60_000);
    const look = (): void => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(printed);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', look);
    void exited.then(() => reject(new Error(`exited early: ${printed}`)));
  });
  return { child, url, output: () => printed, exited };
}

async function post(url: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}

describe('the running process', () => {
  let fakes: VendorFakes;
  beforeAll(async () => {
    fakes = await startVendorFakes();
  });
  afterAll(() => fakes?.close());

  it('never prints a secret, whatever it is asked (debug logs, vendor errors, bad keys)', async () => {
    const running = await startProcess({ ...fakes.env, API_KEYS: API_KEY });
    await post(
      running.url,
      `{
        j: campaigns(vendor: JPUSH, ids: ["7900000001", "7900000404"]) { id funnel { target } channels { channel } }
        t: campaigns(vendor: TENCENT, ids: ["secret-test-1"]) { id funnel { target } lossReasons { errorCode } }
        a: campaigns(vendor: ALIYUN, ids: ["510427"]) { id funnel { target } sms { sent } }
        d: deviceTrace(taskId: "secret-test-1", userId: "u1") { instanceId }
      }`,
    );
    fakes.jpush.failNext({ status: 401, code: 3001, message: 'Basic authentication failed' });
    fakes.aliyun.failNext('SignatureDoesNotMatch', { status: 400 });
    fakes.tencent.failNext('all_member_push_statistics', 70009);
    const failing = await post(
      running.url,
      `{
        j: campaign(vendor: JPUSH, id: "7900000002") { id }
        t: campaign(vendor: TENCENT, id: "secret-test-2") { id }
        a: campaign(vendor: ALIYUN, id: "510429") { id }
      }`,
    );
    expect(failing.body.errors.map((error: { extensions: { code: string } }) => error.extensions.code)).toEqual([
      'VENDOR_ERROR',
      'VENDOR_ERROR',
      'VENDOR_ERROR',
    ]);
    // Echoing vendors (or proxies): each puts the whole request, credentials included, in its error text.
    fakes.jpush.server.injectFault(
      { kind: 'echo', reply: (echo) => ({ status: 400, body: { error: { code: 1003, message: echo } } }) },
      { times: 1 },
    );
    fakes.tencent.injectFault(
      { kind: 'echo', reply: (echo) => ({ status: 200, body: { ActionStatus: 'FAIL', ErrorCode: 70009, ErrorInfo: echo } }) },
      { times: 1 },
    );
    fakes.aliyun.server.injectFault(
      { kind: 'echo', reply: (echo) => ({ status: 400, body: { Code: 'InvalidParameter', Message: echo, RequestId: 'r-1' } }) },
      { times: 1 },
    );
    const echoed = await post(
      running.url,
      `{
        j: campaign(vendor: JPUSH, id: "7900000003") { id }
        t: campaign(vendor: TENCENT, id: "secret-test-3") { id }
        a: campaign(vendor: ALIYUN, id: "510431") { id }
      }`,
    );
    const vendorMessages = echoed.body.errors.map((error: { extensions: { vendorMessage: string } }) => error.extensions.vendorMessage);
    // The echo reached pushgraph, cut: Basic credentials, UserSig and Signature alike.
    expect(vendorMessages).toHaveLength(3);
    for (const message of vendorMessages) expect(message).toContain('[REDACTED]');
    expect((await post(running.url, '{ __typename }', { authorization: 'Bearer wrong-key' })).status).toBe(401);
    const health = await (await fetch(`${running.url}/health`)).text();
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);

    const usersigs = fakes.tencent.requests.map((request) => request.query.get('usersig')!);
    const signatures = fakes.aliyun.server.requests.map((request) => request.query.get('Signature')!);
    const basic = Buffer.from(`${fakes.jpush.appKey}:${TEST_SECRETS.jpushMasterSecret}`).toString('base64');
    const secrets = [...Object.values(TEST_SECRETS), API_KEY, basic, ...usersigs, ...signatures];
    expect(usersigs.length).toBeGreaterThan(0);
    expect(signatures.length).toBeGreaterThan(0);
    const printed = running.output();
    expect(printed).toContain('vendor call'); // debug logging was on, so there was something to leak
    const decodedBasic = `${fakes.jpush.appKey}:${TEST_SECRETS.jpushMasterSecret}`;
    for (const text of [printed, health, metrics, JSON.stringify(failing.body), JSON.stringify(echoed.body)]) {
      expect(text.includes(decodedBasic)).toBe(false);
      expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
    }
  });

  it('on SIGTERM finishes the query in flight, then exits 0', async () => {
    const running = await startProcess(fakes.env);
    fakes.jpush.server.injectFault({ kind: 'slow', ms: 1_500 }, { times: 1 });
    const inFlight = post(running.url, '{ campaign(vendor: JPUSH, id: "7900000010") { id funnel { target } } }');
    await new Promise((resolve) => setTimeout(resolve, 300));
    running.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.data.campaign.id).toBe('7900000010');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('shutting down');
  });

  it('started with `npm start`, SIGTERM to npm reaches the server: it drains and the whole tree exits 0', async () => {
    // npm runs the script through `sh -c`; without `exec` the shell kept node alive after npm had gone.
    const running = await startProcess(fakes.env, ['npm', 'start', '--silent']);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('shutting down');
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  }, 90_000);

  it('a script that starts the app, archives an answer and closes it exits by itself: no handle stays open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pushgraph-embed-'));
    const app = JSON.stringify(resolve('src/app.ts'));
    const script = `
      import { startApp } from ${app};
      const app = await startApp({ port: 0, env: { ...process.env, DATA_DIR: ${JSON.stringify(dataDir)} } });
      await app.archive.ready();
      const response = await fetch(app.url + '/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ campaign(vendor: JPUSH, id: "7900000011") { id funnel { target } } }' }),
      });
      console.log('answered', response.status);
      await app.close();
      console.log('closed');`;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...fakes.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let printed = '';
      child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      expect([code, printed.match(/answered \d+|closed/g)]).toEqual([0, ['answered 200', 'closed']]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
