import type { AliyunSimulator } from './aliyun/simulator.js';
import type { JPushSimulator } from './jpush/simulator.js';
import type { TencentSimulator } from './tencent/simulator.js';

/** The three vendor simulators running together (tests, the bench). */
export interface RunningSimulators {
  jpush: JPushSimulator;
  tencent: TencentSimulator;
  aliyun: AliyunSimulator;
  /** The contract's variables pointing a service at these simulators (live mode). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Bundles three started simulators with their env and one close. */
export function runningSimulators(jpush: JPushSimulator, tencent: TencentSimulator, aliyun: AliyunSimulator): RunningSimulators {
  return {
    jpush,
    tencent,
    aliyun,
    env: simulatorEnv({ jpush, tencent, aliyun }),
    close: async () => {
      await Promise.all([jpush.close(), tencent.close(), aliyun.close()]);
    },
  };
}

/**
 * The contract's variables that point a service at running simulators in live mode, exactly as
 * real credentials and base URLs would (tests, the bench): the live client code path, end to end.
 */
export function simulatorEnv(simulators: {
  jpush?: JPushSimulator;
  tencent?: TencentSimulator;
  aliyun?: AliyunSimulator;
}): Record<string, string> {
  const { jpush, tencent, aliyun } = simulators;
  return {
    ...(jpush && {
      JPUSH_APP_KEY: jpush.appKey,
      JPUSH_MASTER_SECRET: jpush.masterSecret,
      JPUSH_REPORT_URL: jpush.baseUrl,
    }),
    ...(tencent && {
      TENCENT_SDK_APP_ID: tencent.credentials.sdkAppId,
      TENCENT_SECRET_KEY: tencent.credentials.secretKey,
      TENCENT_ADMIN_ID: tencent.credentials.adminId,
      TENCENT_API_URL: tencent.url,
    }),
    ...(aliyun && {
      ALIYUN_ACCESS_KEY_ID: aliyun.credentials.accessKeyId,
      ALIYUN_ACCESS_KEY_SECRET: aliyun.credentials.accessKeySecret,
      ALIYUN_PUSH_APP_KEY: aliyun.credentials.appKey,
      ALIYUN_PUSH_ENDPOINT: aliyun.url,
    }),
  };
}
