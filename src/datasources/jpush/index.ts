import type { JPushAppEntry, JPushGroupEntry } from '../../apps.js';
import { intVar } from '../../config.js';
import { VendorHttp } from '../http.js';
import type { VendorDeps, VendorRuntime } from '../vendor.js';
import { JPushClient } from './client.js';
import { JPushGroupClient } from './group-client.js';
import { JPushGroupLoaders } from './group-loader.js';
import { startJPushGroupSimulator, type JPushGroupSimulator } from './group-simulator.js';
import { JPushLoaders, type JPushSource } from './loader.js';
import { JPushQuota } from './quota.js';
import { startJPushSimulator, type JPushSimulator } from './simulator.js';

export type { JPushSource } from './loader.js';
export { startJPushSimulator, type JPushSimulator, type JPushSimulatorOptions } from './simulator.js';
export { startJPushGroupSimulator, type JPushGroupSimulator } from './group-simulator.js';

/**
 * JPush calls of one app in flight at once: the free plan's 2400 calls/min are 40/s, which 8
 * calls of ~200 ms keep up with, while a burst (1000 `deliveryStatus` fields) holds at most 8
 * answers of up to 1000 devices in memory at a time and cannot flood JPush.
 */
const JPUSH_DEFAULT_MAX_CONCURRENCY = 8;

/**
 * One JPush app or app group (a PUSHGRAPH_APPS entry, or `default` from JPUSH_APP_KEY /
 * JPUSH_MASTER_SECRET): live against its `reportUrl` with credentials, else against a built-in
 * simulator of its own with demo credentials, through the same client (simulated).
 */
export function startJPushApp(deps: VendorDeps, entry: JPushAppEntry | JPushGroupEntry): Promise<VendorRuntime<JPushSource>> {
  return entry.kind === 'group' ? startGroup(deps, entry) : startApp(deps, entry);
}

async function startApp(deps: VendorDeps, entry: JPushAppEntry): Promise<VendorRuntime<JPushSource>> {
  let simulator: JPushSimulator | undefined;
  const target = entry.credentials ? { ...entry.credentials, baseUrl: entry.reportUrl } : (simulator = await startJPushSimulator());
  const client = new JPushClient({ ...target, http: jpushHttp(deps, entry, target.masterSecret, target.appKey) });
  const loaders = new JPushLoaders({
    client,
    cache: deps.cache,
    ttlMs: deps.config.cacheTtlSeconds * 1000,
    logger: deps.logger,
    app: entry.name,
  });
  return runtime(entry, simulator, (signal) => loaders.createSource(signal));
}

async function startGroup(deps: VendorDeps, entry: JPushGroupEntry): Promise<VendorRuntime<JPushSource>> {
  let simulator: JPushGroupSimulator | undefined;
  const target = entry.credentials ? { ...entry.credentials, baseUrl: entry.reportUrl } : (simulator = await startJPushGroupSimulator());
  const { groupKey, groupSecret, baseUrl } = target;
  // The group's quota is its own (JPush counts it per group key), not its apps'.
  const client = new JPushGroupClient({ baseUrl, groupKey, groupSecret, http: jpushHttp(deps, entry, groupSecret, `group-${groupKey}`) });
  const loaders = new JPushGroupLoaders({ client, cache: deps.cache, ttlMs: deps.config.cacheTtlSeconds * 1000, app: entry.name });
  return runtime(entry, simulator, () => loaders.createSource());
}

/** The app's HTTP layer: breakers, retries and the per-minute quota JPush counts per `quotaKey`, whichever replica calls. */
function jpushHttp(deps: VendorDeps, entry: JPushAppEntry | JPushGroupEntry, secret: string, quotaKey: string): VendorHttp {
  return new VendorHttp({
    vendor: 'JPUSH',
    app: entry.name,
    timeoutMs: deps.config.vendorTimeoutMs,
    logger: deps.logger,
    metrics: deps.metrics,
    gate: new JPushQuota({ shared: deps.sharedQuotas?.minuteQuota(`jpush:${quotaKey}`) }),
    maxConcurrency: intVar(deps.env, 'JPUSH_MAX_CONCURRENCY', JPUSH_DEFAULT_MAX_CONCURRENCY, 1),
    secrets: [secret],
  });
}

function runtime(
  entry: JPushAppEntry | JPushGroupEntry,
  simulator: { close(): Promise<void> } | undefined,
  createSource: (signal?: AbortSignal) => JPushSource,
): VendorRuntime<JPushSource> {
  return {
    vendor: 'JPUSH',
    app: entry.name,
    mode: simulator ? 'simulated' : 'live',
    createSource,
    close: async () => {
      await simulator?.close();
    },
  };
}
