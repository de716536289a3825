import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { basicAuthorization } from '../src/datasources/jpush/client.js';
import { startBenchFakes } from './fakes.js';
import { CALL_FIELDS, campaignsQuery, DASHBOARD_FIELDS, gql } from './graphql.js';
import { jpushIds } from './ids.js';
import { mainThreadProfile } from './profile.js';
import { startServerProcess } from './server-process.js';
import { median } from './stats.js';

/*
 * Where a cold 100-campaign query spends its time, by phase: `npx tsx bench/cold-trace.ts`.
 * Direct messages/detail calls and cold pushgraph queries alternate (fresh ids each), `--gap-ms`
 * apart so the work a request leaves behind (archive writes) is measured on its own. The service
 * runs with bench/trace-preload.mjs: before its vendor call, the call, after it until the answer
 * is written, busy after the answer. With --profile, the service's self time per phase.
 *
 *   --shape=list|dashboard   the query (scenario 2's two shapes)
 *   --iterations=40          after 10 of warm-up
 *   --gap-ms=200             pause after every probe
 *   --profile                CPU profile of the service, split by phase (TOP=30: lines per phase, default 12)
 */

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: 'list' },
    iterations: { type: 'string', default: '40' },
    'gap-ms': { type: 'string', default: '200' },
    profile: { type: 'boolean', default: false },
  },
});
const WARMUP = 10;
const iterations = Number(values.iterations);
const gapMs = Number(values['gap-ms']);
const query = campaignsQuery('JPUSH', values.shape === 'dashboard' ? DASHBOARD_FIELDS : CALL_FIELDS.JPUSH);

interface Trace {
  start: number;
  vendorCreated: number;
  vendorDone: number;
  finish: number;
  busyMs: number;
  busyAfterMs: number;
}

const fakes = await startBenchFakes(30);
const dir = mkdtempSync(join(tmpdir(), 'pushgraph-cold-trace-'));
const traceFile = join(dir, 'trace.jsonl');
writeFileSync(traceFile, '');
const profileDir = values.profile ? join(dir, 'profiles') : undefined;
const service = await startServerProcess(
  'service',
  {
    ...fakes.env,
    NODE_ENV: 'production',
    DATA_DIR: join(dir, 'data'),
    ARCHIVE_REFRESH: 'false',
    TRACE_OUT: traceFile,
    NODE_OPTIONS: `--import ${fileURLToPath(new URL('trace-preload.mjs', import.meta.url))}`,
  },
  { cpuProfileDir: profileDir },
);
const authorization = basicAuthorization(fakes.jpush.appKey, fakes.jpush.masterSecret);
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, gapMs));
const ours: number[] = [];
const direct: number[] = [];
for (let i = 0; i < WARMUP + iterations; i++) {
  let started = performance.now();
  const response = await fetch(`${fakes.jpush.baseUrl}/messages/detail?msg_ids=${jpushIds(100).join(',')}`, { headers: { authorization } });
  await response.text();
  const directMs = performance.now() - started;
  await pause();
  started = performance.now();
  await gql(service.url, query, { ids: jpushIds(100) });
  if (i >= WARMUP) {
    ours.push(performance.now() - started);
    direct.push(directMs);
  }
  await pause();
}
await new Promise((resolve) => setTimeout(resolve, 300));
await service.stop();
await fakes.close();

const traces = (
  readFileSync(traceFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line)) as Trace[]
).slice(WARMUP);
const ms = (pick: (trace: Trace) => number): string => median(traces.map(pick)).toFixed(1);
console.log(`cold ${values.shape}, 100 campaigns, ${iterations} iterations, ${gapMs} ms apart`);
console.log(
  `  p50 pushgraph ${median(ours).toFixed(1)} ms / direct ${median(direct).toFixed(1)} ms = ${(median(ours) / median(direct)).toFixed(2)}`,
);
console.log(
  `  service, median ms: before the vendor call ${ms((t) => (t.vendorCreated - t.start) / 1000)}, vendor call ${ms((t) => (t.vendorDone - t.vendorCreated) / 1000)}, after it until the answer is written ${ms((t) => (t.finish - t.vendorDone) / 1000)}`,
);
console.log(
  `  event loop busy: ${ms((t) => t.busyMs)} ms during the request, ${ms((t) => t.busyAfterMs)} ms in the 150 ms after its answer`,
);

if (profileDir) {
  const profile = JSON.parse(readFileSync(mainThreadProfile(profileDir, service.pid), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const phases = ['before the vendor call', 'vendor call', 'after it', 'after the answer'] as const;
  const phaseOf = (at: number): (typeof phases)[number] | undefined => {
    const trace = traces.find((t) => at >= t.start && at <= t.finish + 150_000);
    if (!trace) return undefined;
    return at < trace.vendorCreated ? phases[0] : at < trace.vendorDone ? phases[1] : at <= trace.finish ? phases[2] : phases[3];
  };
  const self = new Map(phases.map((phase) => [phase, new Map<string, number>()]));
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    const frame = frames.get(id);
    const phase = phaseOf(at);
    if (!frame || !phase || frame.functionName === '(idle)') return;
    const name = `${frame.functionName || '(anonymous)'}  ${frame.url.includes('/node_modules/') ? frame.url.replace(/^.*\/node_modules\//, '') : frame.url.replace(/^.*\/dist\//, 'dist/')}:${frame.lineNumber + 1}`;
    const byName = self.get(phase)!;
    byName.set(name, (byName.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  for (const [phase, byName] of self) {
    const total = [...byName.values()].reduce((sum, micros) => sum + micros, 0);
    console.log(`\n${phase}: ${(total / 1000 / traces.length).toFixed(2)} ms of CPU per request (profiled), top self time:`);
    for (const [name, micros] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 12))) {
      console.log(`  ${(micros / 1000 / traces.length).toFixed(2).padStart(6)} ms  ${name}`);
    }
  }
}
rmSync(dir, { recursive: true, force: true });
