import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startStandaloneServer } from '@apollo/server/standalone';
import { startApp } from '../src/app.js';
import { readApps } from '../src/apps.js';
import { countingCache, LruAnswerCache } from '../src/cache.js';
import { readConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { closeVendors, startVendors } from '../src/datasources/index.js';
import { localSlotClocks } from '../src/datasources/slot-clock.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';
import { buildServer } from '../src/server.js';
import { startFloor } from './floor.js';
import { startNaive } from './naive.js';
import type { ChildMessage, ChildRequest, ProcessUsage, ServerKind } from './protocol.js';

/*
 * One server of the bench, in a process of its own (started by bench/run.ts with an IPC channel):
 * its CPU time and memory are then its own, and it gets a core of the machine to itself instead of
 * sharing the driver's event loop with the load generator and the fake vendors.
 */

const send = (message: ChildMessage): void => {
  process.send?.(message);
};

/** Linux keeps the peak RSS in VmHWM; writing 5 to clear_refs resets it (proc(5)). */
function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: the process-lifetime peak is the best there is.
  }
  return process.resourceUsage().maxRSS * 1024;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function resetPeak(): void {
  loopDelay.reset();
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux: peaks stay process-lifetime peaks.
  }
}

function usage(gc: boolean): ProcessUsage {
  // --expose-gc is given by the driver. The collection comes before the CPU reading, so a reading
  // taken as a baseline does not charge the collection to what is measured next.
  // Twice: what the first collection only finalizes, the second frees, so baselines are stable.
  if (gc) {
    globalThis.gc?.();
    globalThis.gc?.();
  }
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    userMicros: cpu.user,
    systemMicros: cpu.system,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    rss: memory.rss,
    peakRss: peakRss(),
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function start(kind: ServerKind): Promise<{ url: string; stop(): Promise<void>; setCampaigns?(campaigns: unknown[]): void }> {
  switch (kind) {
    case 'service': {
      const app = await startApp({ env: process.env, port: 0, logger: createLogger() });
      return { url: `${app.url}/graphql`, stop: () => app.close() };
    }
    case 'service-without-archive': {
      // startApp's parts (config, metrics, counted LRU answer cache, vendors, Apollo with its
      // limits and plugins), without the Archive and without Redis (the bench sets no REDIS_URL).
      const config = readConfig(process.env);
      const logger = createLogger();
      const metrics = new Metrics();
      const cache = countingCache(new LruAnswerCache(), (outcome) => metrics.cacheLookups.inc({ outcome }));
      const vendors = await startVendors(
        { config, env: process.env, cache, logger, metrics, slotClocks: localSlotClocks },
        readApps(process.env),
      );
      const apollo = buildServer({ logger, config, responseCache: new InMemoryLRUCache<string>({ maxSize: 4 * 1024 * 1024 }) });
      const { url } = await startStandaloneServer(apollo, {
        listen: { port: 0, host: '127.0.0.1' },
        context: async () => createContext(vendors),
      });
      return {
        url: `${url.replace(/\/$/, '')}/graphql`,
        stop: async () => {
          await apollo.stop();
          await closeVendors(vendors);
        },
      };
    }
    case 'floor':
      return startFloor();
    case 'naive':
      return startNaive({
        baseUrl: required('JPUSH_REPORT_URL'),
        appKey: required('JPUSH_APP_KEY'),
        masterSecret: required('JPUSH_MASTER_SECRET'),
      });
  }
}

const kind = process.argv[2];
const KINDS: readonly ServerKind[] = ['service', 'service-without-archive', 'floor', 'naive'];
const isKind = (value: string | undefined): value is ServerKind => KINDS.includes(value as ServerKind);
if (!isKind(kind)) throw new Error(`unknown server kind ${String(kind)}`);

start(kind).then(
  (server) => {
    process.on('message', (message: ChildRequest) => {
      switch (message.type) {
        case 'usage':
          return send({ type: 'usage', id: message.id, usage: usage(message.gc) });
        case 'resetPeak':
          resetPeak();
          return send({ type: 'done', id: message.id });
        case 'floorData':
          server.setCampaigns?.(message.campaigns);
          return send({ type: 'done', id: message.id });
        case 'stop':
          void server.stop().then(() => {
            send({ type: 'done', id: message.id });
            // A normal exit, so --cpu-prof writes its profile.
            process.disconnect();
            process.exit(0);
          });
      }
    });
    send({ type: 'ready', url: server.url });
  },
  (error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
