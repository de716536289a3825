import { describe, expect, it } from 'vitest';
import { startTestApp } from './helpers.js';

/** README "Configuration": a vendor's credentials all set = live, none = simulated, some = no start. */
describe('a half-configured vendor stops the start, naming what is missing', () => {
  it.each([
    [{ JPUSH_APP_KEY: '0123456789abcdef01234567' }, 'missing: JPUSH_MASTER_SECRET'],
    [{ JPUSH_MASTER_SECRET: 'f00dfacef00dfacef00dface' }, 'missing: JPUSH_APP_KEY'],
    [{ TENCENT_SDK_APP_ID: '1400000001' }, 'missing: TENCENT_SECRET_KEY'],
    [{ TENCENT_SECRET_KEY: 'c0ffee00' }, 'missing: TENCENT_SDK_APP_ID'],
    [{ ALIYUN_ACCESS_KEY_ID: 'LTAItestkeyid', ALIYUN_PUSH_APP_KEY: '23267207' }, 'missing: ALIYUN_ACCESS_KEY_SECRET'],
  ])('%o → %s', async (env, missing) => {
    await expect(startTestApp(env)).rejects.toThrow(missing);
  });
});
