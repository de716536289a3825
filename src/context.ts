import type { Archive, ArchiveSession } from './archive/index.js';
import type { SourceOf, Vendors } from './datasources/index.js';
import type { Vendor } from './domain.js';
import { unknownApp } from './errors.js';

/** This request's source of one app of each vendor. */
export type Sources = { [V in Vendor]: (app: string) => SourceOf[V] };

/** Per request: fresh vendor sources (their DataLoaders batch this request's ids, then are dropped). */
export interface Context {
  /**
   * The request's source of an app, made on first use and kept for the request, so a request
   * builds loaders only for the apps it asks. An unknown app throws BAD_USER_INPUT (`app`).
   */
  sources: Sources;
  /** Whether `vendor` has an app of that name. */
  knowsApp(vendor: Vendor, app: string): boolean;
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
  const sourcesOf = <V extends Vendor>(vendor: V): ((app: string) => SourceOf[V]) => {
    const made = new Map<string, SourceOf[V]>();
    return (app) => {
      let source = made.get(app);
      if (!source) {
        const runtime = vendors[vendor].get(app);
        if (!runtime) throw unknownApp(app, vendor);
        source = runtime.createSource(signal) as SourceOf[V];
        made.set(app, source);
      }
      return source;
    };
  };
  return {
    archive: archive?.session(),
    signal,
    knowsApp: (vendor, app) => vendors[vendor].has(app),
    sources: { JPUSH: sourcesOf('JPUSH'), TENCENT: sourcesOf('TENCENT'), ALIYUN: sourcesOf('ALIYUN') },
  };
}
