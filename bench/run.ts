import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchContext } from './context.js';
import { BENCH_JPUSH_QUOTA, startBenchFakes } from './fakes.js';
import { mainThreadProfile, summarizeProfile } from './profile.js';
import { Report } from './report.js';
import { vendorCalls } from './scenarios/calls.js';
import { naiveBaseline } from './scenarios/naive.js';
import { latencyOverhead } from './scenarios/overhead.js';
import { scale } from './scenarios/scale.js';
import { tencentQuota } from './scenarios/tencent.js';
import { hotThroughput } from './scenarios/throughput.js';
import type { ServerKind } from './protocol.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/*
 * `npm run bench`: pushgraph and fake vendors on loopback, six scenarios, one line per figure,
 * bench/results.json. Figures are ratios measured in the same run (absolute times are not
 * comparable across runs on a noisy machine). Exits 1 if a vendor-call ratio is not 1.00.
 *
 *   --latency-ms=30      what every fake vendor adds to every answer
 *   --only=1,3           run only these scenarios (the call-ratio check covers what ran)
 *   --profile            every server runs with --cpu-prof; their main threads are summarized at the end
 *   --without-archive    diagnostic: pushgraph without its campaign archive (see bench/protocol.ts)
 */

const SCENARIOS: Record<number, (context: BenchContext) => Promise<void>> = {
  1: vendorCalls,
  2: latencyOverhead,
  3: hotThroughput,
  4: naiveBaseline,
  5: tencentQuota,
  6: scale,
};

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** One operation may carry the largest N of the bench (5000 JPush ids, as aliases too). */
const MAX_IDS = 5000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'latency-ms': { type: 'string', default: '30' },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'without-archive': { type: 'boolean', default: false },
    },
  });
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error('--latency-ms must be a whole number of milliseconds');
  const selected = values.only ? values.only.split(',').map(Number) : Object.keys(SCENARIOS).map(Number);
  const profileDir = values.profile ? join(BENCH_DIR, 'profiles') : undefined;

  const machine = {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
  };
  console.log(
    `pushgraph bench: ${machine.nproc} × ${machine.cpu}, ${machine.memoryGiB} GiB, node ${machine.node}; vendor latency ${latencyMs} ms`,
  );
  if (values['without-archive']) console.log('DIAGNOSTIC RUN: pushgraph without its campaign archive');

  const started = performance.now();
  const fakes = await startBenchFakes(latencyMs);
  // Each service keeps its archive on disk in a throwaway directory, as `npm start` does in ./data.
  const dataRoot = mkdtempSync(join(tmpdir(), 'pushgraph-bench-'));
  let services = 0;
  const serviceEnv = (): Record<string, string> => ({
    ...fakes.env,
    NODE_ENV: 'production',
    DATA_DIR: join(dataRoot, String(services++)),
    MAX_IDS_PER_REQUEST: String(MAX_IDS),
    // The refresher re-fetches archived campaigns on its own schedule (its own budgeted calls, none
    // due within minutes): off, so every vendor call counted here answers a query.
    ARCHIVE_REFRESH: 'false',
    // The 5000-id operations stall the loop past the default shedding threshold on a loaded 2-core
    // machine: the bench measures the work, it does not want it refused (503 OVERLOADED).
    MAX_EVENT_LOOP_DELAY_MS: '60000',
    // One client (autocannon on loopback) sends thousands of requests a minute: not a caller to limit.
    RATE_LIMIT_PER_MINUTE: '1000000000',
  });
  const servers: ServerProcess[] = [];
  const start = async (kind: ServerKind, env: Record<string, string>): Promise<ServerProcess> => {
    const server = await startServerProcess(kind, env, { cpuProfileDir: profileDir });
    servers.push(server);
    return server;
  };
  const otherEnv = { ...fakes.env, NODE_ENV: 'production' };
  const serviceKind: ServerKind = values['without-archive'] ? 'service-without-archive' : 'service';
  const service = await start(serviceKind, serviceEnv());
  let floor: Promise<ServerProcess> | undefined;
  const report = new Report();
  // At rest: just started, its embedded archive open on disk (DATA_DIR), nothing asked yet; the floor beside it.
  {
    const restingFloor = await (floor ??= start('floor', otherEnv));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [ours, theirs] = await Promise.all([service.usage(), restingFloor.usage()]);
    const MiB = 2 ** 20;
    report.add({
      scenario: 0,
      key: 'rest.rss',
      label: 'RSS at rest after start (archive open on disk)',
      value: ours.rss / MiB,
      unit: 'MiB',
      detail: `floor (bare Apollo, same dependencies loaded): ${(theirs.rss / MiB).toFixed(0)} MiB; compiled JavaScript, no tsx`,
      verdict: { kind: 'goal', target: 'goal ≤ 160', pass: ours.rss / MiB <= 160 },
    });
  }
  const context: BenchContext = {
    fakes,
    service,
    report,
    latencyMs,
    startService: () => start(serviceKind, serviceEnv()),
    floor: () => (floor ??= start('floor', otherEnv)),
    startNaive: () => start('naive', otherEnv),
    raw: {},
  };
  try {
    for (const scenario of selected) {
      const run = SCENARIOS[scenario];
      if (!run) throw new Error(`no scenario ${scenario}`);
      await run(context);
    }
  } finally {
    await service.stop();
    await (await floor)?.stop();
    await fakes.close();
    rmSync(dataRoot, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;

  const failed = report.failedChecks();
  const missed = report.missedGoals();
  console.log(
    `\n${report.figures.length} figures in ${seconds.toFixed(0)} s; ${failed.length} failed checks, ${missed.length} missed goals`,
  );
  for (const figure of failed) console.log(`  FAILED: ${figure.label} = ${figure.value.toFixed(2)} (${figure.detail ?? ''})`);
  const results = {
    date: new Date().toISOString(),
    machine,
    settings: {
      latencyMs,
      jpushQuotaPerMinute: BENCH_JPUSH_QUOTA,
      maxIdsPerRequest: MAX_IDS,
      scenarios: selected,
      service: service.kind,
    },
    seconds: Math.round(seconds),
    figures: report.figures,
    raw: context.raw,
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('wrote bench/results.json');
  if (profileDir) for (const server of servers) summarizeProfile(server.kind, mainThreadProfile(profileDir, server.pid));
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
