import { intVar, nonEmpty, type Env } from '../../config.js';
import { VendorHttp } from '../http.js';
import { Interest } from '../interest.js';
import type { CampaignSource, VendorDeps, VendorRuntime } from '../vendor.js';
import { ALIYUN_DEFAULT_ENDPOINT, AliyunClient } from './client.js';
import { createAliyunSource, createPushStatBatcher } from './loader.js';
import { ALIYUN_CALLS_PER_SECOND, ALIYUN_RATE_WINDOW_MS, AliyunQuotaGate } from './quota.js';
import { startAliyunSimulator, type AliyunSimulator } from './simulator.js';
import type { AliyunCredentials } from './types.js';

export type AliyunSource = CampaignSource;

interface AliyunSettings {
  /** Undefined = none of the three variables set: the built-in simulator answers. */
  credentials: AliyunCredentials | undefined;
  endpoint: string;
  maxConcurrency: number;
}

const CREDENTIAL_VARS = ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'ALIYUN_PUSH_APP_KEY'] as const;

/** CONTRACT "Configuration": all three credentials set = live; none = simulated. */
function readAliyunSettings(env: Env): AliyunSettings {
  const [accessKeyId, accessKeySecret, appKey] = CREDENTIAL_VARS.map((name) => nonEmpty(env[name]));
  const missing = CREDENTIAL_VARS.filter((name) => !nonEmpty(env[name]));
  // A half-configured deployment must not quietly serve simulated figures as if they were live.
  if (missing.length > 0 && missing.length < CREDENTIAL_VARS.length) {
    throw new Error(`Alibaba Cloud Push needs ${CREDENTIAL_VARS.join(', ')} together; missing: ${missing.join(', ')}`);
  }
  // Vendor doc: AppKey is an integer.
  if (appKey !== undefined && !/^\d+$/.test(appKey)) throw new Error('ALIYUN_PUSH_APP_KEY must be an integer');
  return {
    credentials: accessKeyId && accessKeySecret && appKey ? { accessKeyId, accessKeySecret, appKey } : undefined,
    endpoint: nonEmpty(env.ALIYUN_PUSH_ENDPOINT) ?? ALIYUN_DEFAULT_ENDPOINT,
    maxConcurrency: intVar(env, 'ALIYUN_MAX_CONCURRENCY', 8, 1),
  };
}

/** Starts the Alibaba Cloud Push datasource: live with credentials, else against the built-in simulator. */
export async function startAliyun(deps: VendorDeps): Promise<VendorRuntime<AliyunSource>> {
  const settings = readAliyunSettings(deps.env);
  const { credentials, endpoint, simulator } = await connect(settings);
  const http = new VendorHttp({
    vendor: 'ALIYUN',
    timeoutMs: deps.config.vendorTimeoutMs,
    logger: deps.logger,
    metrics: deps.metrics,
    gate: new AliyunQuotaGate({
      maxConcurrency: settings.maxConcurrency,
      callsPerWindow: ALIYUN_CALLS_PER_SECOND,
      windowMs: ALIYUN_RATE_WINDOW_MS,
      // Alibaba's flow control counts per AccessKey, whichever replica calls.
      shared: deps.sharedQuotas?.window(`aliyun:${credentials.accessKeyId}`),
    }),
    secrets: [credentials.accessKeySecret],
  });
  const client = new AliyunClient({ endpoint, credentials, http, logger: deps.logger });
  const interest = new Interest();
  const batcher = createPushStatBatcher({
    client,
    cache: deps.cache,
    ttlMs: deps.config.cacheTtlSeconds * 1000,
    appKey: credentials.appKey,
    interest,
  });
  return {
    vendor: 'ALIYUN',
    mode: simulator ? 'simulated' : 'live',
    createSource: (signal) => createAliyunSource(batcher, interest, 'default', signal),
    close: async () => {
      await simulator?.close();
    },
  };
}

/** Where calls go: Alibaba with the configured credentials, or a fresh simulator with its demo ones. */
async function connect(
  settings: AliyunSettings,
): Promise<{ credentials: AliyunCredentials; endpoint: string; simulator?: AliyunSimulator }> {
  if (settings.credentials) return { credentials: settings.credentials, endpoint: settings.endpoint };
  const simulator = await startAliyunSimulator();
  return { credentials: simulator.credentials, endpoint: simulator.url, simulator };
}
