import type { Archive, ArchiveSession } from './archive/index.js';
import type { Sources, Vendors } from './datasources/index.js';
import type { CampaignSource } from './datasources/vendor.js';
import type { Vendor } from './domain.js';

/** Per request: fresh vendor sources (their DataLoaders batch this request's ids, then are dropped). */
export interface Context {
  sources: Sources;
  /** This request's view of the campaign archive; absent when the app runs without one. */
  archive?: ArchiveSession;
  /** Aborts when the client goes away before its answer is sent: work nobody waits for may be dropped. */
  signal?: AbortSignal;
}

export function createContext(vendors: Vendors, archive?: Archive, signal?: AbortSignal): Context {
  // The archive decorates every vendor alike: it records their answers and stands in once they forget.
  const session = archive?.session();
  const wrap = <S extends CampaignSource>(vendor: Vendor, source: S): S => (session ? session.wrap(vendor, source) : source);
  return {
    archive: session,
    signal,
    sources: {
      JPUSH: wrap('JPUSH', vendors.JPUSH.createSource()),
      TENCENT: wrap('TENCENT', vendors.TENCENT.createSource()),
      ALIYUN: wrap('ALIYUN', vendors.ALIYUN.createSource()),
    },
  };
}
