import type { Sources, Vendors } from './datasources/index.js';

/** Per request: fresh vendor sources (their DataLoaders batch this request's ids, then are dropped). */
export interface Context {
  sources: Sources;
}

export function createContext(vendors: Vendors): Context {
  return {
    sources: {
      JPUSH: vendors.JPUSH.createSource(),
      TENCENT: vendors.TENCENT.createSource(),
      ALIYUN: vendors.ALIYUN.createSource(),
    },
  };
}
