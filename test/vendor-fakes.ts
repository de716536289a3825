import { randomBytes } from 'node:crypto';
import { startAliyunSimulator } from '../src/datasources/aliyun/simulator.js';
import { startJPushSimulator } from '../src/datasources/jpush/simulator.js';
import { runningSimulators, type RunningSimulators } from '../src/datasources/simulator-env.js';
import { startTencentSimulator } from '../src/datasources/tencent/simulator.js';

/** Secrets the fakes are started with; tests grep the service's output for them. */
export const TEST_SECRETS = {
  jpushMasterSecret: 'f00dfacef00dfacef00dface',
  tencentSecretKey: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
  aliyunAccessKeySecret: 'AliyunTestSecret0123456789abcd',
};

export type VendorFakes = RunningSimulators;

/**
 * The three strict fakes on loopback, with fixed test credentials. `sdkAppId` and the Alibaba
 * AccessKey id are random per call, so test files sharing the machine's Redis never share a quota key.
 */
export async function startVendorFakes(options: { sdkAppId?: string } = {}): Promise<VendorFakes> {
  const [jpush, tencent, aliyun] = await Promise.all([
    startJPushSimulator({
      appKey: '0123456789abcdef01234567',
      masterSecret: TEST_SECRETS.jpushMasterSecret,
    }),
    startTencentSimulator({
      sdkAppId: options.sdkAppId ?? String(1_400_000_000 + Math.floor(Math.random() * 99_999_999)),
      secretKey: TEST_SECRETS.tencentSecretKey,
      adminId: 'administrator',
    }),
    startAliyunSimulator({
      credentials: {
        accessKeyId: `LTAItest${randomBytes(6).toString('hex')}`,
        accessKeySecret: TEST_SECRETS.aliyunAccessKeySecret,
        appKey: '23267207',
      },
    }),
  ]);
  return runningSimulators(jpush, tencent, aliyun);
}

/** Sum of a Prometheus counter's samples whose labels include `labels`. */
export async function counterValue(metricsText: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) total += Number(line.split(' ').at(-1));
  }
  return total;
}
