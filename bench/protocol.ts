/**
 * The messages between the bench driver (bench/run.ts) and a server it runs in a child process
 * (bench/child.ts). Every server runs in its own process, so its CPU and memory are its own and
 * the driver (load generator, fake vendors) does not share its event loop.
 */

/** What a child process serves. */
export type ServerKind =
  /** pushgraph itself, through startApp (what src/index.ts runs). */
  | 'service'
  /**
   * Diagnostic (`--without-archive`): pushgraph's schema, resolvers, limits, vendors and answer
   * cache without the campaign archive, served by startStandaloneServer. It tells how much of a
   * figure the archive accounts for.
   */
  | 'service-without-archive'
  /** The framework's floor: a minimal Apollo Server answering the same JSON from memory. */
  | 'floor'
  /** A hand-written wrapper without batching: one JPush call per campaign. */
  | 'naive';

/** Driver → child. */
export type ChildRequest =
  /** Answer the process's own CPU and memory figures; `gc` runs a full collection first. */
  | { type: 'usage'; id: number; gc: boolean }
  /** Forget the peak RSS and the longest event-loop stall so far, so the next `usage` shows new peaks. */
  | { type: 'resetPeak'; id: number }
  /** Serve this body for `campaigns` (floor only). */
  | { type: 'floorData'; id: number; campaigns: unknown[] }
  /** Close the server and exit (writes the CPU profile when started with --cpu-prof). */
  | { type: 'stop'; id: number };

export interface ProcessUsage {
  /** process.cpuUsage(), µs. */
  userMicros: number;
  systemMicros: number;
  heapUsed: number;
  /** V8's heap as reserved from the system (heapUsed is what lives in it). */
  heapTotal: number;
  /** Buffers and other memory held outside the V8 heap. */
  external: number;
  rss: number;
  /** Peak RSS since start or the last `resetPeak` (VmHWM), bytes. */
  peakRss: number;
  /** Longest event-loop stall since start or the last `resetPeak`, ms (monitorEventLoopDelay). */
  loopDelayMaxMs: number;
}

/** Child → driver. */
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'usage'; id: number; usage: ProcessUsage }
  | { type: 'done'; id: number }
  | { type: 'failed'; message: string };
