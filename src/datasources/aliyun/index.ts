import type { AliyunAppEntry } from '../../apps.js';
import { intVar } from '../../config.js';
import { VendorHttp } from '../http.js';
import { Interest } from '../interest.js';
import type { CampaignSource, VendorDeps, VendorRuntime } from '../vendor.js';
import { AliyunClient } from './client.js';
import { createAliyunSource, createPushStatBatcher } from './loader.js';
import { ALIYUN_CALLS_PER_SECOND, ALIYUN_RATE_WINDOW_MS, AliyunQuotaGate } from './quota.js';
import { startAliyunSimulator, type AliyunSimulator } from './simulator.js';
import type { AliyunCredentials } from './types.js';

export type AliyunSource = CampaignSource;

/**
 * One Alibaba Cloud Push app (a PUSHGRAPH_APPS entry, or `default` from the ALIYUN_* variables):
 * live with credentials, else against a built-in simulator of its own. `gates` holds one quota gate
 * per AccessKey: Alibaba's flow control counts per AccessKey, so two apps under one key share it.
 */
export async function startAliyunApp(
  deps: VendorDeps,
  entry: AliyunAppEntry,
  gates: Map<string, AliyunQuotaGate>,
): Promise<VendorRuntime<AliyunSource>> {
  const { credentials, endpoint, simulator } = await connect(entry);
  let gate = gates.get(credentials.accessKeyId);
  if (!gate) {
    gate = new AliyunQuotaGate({
      maxConcurrency: intVar(deps.env, 'ALIYUN_MAX_CONCURRENCY', 8, 1),
      callsPerWindow: ALIYUN_CALLS_PER_SECOND,
      windowMs: ALIYUN_RATE_WINDOW_MS,
      // Whichever replica calls.
      shared: deps.sharedQuotas?.window(`aliyun:${credentials.accessKeyId}`),
    });
    gates.set(credentials.accessKeyId, gate);
  }
  const http = new VendorHttp({
    vendor: 'ALIYUN',
    app: entry.name,
    timeoutMs: deps.config.vendorTimeoutMs,
    logger: deps.logger,
    metrics: deps.metrics,
    gate,
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
    app: entry.name,
    mode: simulator ? 'simulated' : 'live',
    createSource: (signal) => createAliyunSource(batcher, interest, entry.name, signal),
    close: async () => {
      await simulator?.close();
    },
  };
}

/** Where calls go: Alibaba with the entry's credentials, or a fresh simulator with its demo ones. */
async function connect(entry: AliyunAppEntry): Promise<{ credentials: AliyunCredentials; endpoint: string; simulator?: AliyunSimulator }> {
  if (entry.credentials) return { credentials: entry.credentials, endpoint: entry.endpoint };
  const simulator = await startAliyunSimulator();
  return { credentials: simulator.credentials, endpoint: simulator.url, simulator };
}
