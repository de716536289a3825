import type { Archive, ArchiveSession } from './archive/index.js';
import type { Sources, Vendors } from './datasources/index.js';

/** Per request: fresh vendor sources (their DataLoaders batch this request's ids, then are dropped). */
export interface Context {
  sources: Sources;
  /** This request's view of the campaign archive, the tier behind the sources; absent when the app runs without one. */
  archive?: ArchiveSession;
  /** Aborts when the client has gone away. */
  signal?: AbortSignal;
}

/**
 * `signal` aborts when the request's client goes away: vendor work that only this request waited
 * for is then dropped from the vendors' queues.
 */
export function createContext(vendors: Vendors, archive?: Archive, signal?: AbortSignal): Context {
  return {
    archive: archive?.session(),
    signal,
    sources: {
      JPUSH: vendors.JPUSH.createSource(signal),
      TENCENT: vendors.TENCENT.createSource(signal),
      ALIYUN: vendors.ALIYUN.createSource(signal),
    },
  };
}
