import type { TencentAppEntry } from '../../apps.js';
import type { DeviceTrace } from '../../domain.js';
import { VendorHttp } from '../http.js';
import type { CampaignSource, VendorDeps, VendorRuntime } from '../vendor.js';
import { TencentClient } from './client.js';
import { createTencentBatchers, createTencentSource } from './loader.js';
import { startTencentSimulator, type TencentSimulator } from './simulator.js';
import type { TencentCredentials } from './types.js';

export interface TencentSource extends CampaignSource {
  /** `all_member_push_trace`: one task's path to one user's devices ([] when Tencent has no record). */
  deviceTrace(taskId: string, userId: string): Promise<DeviceTrace[]>;
}

/**
 * Every TIMPush report API allows 1 call per second per SDKAppID, measured by Tencent when the
 * call arrives: 100 ms of margin absorbs the difference in travel time between two calls.
 */
export const TENCENT_SLOT_INTERVAL_MS = 1_100;

/**
 * One Tencent app (a PUSHGRAPH_APPS entry, or `default` from TENCENT_SDK_APP_ID /
 * TENCENT_SECRET_KEY): live with credentials, else against a built-in simulator of its own.
 */
export async function startTencentApp(deps: VendorDeps, entry: TencentAppEntry): Promise<VendorRuntime<TencentSource>> {
  const { credentials, apiUrl, simulator } = await connect(entry);
  const http = new VendorHttp({
    vendor: 'TENCENT',
    app: entry.name,
    timeoutMs: deps.config.vendorTimeoutMs,
    logger: deps.logger,
    metrics: deps.metrics,
    // One attempt per call: a retry is a call like any other and must wait for a slot, so the
    // scheduler makes it (loader.ts), never the HTTP layer.
    retry: { attempts: 1 },
    secrets: [credentials.secretKey],
  });
  const client = new TencentClient({ baseUrl: apiUrl, credentials, http });
  const shared = deps.sharedQuotas;
  const batchers = createTencentBatchers({
    client,
    cache: deps.cache,
    ttlMs: deps.config.cacheTtlSeconds * 1000,
    sdkAppId: credentials.sdkAppId,
    // Keyed by SDKAppID and API: Tencent counts each API's calls per app, across all our replicas.
    clock: (api) => deps.slotClocks(`tencent:${credentials.sdkAppId}:${api}`, TENCENT_SLOT_INTERVAL_MS),
    shared: shared && ((api) => shared.queue(`tencent:${credentials.sdkAppId}:${api}`, TENCENT_SLOT_INTERVAL_MS)),
    // Every attempt of a shared call: its slot wait and the vendor's timeout.
    leaseMs: 3 * (2 * TENCENT_SLOT_INTERVAL_MS + deps.config.vendorTimeoutMs),
  });
  return {
    vendor: 'TENCENT',
    app: entry.name,
    mode: simulator ? 'simulated' : 'live',
    createSource: (signal) => createTencentSource(batchers, entry.name, signal),
    close: async () => {
      await simulator?.close();
    },
  };
}

/** Where calls go: Tencent with the entry's credentials, or a fresh simulator with its demo ones. */
async function connect(entry: TencentAppEntry): Promise<{ credentials: TencentCredentials; apiUrl: string; simulator?: TencentSimulator }> {
  if (entry.credentials) return { credentials: { ...entry.credentials, adminId: entry.adminId }, apiUrl: entry.apiUrl };
  const simulator = await startTencentSimulator({ adminId: entry.adminId });
  return { credentials: simulator.credentials, apiUrl: simulator.url, simulator };
}
