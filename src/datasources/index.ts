import type { Vendor } from '../domain.js';
import { startAliyun, type AliyunSource } from './aliyun/index.js';
import { startJPush, type JPushSource } from './jpush/index.js';
import { startTencent, type TencentSource } from './tencent/index.js';
import type { VendorDeps, VendorMode, VendorRuntime } from './vendor.js';

/** The one place that lists the vendors: adding one is a line here plus its own folder. */
export interface Vendors {
  JPUSH: VendorRuntime<JPushSource>;
  TENCENT: VendorRuntime<TencentSource>;
  ALIYUN: VendorRuntime<AliyunSource>;
}

export type Sources = { [V in Vendor]: ReturnType<Vendors[V]['createSource']> };

export async function startVendors(deps: VendorDeps): Promise<Vendors> {
  const [JPUSH, TENCENT, ALIYUN] = await Promise.all([startJPush(deps), startTencent(deps), startAliyun(deps)]);
  return { JPUSH, TENCENT, ALIYUN };
}

export function vendorModes(vendors: Vendors): Record<Vendor, VendorMode> {
  return { JPUSH: vendors.JPUSH.mode, TENCENT: vendors.TENCENT.mode, ALIYUN: vendors.ALIYUN.mode };
}

export async function closeVendors(vendors: Vendors): Promise<void> {
  await Promise.all(Object.values(vendors).map((vendor) => vendor.close()));
}

export const VENDORS: readonly Vendor[] = ['JPUSH', 'TENCENT', 'ALIYUN'];
