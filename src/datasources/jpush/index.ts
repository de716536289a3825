// PLACEHOLDER: replaced by the JPush datasource.
import type { DeviceDelivery, TimeUnit, UserMetrics } from '../../domain.js';
import { notImplemented } from '../../errors.js';
import type { CampaignSource, VendorDeps, VendorRuntime } from '../vendor.js';

export interface JPushSource extends CampaignSource {
  deliveryStatus(msgId: string, registrationIds: string[], date: string | null | undefined): Promise<DeviceDelivery[]>;
  userMetrics(timeUnit: TimeUnit, start: string, duration: number): Promise<UserMetrics>;
}

export async function startJPush(_deps: VendorDeps): Promise<VendorRuntime<JPushSource>> {
  const fail = async (): Promise<never> => {
    throw notImplemented('JPUSH', 'this field');
  };
  return {
    vendor: 'JPUSH',
    mode: 'simulated',
    createSource: () => ({
      validateId: () => undefined,
      campaign: fail,
      availability: fail,
      funnel: fail,
      channels: fail,
      lossReasons: fail,
      sms: fail,
      deliveryStatus: fail,
      userMetrics: fail,
    }),
    close: async () => undefined,
  };
}
