import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appMode, findApp, readApps } from '../src/apps.js';
import type { Env } from '../src/config.js';

const SECRET = 'S3cr3t-value-never-shown';
const apps = (entries: unknown, env: Env = {}): ReturnType<typeof readApps> =>
  readApps({ ...env, PUSHGRAPH_APPS: JSON.stringify(entries) });
const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('PUSHGRAPH_APPS', () => {
  it('gives every vendor a simulated default app when nothing is set', () => {
    const config = readApps({});
    expect(config).toEqual({
      JPUSH: [{ vendor: 'JPUSH', kind: 'app', name: 'default', reportUrl: 'https://report.jpush.cn/v3', credentials: undefined }],
      TENCENT: [
        { vendor: 'TENCENT', name: 'default', apiUrl: 'https://console.tim.qq.com', adminId: 'administrator', credentials: undefined },
      ],
      ALIYUN: [{ vendor: 'ALIYUN', name: 'default', endpoint: 'https://cloudpush.aliyuncs.com', credentials: undefined }],
    });
    expect(config.JPUSH.map(appMode)).toEqual(['simulated']);
  });

  it('reads the single-app variables as each vendor default app, and the entries after it', () => {
    const config = apps(
      [
        { name: 'news', vendor: 'JPUSH', appKey: 'nk', masterSecret: 'ns' },
        { name: 'family', vendor: 'JPUSH', groupKey: 'gk', groupSecret: 'gs', reportUrl: 'http://127.0.0.1:9/v3' },
        { name: 'news', vendor: 'TENCENT', sdkAppId: '1400000001', secretKey: 'tk', adminId: 'ops' },
        { name: 'news', vendor: 'ALIYUN', accessKeyId: 'id', accessKeySecret: 'as', appKey: '333' },
        { name: 'lab', vendor: 'JPUSH', kind: 'group' },
      ],
      {
        JPUSH_APP_KEY: 'dk',
        JPUSH_MASTER_SECRET: 'ds',
        JPUSH_REPORT_URL: 'http://127.0.0.1:8/v3',
        TENCENT_API_URL: 'https://adminapisgp.im.qcloud.com',
        ALIYUN_PUSH_ENDPOINT: 'http://127.0.0.1:7',
      },
    );
    expect(config.JPUSH).toEqual([
      {
        vendor: 'JPUSH',
        kind: 'app',
        name: 'default',
        reportUrl: 'http://127.0.0.1:8/v3',
        credentials: { appKey: 'dk', masterSecret: 'ds' },
      },
      {
        vendor: 'JPUSH',
        kind: 'app',
        name: 'news',
        reportUrl: 'https://report.jpush.cn/v3',
        credentials: { appKey: 'nk', masterSecret: 'ns' },
      },
      {
        vendor: 'JPUSH',
        kind: 'group',
        name: 'family',
        reportUrl: 'http://127.0.0.1:9/v3',
        credentials: { groupKey: 'gk', groupSecret: 'gs' },
      },
      { vendor: 'JPUSH', kind: 'group', name: 'lab', reportUrl: 'https://report.jpush.cn/v3', credentials: undefined },
    ]);
    expect(config.TENCENT).toEqual([
      { vendor: 'TENCENT', name: 'default', apiUrl: 'https://adminapisgp.im.qcloud.com', adminId: 'administrator', credentials: undefined },
      {
        vendor: 'TENCENT',
        name: 'news',
        apiUrl: 'https://console.tim.qq.com',
        adminId: 'ops',
        credentials: { sdkAppId: '1400000001', secretKey: 'tk' },
      },
    ]);
    expect(config.ALIYUN.map((app) => [app.name, appMode(app)])).toEqual([
      ['default', 'simulated'],
      ['news', 'live'],
    ]);
    expect(findApp(config, 'JPUSH', 'family')?.name).toBe('family');
    expect(findApp(config, 'TENCENT', 'family')).toBeUndefined();
  });

  it('reads credentials from the variables `…Env` fields name, and entries from PUSHGRAPH_APPS_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pushgraph-apps-')), 'apps.json');
    writeFileSync(file, JSON.stringify([{ name: 'news', vendor: 'JPUSH', appKey: 'nk', masterSecretEnv: 'NEWS_JPUSH_SECRET' }]));
    const config = readApps({ PUSHGRAPH_APPS_FILE: file, NEWS_JPUSH_SECRET: SECRET });
    expect(config.JPUSH[1]?.credentials).toEqual({ appKey: 'nk', masterSecret: SECRET });
    expect(failure(() => readApps({ PUSHGRAPH_APPS_FILE: file }))).toBe(
      'PUSHGRAPH_APPS_FILE[0] ("news", JPUSH): "masterSecretEnv" names NEWS_JPUSH_SECRET, which is not set',
    );
    expect(failure(() => readApps({ PUSHGRAPH_APPS_FILE: join(file, 'missing') }))).toBe(
      `PUSHGRAPH_APPS_FILE: cannot read ${join(file, 'missing')} (ENOTDIR)`,
    );
    expect(failure(() => readApps({ PUSHGRAPH_APPS_FILE: file, PUSHGRAPH_APPS: '[]' }))).toBe(
      'set PUSHGRAPH_APPS or PUSHGRAPH_APPS_FILE, not both',
    );
  });

  it('refuses half-set single-app variables, naming what is missing', () => {
    expect(failure(() => readApps({ JPUSH_APP_KEY: 'k' }))).toBe(
      'JPush needs JPUSH_APP_KEY and JPUSH_MASTER_SECRET together; missing: JPUSH_MASTER_SECRET',
    );
    expect(failure(() => readApps({ TENCENT_SECRET_KEY: SECRET }))).toBe(
      'Tencent TIMPush needs TENCENT_SDK_APP_ID and TENCENT_SECRET_KEY together (neither = simulator); missing: TENCENT_SDK_APP_ID',
    );
    expect(failure(() => readApps({ TENCENT_SDK_APP_ID: 'abc', TENCENT_SECRET_KEY: SECRET }))).toBe(
      'TENCENT_SDK_APP_ID must be the numeric SDKAppID',
    );
    expect(failure(() => readApps({ ALIYUN_ACCESS_KEY_ID: 'id' }))).toBe(
      'Alibaba Cloud Push needs ALIYUN_ACCESS_KEY_ID, ALIYUN_ACCESS_KEY_SECRET, ALIYUN_PUSH_APP_KEY together; missing: ALIYUN_ACCESS_KEY_SECRET, ALIYUN_PUSH_APP_KEY',
    );
    expect(failure(() => apps([{ name: 'a', vendor: 'TENCENT', sdkAppId: 'x1', secretKey: SECRET }]))).toBe(
      'PUSHGRAPH_APPS[0] ("a", TENCENT): "sdkAppId" must be the numeric SDKAppID',
    );
    expect(failure(() => apps([{ name: 'a', vendor: 'ALIYUN', accessKeyId: 'i', accessKeySecret: SECRET, appKey: 'k' }]))).toBe(
      'PUSHGRAPH_APPS[0] ("a", ALIYUN): "appKey" must be an integer',
    );
  });

  it('lets an entry define `default` only while the single-app variables of its vendor are unset', () => {
    const entry = { name: 'default', vendor: 'TENCENT', sdkAppId: '1400000009', secretKey: 'k' };
    expect(apps([entry]).TENCENT.map((app) => app.credentials?.sdkAppId)).toEqual(['1400000009']);
    expect(failure(() => apps([entry], { TENCENT_ADMIN_ID: 'ops' }))).toBe(
      'PUSHGRAPH_APPS[0] ("default", TENCENT): "name" default is the app of the TENCENT_* variables, which are set',
    );
  });

  it('refuses malformed entries with a message naming the entry and the field', () => {
    const cases: Array<[unknown, string]> = [
      [[{ name: 'News', vendor: 'JPUSH' }], 'PUSHGRAPH_APPS[0] (JPUSH): field "name" must match [a-z0-9-]{1,32}'],
      [[{ name: 'x'.repeat(33), vendor: 'JPUSH' }], 'PUSHGRAPH_APPS[0] (JPUSH): field "name" must match [a-z0-9-]{1,32}'],
      [[{ vendor: 'JPUSH' }], 'PUSHGRAPH_APPS[0] (JPUSH): field "name" is required'],
      [[{ name: 'news', vendor: 'FCM' }], 'PUSHGRAPH_APPS[0] ("news"): field "vendor" must be JPUSH, TENCENT or ALIYUN'],
      [[{ name: 'news', vendor: 'JPUSH', sdkAppId: '1' }], 'PUSHGRAPH_APPS[0] ("news", JPUSH): unknown field "sdkAppId"'],
      [[{ name: 'news', vendor: 'JPUSH', appKey: 5 }], 'PUSHGRAPH_APPS[0] ("news", JPUSH): field "appKey" must be a string'],
      [
        [{ name: 'news', vendor: 'ALIYUN', endpoint: 'ftp://x' }],
        'PUSHGRAPH_APPS[0] ("news", ALIYUN): field "endpoint" must be an http(s) URL',
      ],
      [
        [{ name: 'news', vendor: 'JPUSH', appKeyEnv: 'not a name' }],
        'PUSHGRAPH_APPS[0] ("news", JPUSH): field "appKeyEnv" must be an environment variable name',
      ],
      [[{ name: 'a', vendor: 'JPUSH' }, 7], 'PUSHGRAPH_APPS[1]: an entry must be a JSON object'],
      [{ name: 'a' }, 'PUSHGRAPH_APPS must be a JSON array of app entries'],
      [
        [
          { name: 'a', vendor: 'TENCENT' },
          { name: 'a', vendor: 'JPUSH' },
          { name: 'a', vendor: 'TENCENT' },
        ],
        'PUSHGRAPH_APPS[2] ("a", TENCENT): "name" is already used by another TENCENT entry',
      ],
      [
        [{ name: 'a', vendor: 'JPUSH', kind: 'group', appKey: 'k', masterSecret: 'm' }],
        `PUSHGRAPH_APPS[0] ("a", JPUSH): "kind" is group but the credentials are an app's`,
      ],
    ];
    for (const [entries, message] of cases)
      expect(
        failure(() => apps(entries)),
        message,
      ).toBe(message);
    expect(failure(() => readApps({ PUSHGRAPH_APPS: '[{"name": "a",' }))).toBe('PUSHGRAPH_APPS is not valid JSON');
  });

  it('refuses half-configured entries and a JPush entry that is both an app and a group', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ vendor: 'JPUSH', masterSecret: SECRET }, 'PUSHGRAPH_APPS[0] ("a", JPUSH): "appKey" is missing ("masterSecret" set)'],
      [{ vendor: 'JPUSH', groupKey: SECRET }, 'PUSHGRAPH_APPS[0] ("a", JPUSH): "groupSecret" is missing ("groupKey" set)'],
      [{ vendor: 'TENCENT', secretKey: SECRET }, 'PUSHGRAPH_APPS[0] ("a", TENCENT): "sdkAppId" is missing ("secretKey" set)'],
      [
        { vendor: 'ALIYUN', accessKeyId: 'id', accessKeySecret: SECRET },
        'PUSHGRAPH_APPS[0] ("a", ALIYUN): "appKey" is missing ("accessKeyId", "accessKeySecret" set)',
      ],
      [
        { vendor: 'JPUSH', appKey: 'k', masterSecret: SECRET, groupKey: 'g', groupSecret: SECRET },
        'PUSHGRAPH_APPS[0] ("a", JPUSH): an entry is an app (appKey, masterSecret) or a group (groupKey, groupSecret), not both',
      ],
      [
        { vendor: 'JPUSH', appKey: 'k', masterSecret: SECRET, masterSecretEnv: 'X' },
        'PUSHGRAPH_APPS[0] ("a", JPUSH): set "masterSecret" or "masterSecretEnv", not both',
      ],
    ];
    for (const [entry, message] of cases)
      expect(
        failure(() => apps([{ name: 'a', ...entry }], { X: SECRET })),
        message,
      ).toBe(message);
  });

  it('never puts a secret value in an error message', () => {
    const attempts: Array<() => unknown> = [
      () => readApps({ PUSHGRAPH_APPS: `[{"name":"a","vendor":"JPUSH","masterSecret":"${SECRET}"` }),
      () => readApps({ PUSHGRAPH_APPS: `[{"name":"a","vendor":"JPUSH","masterSecret":"${SECRET}",}]` }),
      () => apps([{ name: 'a', vendor: 'JPUSH', masterSecret: SECRET, oops: SECRET }]),
      () => apps([{ name: SECRET, vendor: 'JPUSH' }]),
      () => apps([{ name: 'a', vendor: SECRET, secretKey: SECRET }]),
      () => apps([{ name: 'a', vendor: 'JPUSH', masterSecret: { value: SECRET } }]),
      () => apps([{ name: 'a', vendor: 'JPUSH', reportUrl: `ftp://${SECRET}` }]),
      () => apps([{ name: 'a', vendor: 'JPUSH', appKeyEnv: SECRET }]),
      () => apps([{ name: 'a', vendor: 'TENCENT', secretKey: SECRET }]),
      () => apps([{ name: 'a', vendor: 'JPUSH', appKey: 'k', masterSecret: SECRET, groupKey: 'g', groupSecret: SECRET }]),
      () => apps([{ name: 'a', vendor: 'JPUSH', appKey: 'k', masterSecretEnv: 'X' }], { X: '' }),
      () => apps([{ name: 'a', vendor: 'JPUSH', kind: 'group', appKey: 'k', masterSecretEnv: 'X' }], { X: SECRET }),
    ];
    for (const attempt of attempts) {
      const message = failure(attempt);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain('S3cr3t');
    }
  });
});
