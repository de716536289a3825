import type { BenchFakes } from './fakes.js';
import type { Report } from './report.js';
import type { ServerProcess } from './server-process.js';

/** What every scenario gets from the driver. */
export interface BenchContext {
  fakes: BenchFakes;
  /** pushgraph, in its own process, pointed at the fakes. */
  service: ServerProcess;
  report: Report;
  /** Added by every fake vendor to every answer. */
  latencyMs: number;
  /** Another pushgraph like `service`, with an empty answer cache and archive; the caller stops it. */
  startService(): Promise<ServerProcess>;
  /** The framework's floor (bench/floor.ts), started on first use, in its own process; stopped by the driver. */
  floor(): Promise<ServerProcess>;
  /** Starts the naive wrapper (bench/naive.ts) in its own process, pointed at the JPush fake. */
  startNaive(): Promise<ServerProcess>;
  /** Raw measurements per scenario, for results.json. */
  raw: Record<string, unknown>;
}
