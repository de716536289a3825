// PLACEHOLDER: replaced by the Alibaba datasource.
import { notImplemented } from '../../errors.js';
import type { CampaignSource, VendorDeps, VendorRuntime } from '../vendor.js';

export type AliyunSource = CampaignSource;

export async function startAliyun(_deps: VendorDeps): Promise<VendorRuntime<AliyunSource>> {
  const fail = async (): Promise<never> => {
    throw notImplemented('ALIYUN', 'this field');
  };
  return {
    vendor: 'ALIYUN',
    mode: 'simulated',
    createSource: () => ({
      validateId: () => undefined,
      campaign: fail,
      availability: fail,
      funnel: fail,
      channels: fail,
      lossReasons: fail,
      sms: fail,
    }),
    close: async () => undefined,
  };
}
