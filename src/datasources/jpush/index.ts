import { intVar, nonEmpty } from '../../config.js';
import { VendorHttp } from '../http.js';
import type { VendorDeps, VendorRuntime } from '../vendor.js';
import { DEFAULT_REPORT_URL, JPushClient } from './client.js';
import { JPushLoaders, type JPushSource } from './loader.js';
import { JPushQuota } from './quota.js';
import { startJPushSimulator, type JPushSimulator } from './simulator.js';

export type { JPushSource } from './loader.js';
export { startJPushSimulator, type JPushSimulator, type JPushSimulatorOptions } from './simulator.js';

/**
 * JPush calls of one process in flight at once: the free plan's 2400 calls/min are 40/s, which 8
 * calls of ~200 ms keep up with, while a burst (1000 `deliveryStatus` fields) holds at most 8
 * answers of up to 1000 devices in memory at a time and cannot flood JPush.
 */
const JPUSH_DEFAULT_MAX_CONCURRENCY = 8;

/**
 * JPush Report API v3. With `JPUSH_APP_KEY` and `JPUSH_MASTER_SECRET` both set it calls
 * `JPUSH_REPORT_URL` (live); with neither it starts the built-in simulator with demo credentials
 * and calls that, through the same client (simulated); with one alone it refuses to start.
 */
export async function startJPush(deps: VendorDeps): Promise<VendorRuntime<JPushSource>> {
  const appKey = nonEmpty(deps.env.JPUSH_APP_KEY);
  const masterSecret = nonEmpty(deps.env.JPUSH_MASTER_SECRET);
  let simulator: JPushSimulator | undefined;
  let target: { baseUrl: string; appKey: string; masterSecret: string };
  if (appKey !== undefined && masterSecret !== undefined) {
    target = { baseUrl: nonEmpty(deps.env.JPUSH_REPORT_URL) ?? DEFAULT_REPORT_URL, appKey, masterSecret };
  } else {
    // A half-configured deployment must not quietly serve simulated figures as if they were live.
    if (appKey !== undefined || masterSecret !== undefined) {
      throw new Error(
        `JPush needs JPUSH_APP_KEY and JPUSH_MASTER_SECRET together; missing: ${appKey === undefined ? 'JPUSH_APP_KEY' : 'JPUSH_MASTER_SECRET'}`,
      );
    }
    simulator = await startJPushSimulator();
    target = { baseUrl: simulator.baseUrl, appKey: simulator.appKey, masterSecret: simulator.masterSecret };
  }
  const http = new VendorHttp({
    vendor: 'JPUSH',
    timeoutMs: deps.config.vendorTimeoutMs,
    logger: deps.logger,
    metrics: deps.metrics,
    // JPush counts the quota per app key, whichever replica calls.
    gate: new JPushQuota({ shared: deps.sharedQuotas?.minuteQuota(`jpush:${target.appKey}`) }),
    maxConcurrency: intVar(deps.env, 'JPUSH_MAX_CONCURRENCY', JPUSH_DEFAULT_MAX_CONCURRENCY, 1),
    secrets: [target.masterSecret],
  });
  const loaders = new JPushLoaders({
    client: new JPushClient({ ...target, http }),
    cache: deps.cache,
    ttlMs: deps.config.cacheTtlSeconds * 1000,
    logger: deps.logger,
    app: 'default',
  });
  return {
    vendor: 'JPUSH',
    mode: simulator ? 'simulated' : 'live',
    createSource: (signal) => loaders.createSource(signal),
    close: async () => {
      await simulator?.close();
    },
  };
}
