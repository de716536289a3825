import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The parts of a V8 .cpuprofile (Chrome DevTools format) the summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * The main thread's profile of process `pid` in `dir`. Node names them
 * `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; the main thread is thread 0 (the tsx
 * loader has its own).
 */
export function mainThreadProfile(dir: string, pid: number): string {
  const name = readdirSync(dir).find((file) => new RegExp(`^CPU\\.\\d+\\.\\d+\\.${pid}\\.0\\.\\d+\\.cpuprofile$`).test(file));
  if (!name) throw new Error(`no CPU profile of process ${pid}'s main thread in ${dir}`);
  return join(dir, name);
}

/** Prints the functions with the most self time (by sampled time), grouped by function and file; idle time left out. */
export function summarizeProfile(label: string, path: string, top = 25): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = byNode.get(nodeId)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(ROOT, '');
    const name = `${frame.functionName || '(anonymous)'}  ${file ? `${file}:${frame.lineNumber + 1}` : ''}`;
    selfMicros.set(name, (selfMicros.get(name) ?? 0) + delta);
    total += delta;
  });
  console.log(`\nCPU profile of the ${label} (${path}), self time:`);
  for (const [name, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
}
