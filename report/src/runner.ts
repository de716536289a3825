// Splits a selection into per-vendor batches, fires them concurrently and hands every answer to
// the page as it arrives, so results appear progressively while slow vendors are still answering.
import { refusedAsTooBig, type GraphQLAnswer } from './api.js';
import type { CampaignState, HistoryState, Vendor } from './model.js';
import { VENDORS } from './model.js';
import type { Selection } from './ids.js';

/**
 * Ids per request. JPush: one call takes 100 msg_ids, and only ids of the same request share a
 * call, so smaller requests would cost more JPush calls. Tencent: 5 TaskIDs per call at 1 call/s;
 * requests of 5 show each second's answer as it comes, and the server coalesces concurrent ones
 * into its next slot. Alibaba: one MessageId per call at 50/s; 10 per request keeps answers flowing.
 */
export const BATCH_SIZE: Record<Vendor, number> = { JPUSH: 100, TENCENT: 5, ALIYUN: 10 };

/**
 * Requests in flight per vendor. Two keep Tencent's next slot filled while the current one
 * answers; more would only wait on the server and hold the browser's six connections per host.
 */
export const PARALLEL: Record<Vendor, number> = { JPUSH: 2, TENCENT: 2, ALIYUN: 3 };

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export interface Loader {
  /** `histories` when the figures' answer carried them too (`history: 'inline'`). */
  campaigns(vendor: Vendor, ids: readonly string[]): Promise<{ answer: GraphQLAnswer<unknown>; states: CampaignState[]; histories: HistoryState[] | null }>;
  /** Set when history needs its own requests (`history: 'separate'`). */
  history?(vendor: Vendor, ids: readonly string[]): Promise<HistoryState[]>;
}

export interface RunListener {
  campaigns(vendor: Vendor, ids: readonly string[], states: readonly CampaignState[]): void;
  history(vendor: Vendor, ids: readonly string[], states: readonly HistoryState[]): void;
}

/** Loads the whole selection; resolves when every campaign (and its history) has an answer. */
export async function runReport(selection: Selection, loader: Loader, listener: RunListener): Promise<void> {
  const histories: Array<Promise<void>> = [];
  const runVendor = async (vendor: Vendor): Promise<void> => {
    const queue = chunk(selection[vendor], BATCH_SIZE[vendor]);
    const worker = async (): Promise<void> => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const { answer, states, histories: inline } = await loader.campaigns(vendor, batch);
        if (batch.length > 1 && refusedAsTooBig(answer)) {
          // The server caps ids (MAX_IDS_PER_REQUEST) and quota per operation; halves may pass.
          const half = Math.ceil(batch.length / 2);
          queue.unshift(batch.slice(0, half), batch.slice(half));
          continue;
        }
        listener.campaigns(vendor, batch, states);
        if (inline) listener.history(vendor, batch, inline);
        const loaded = batch.filter((_, i) => states[i]?.status === 'loaded');
        if (loader.history && loaded.length > 0) {
          // Not awaited: the next batch of figures should not wait for this one's curve.
          histories.push(loader.history(vendor, loaded).then((history) => listener.history(vendor, loaded, history)));
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL[vendor] }, worker));
  };
  await Promise.all(VENDORS.map(runVendor));
  await Promise.all(histories);
}
