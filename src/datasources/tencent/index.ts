// PLACEHOLDER: replaced by the Tencent datasource.
import type { DeviceTrace } from '../../domain.js';
import { notImplemented } from '../../errors.js';
import type { CampaignSource, VendorDeps, VendorRuntime } from '../vendor.js';

export interface TencentSource extends CampaignSource {
  deviceTrace(taskId: string, userId: string): Promise<DeviceTrace[]>;
}

export async function startTencent(_deps: VendorDeps): Promise<VendorRuntime<TencentSource>> {
  const fail = async (): Promise<never> => {
    throw notImplemented('TENCENT', 'this field');
  };
  return {
    vendor: 'TENCENT',
    mode: 'simulated',
    createSource: () => ({
      validateId: () => undefined,
      campaign: fail,
      availability: fail,
      funnel: fail,
      channels: fail,
      lossReasons: fail,
      sms: fail,
      deviceTrace: fail,
    }),
    close: async () => undefined,
  };
}
