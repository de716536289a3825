import { DEFAULT_APP, type AppsConfig } from '../apps.js';
import type { Vendor } from '../domain.js';
import { startAliyunApp, type AliyunSource } from './aliyun/index.js';
import type { AliyunQuotaGate } from './aliyun/quota.js';
import { startJPushApp, type JPushSource } from './jpush/index.js';
import { startTencentApp, type TencentSource } from './tencent/index.js';
import type { VendorDeps, VendorMode, VendorRuntime } from './vendor.js';

/** What each vendor's sources answer: the one place that lists the vendors (plus each one's folder). */
export interface SourceOf {
  JPUSH: JPushSource;
  TENCENT: TencentSource;
  ALIYUN: AliyunSource;
}

/** Every started app of every vendor, by app name (`default` first). */
export type Vendors = { [V in Vendor]: ReadonlyMap<string, VendorRuntime<SourceOf[V]>> };

export const VENDORS: readonly Vendor[] = ['JPUSH', 'TENCENT', 'ALIYUN'];

/** One runtime per configured app: its own HTTP layer, breakers, quota gate and simulator. */
export async function startVendors(deps: VendorDeps, apps: AppsConfig): Promise<Vendors> {
  // Alibaba counts its rate per AccessKey: apps under one key share a gate.
  const aliyunGates = new Map<string, AliyunQuotaGate>();
  const started: Array<VendorRuntime<SourceOf[Vendor]>> = [];
  try {
    const [JPUSH, TENCENT, ALIYUN] = await Promise.all([
      Promise.all(apps.JPUSH.map((entry) => startJPushApp(deps, entry).then(track))),
      Promise.all(apps.TENCENT.map((entry) => startTencentApp(deps, entry).then(track))),
      Promise.all(apps.ALIYUN.map((entry) => startAliyunApp(deps, entry, aliyunGates).then(track))),
    ]);
    return { JPUSH: byApp(JPUSH), TENCENT: byApp(TENCENT), ALIYUN: byApp(ALIYUN) };
  } catch (error) {
    // A failed start must not leave the simulators already started listening.
    await Promise.all(started.map((runtime) => runtime.close()));
    throw error;
  }
  function track<R extends VendorRuntime<SourceOf[Vendor]>>(runtime: R): R {
    started.push(runtime);
    return runtime;
  }
}

function byApp<S extends SourceOf[Vendor]>(runtimes: Array<VendorRuntime<S>>): ReadonlyMap<string, VendorRuntime<S>> {
  return new Map(runtimes.map((runtime) => [runtime.app, runtime]));
}

/** Every runtime of every vendor, `default` first per vendor. */
export function allRuntimes(vendors: Vendors): Array<VendorRuntime<SourceOf[Vendor]>> {
  return VENDORS.flatMap((vendor) => [...vendors[vendor].values()]);
}

/** Per vendor and app, `live` or `simulated` (names and modes only: never a key or URL). */
export function appModes(vendors: Vendors): Record<Vendor, Record<string, VendorMode>> {
  const modes = (vendor: Vendor): Record<string, VendorMode> =>
    Object.fromEntries([...vendors[vendor]].map(([app, runtime]) => [app, runtime.mode]));
  return { JPUSH: modes('JPUSH'), TENCENT: modes('TENCENT'), ALIYUN: modes('ALIYUN') };
}

/** The contract's per-vendor mode: that of the vendor's `default` app. */
export function vendorModes(vendors: Vendors): Record<Vendor, VendorMode> {
  const mode = (vendor: Vendor): VendorMode => vendors[vendor].get(DEFAULT_APP)?.mode ?? 'simulated';
  return { JPUSH: mode('JPUSH'), TENCENT: mode('TENCENT'), ALIYUN: mode('ALIYUN') };
}

export async function closeVendors(vendors: Vendors): Promise<void> {
  await Promise.all(allRuntimes(vendors).map((runtime) => runtime.close()));
}
