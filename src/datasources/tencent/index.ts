import { nonEmpty, type Env } from '../../config.js';
import type { DeviceTrace } from '../../domain.js';
import { VendorHttp } from '../http.js';
import type { CampaignSource, VendorDeps, VendorRuntime } from '../vendor.js';
import { TENCENT_DEFAULT_API_URL, TencentClient } from './client.js';
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

export interface TencentSettings {
  /** Undefined = TENCENT_SDK_APP_ID and TENCENT_SECRET_KEY unset: the built-in simulator answers. */
  credentials: TencentCredentials | undefined;
  adminId: string;
  apiUrl: string;
}

/** CONTRACT "Configuration": SDKAppID + secret key set = live; `TENCENT_ADMIN_ID` defaults to `administrator`. */
export function readTencentSettings(env: Env): TencentSettings {
  const sdkAppId = nonEmpty(env.TENCENT_SDK_APP_ID);
  const secretKey = nonEmpty(env.TENCENT_SECRET_KEY);
  const adminId = nonEmpty(env.TENCENT_ADMIN_ID) ?? 'administrator';
  // A half-configured deployment must not quietly serve simulated figures as if they were live.
  if ((sdkAppId === undefined) !== (secretKey === undefined)) {
    throw new Error(
      `Tencent TIMPush needs TENCENT_SDK_APP_ID and TENCENT_SECRET_KEY together (neither = simulator); missing: ${sdkAppId === undefined ? 'TENCENT_SDK_APP_ID' : 'TENCENT_SECRET_KEY'}`,
    );
  }
  if (sdkAppId !== undefined && !/^\d+$/.test(sdkAppId)) throw new Error('TENCENT_SDK_APP_ID must be the numeric SDKAppID');
  return {
    credentials: sdkAppId && secretKey ? { sdkAppId, secretKey, adminId } : undefined,
    adminId,
    apiUrl: nonEmpty(env.TENCENT_API_URL) ?? TENCENT_DEFAULT_API_URL,
  };
}

/** Starts the Tencent TIMPush datasource: live with credentials, else against the built-in simulator. */
export async function startTencent(deps: VendorDeps): Promise<VendorRuntime<TencentSource>> {
  const settings = readTencentSettings(deps.env);
  const { credentials, apiUrl, simulator } = await connect(settings);
  const http = new VendorHttp({
    vendor: 'TENCENT',
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
    mode: simulator ? 'simulated' : 'live',
    createSource: (signal) => createTencentSource(batchers, 'default', signal),
    close: async () => {
      await simulator?.close();
    },
  };
}

/** Where calls go: Tencent with the configured credentials, or a fresh simulator with its demo ones. */
async function connect(
  settings: TencentSettings,
): Promise<{ credentials: TencentCredentials; apiUrl: string; simulator?: TencentSimulator }> {
  if (settings.credentials) return { credentials: settings.credentials, apiUrl: settings.apiUrl };
  const simulator = await startTencentSimulator({ adminId: settings.adminId });
  return { credentials: simulator.credentials, apiUrl: simulator.url, simulator };
}
