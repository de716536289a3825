import { readFileSync } from 'node:fs';
import { z } from 'zod/v4';
import { nonEmpty, type Env } from './config.js';
import type { Vendor } from './domain.js';

/*
 * The apps pushgraph serves (issue 16): each vendor's `default` app from the single-app variables
 * of the contract, plus the entries of `PUSHGRAPH_APPS` (inline JSON) or `PUSHGRAPH_APPS_FILE` (a
 * JSON file). Credentials may be written in the entry or named by an `…Env` field (the variable
 * holding it), so secrets can stay out of the JSON. A mistake stops the start with an Error naming
 * the entry and the field, never a value: a value may be a secret.
 */

/** CONTRACT.md defaults of the single-app base URLs. */
export const DEFAULT_URLS = {
  JPUSH: 'https://report.jpush.cn/v3',
  TENCENT: 'https://console.tim.qq.com',
  ALIYUN: 'https://cloudpush.aliyuncs.com',
} as const;

/** The Tencent administrator account when none is named (contract). */
export const DEFAULT_TENCENT_ADMIN_ID = 'administrator';
export const DEFAULT_APP = 'default';
export const APP_NAME_PATTERN = /^[a-z0-9-]{1,32}$/;

export type AppMode = 'live' | 'simulated';

/** A JPush app (`appKey:masterSecret`); no credentials = served by the simulator. */
export interface JPushAppEntry {
  vendor: 'JPUSH';
  kind: 'app';
  name: string;
  reportUrl: string;
  credentials: { appKey: string; masterSecret: string } | undefined;
}

/** A JPush app group (`group-<groupKey>:<groupSecret>`, the group endpoints only). */
export interface JPushGroupEntry {
  vendor: 'JPUSH';
  kind: 'group';
  name: string;
  reportUrl: string;
  credentials: { groupKey: string; groupSecret: string } | undefined;
}

export interface TencentAppEntry {
  vendor: 'TENCENT';
  name: string;
  apiUrl: string;
  adminId: string;
  credentials: { sdkAppId: string; secretKey: string } | undefined;
}

export interface AliyunAppEntry {
  vendor: 'ALIYUN';
  name: string;
  endpoint: string;
  credentials: { accessKeyId: string; accessKeySecret: string; appKey: string } | undefined;
}

export type AppEntry = JPushAppEntry | JPushGroupEntry | TencentAppEntry | AliyunAppEntry;

/** Every app per vendor, `default` first, then in the order of the configuration. */
export interface AppsConfig {
  JPUSH: Array<JPushAppEntry | JPushGroupEntry>;
  TENCENT: TencentAppEntry[];
  ALIYUN: AliyunAppEntry[];
}

export function appMode(app: AppEntry): AppMode {
  return app.credentials ? 'live' : 'simulated';
}

/** The app `name` of `vendor`, or undefined (the caller answers BAD_USER_INPUT). */
export function findApp<V extends Vendor>(apps: AppsConfig, vendor: V, name: string): AppsConfig[V][number] | undefined {
  const list: ReadonlyArray<AppsConfig[V][number]> = apps[vendor];
  return list.find((app) => app.name === name);
}

// ---------------------------------------------------------------- the JSON entries

const text = z.string().trim().min(1);
// `…Env` names a variable; the variable's value is the credential.
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
  .optional();
const url = z.url({ protocol: /^https?$/ }).optional();

/** Credential fields of each vendor, each with its `…Env` twin. */
const CREDENTIALS = {
  JPUSH: ['appKey', 'masterSecret', 'groupKey', 'groupSecret'],
  TENCENT: ['sdkAppId', 'secretKey'],
  ALIYUN: ['accessKeyId', 'accessKeySecret', 'appKey'],
} as const;

function credentialShape<const K extends string>(fields: readonly K[]): Record<K | `${K}Env`, z.ZodOptional<z.ZodType<string>>> {
  const shape: Record<string, z.ZodOptional<z.ZodType<string>>> = {};
  for (const field of fields) {
    shape[field] = text.optional();
    shape[`${field}Env`] = envName;
  }
  return shape as Record<K | `${K}Env`, z.ZodOptional<z.ZodType<string>>>;
}

const name = z.string().regex(APP_NAME_PATTERN);

const EntrySchema = z.discriminatedUnion('vendor', [
  z.strictObject({
    vendor: z.literal('JPUSH'),
    name,
    /** Only needed for a simulated group: with credentials, the fields say which it is. */
    kind: z.enum(['app', 'group']).optional(),
    reportUrl: url,
    ...credentialShape(CREDENTIALS.JPUSH),
  }),
  z.strictObject({ vendor: z.literal('TENCENT'), name, apiUrl: url, adminId: text.optional(), ...credentialShape(CREDENTIALS.TENCENT) }),
  z.strictObject({ vendor: z.literal('ALIYUN'), name, endpoint: url, ...credentialShape(CREDENTIALS.ALIYUN) }),
]);
type RawEntry = z.output<typeof EntrySchema>;

/** What is wrong with one field, worded without the value it holds. */
function issueText(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = issue.path.map(String).join('.');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'an entry must be a JSON object';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_union':
      return field === 'vendor' || field === '' ? 'field "vendor" must be JPUSH, TENCENT or ALIYUN' : `field "${field}" is invalid`;
    case 'invalid_type':
      return Object.hasOwn(raw, field) ? `field "${field}" must be a ${issue.expected}` : `field "${field}" is required`;
    case 'invalid_format':
      if (field === 'name') return 'field "name" must match [a-z0-9-]{1,32}';
      if (field.endsWith('Env')) return `field "${field}" must be an environment variable name`;
      return `field "${field}" must be an http(s) URL`;
    case 'too_small':
      return `field "${field}" must not be empty`;
    default:
      return `field "${field}" is invalid`;
  }
}

/** `PUSHGRAPH_APPS[1] ("family", JPUSH)`: how errors name an entry. */
function label(source: string, index: number, raw: unknown): string {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const parts = [typeof record.name === 'string' && APP_NAME_PATTERN.test(record.name) ? `"${record.name}"` : undefined];
  if (record.vendor === 'JPUSH' || record.vendor === 'TENCENT' || record.vendor === 'ALIYUN') parts.push(record.vendor);
  const known = parts.filter(Boolean);
  return `${source}[${index}]${known.length ? ` (${known.join(', ')})` : ''}`;
}

/** A credential field, written inline or read from the variable its `…Env` twin names. */
function credential(entry: Record<string, string | undefined>, field: string, env: Env, where: string): string | undefined {
  const inline = entry[field];
  const variable = entry[`${field}Env`];
  if (inline !== undefined && variable !== undefined) throw new Error(`${where}: set "${field}" or "${field}Env", not both`);
  if (variable === undefined) return inline;
  const value = nonEmpty(env[variable]);
  if (value === undefined) throw new Error(`${where}: "${field}Env" names ${variable}, which is not set`);
  return value;
}

/** All of `fields` or none of them; a half-configured entry names the first missing one. */
function allOrNone<const K extends string>(values: Record<K, string | undefined>, where: string): Record<K, string> | undefined {
  const entries = Object.entries(values) as Array<[K, string | undefined]>;
  const set = entries.filter(([, value]) => value !== undefined);
  if (set.length === 0) return undefined;
  const missing = entries.find(([, value]) => value === undefined);
  if (missing) throw new Error(`${where}: "${missing[0]}" is missing (${set.map(([key]) => `"${key}"`).join(', ')} set)`);
  return values as Record<K, string>;
}

const DIGITS = /^\d+$/;

function toEntry(raw: RawEntry, env: Env, where: string): AppEntry {
  const fields = raw as unknown as Record<string, string | undefined>;
  const read = (field: string): string | undefined => credential(fields, field, env, where);
  switch (raw.vendor) {
    case 'JPUSH': {
      const app = allOrNone({ appKey: read('appKey'), masterSecret: read('masterSecret') }, where);
      const group = allOrNone({ groupKey: read('groupKey'), groupSecret: read('groupSecret') }, where);
      if (app && group) throw new Error(`${where}: an entry is an app (appKey, masterSecret) or a group (groupKey, groupSecret), not both`);
      const kind = group ? 'group' : app ? 'app' : (raw.kind ?? 'app');
      if (raw.kind !== undefined && raw.kind !== kind)
        throw new Error(`${where}: "kind" is ${raw.kind} but the credentials are ${kind === 'app' ? "an app's" : "a group's"}`);
      const reportUrl = raw.reportUrl ?? DEFAULT_URLS.JPUSH;
      return kind === 'group'
        ? { vendor: 'JPUSH', kind, name: raw.name, reportUrl, credentials: group }
        : { vendor: 'JPUSH', kind, name: raw.name, reportUrl, credentials: app };
    }
    case 'TENCENT': {
      const credentials = allOrNone({ sdkAppId: read('sdkAppId'), secretKey: read('secretKey') }, where);
      if (credentials && !DIGITS.test(credentials.sdkAppId)) throw new Error(`${where}: "sdkAppId" must be the numeric SDKAppID`);
      return {
        vendor: 'TENCENT',
        name: raw.name,
        apiUrl: raw.apiUrl ?? DEFAULT_URLS.TENCENT,
        adminId: raw.adminId ?? DEFAULT_TENCENT_ADMIN_ID,
        credentials,
      };
    }
    case 'ALIYUN': {
      const credentials = allOrNone(
        { accessKeyId: read('accessKeyId'), accessKeySecret: read('accessKeySecret'), appKey: read('appKey') },
        where,
      );
      // Vendor doc: AppKey is an integer.
      if (credentials && !DIGITS.test(credentials.appKey)) throw new Error(`${where}: "appKey" must be an integer`);
      return { vendor: 'ALIYUN', name: raw.name, endpoint: raw.endpoint ?? DEFAULT_URLS.ALIYUN, credentials };
    }
  }
}

/** The JSON text of the entries and what errors call it, or undefined when neither variable is set. */
function entriesText(env: Env): { source: string; json: string } | undefined {
  const inline = nonEmpty(env.PUSHGRAPH_APPS);
  const file = nonEmpty(env.PUSHGRAPH_APPS_FILE);
  if (inline !== undefined && file !== undefined) throw new Error('set PUSHGRAPH_APPS or PUSHGRAPH_APPS_FILE, not both');
  if (inline !== undefined) return { source: 'PUSHGRAPH_APPS', json: inline };
  if (file === undefined) return undefined;
  try {
    return { source: 'PUSHGRAPH_APPS_FILE', json: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
    throw new Error(`PUSHGRAPH_APPS_FILE: cannot read ${file}${code}`);
  }
}

function parseEntries(env: Env): { source: string; entries: AppEntry[] } {
  const found = entriesText(env);
  if (!found) return { source: '', entries: [] };
  const { source, json } = found;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the text around the mistake, which may be a secret.
    throw new Error(`${source} is not valid JSON`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${source} must be a JSON array of app entries`);
  const entries = parsed.map((raw: unknown, index) => {
    const where = label(source, index, raw);
    const result = EntrySchema.safeParse(raw);
    const issue = result.error?.issues[0];
    if (issue) throw new Error(`${where}: ${issueText(issue, raw)}`);
    if (!result.success) throw new Error(`${where}: invalid entry`);
    return toEntry(result.data, env, where);
  });
  return { source, entries };
}

// ---------------------------------------------------------------- the single-app variables

/**
 * Each vendor's `default` app from the single-app variables: all credentials set = live, none =
 * simulated, some = the start stops, naming what is missing.
 */
function defaultApps(env: Env): { JPUSH: JPushAppEntry; TENCENT: TencentAppEntry; ALIYUN: AliyunAppEntry; configured: Set<Vendor> } {
  const appKey = nonEmpty(env.JPUSH_APP_KEY);
  const masterSecret = nonEmpty(env.JPUSH_MASTER_SECRET);
  const sdkAppId = nonEmpty(env.TENCENT_SDK_APP_ID);
  const secretKey = nonEmpty(env.TENCENT_SECRET_KEY);
  const accessKeyId = nonEmpty(env.ALIYUN_ACCESS_KEY_ID);
  const accessKeySecret = nonEmpty(env.ALIYUN_ACCESS_KEY_SECRET);
  const aliyunAppKey = nonEmpty(env.ALIYUN_PUSH_APP_KEY);
  // A half-configured deployment must not quietly serve simulated figures as if they were live.
  if ((appKey === undefined) !== (masterSecret === undefined)) {
    throw new Error(
      `JPush needs JPUSH_APP_KEY and JPUSH_MASTER_SECRET together; missing: ${appKey === undefined ? 'JPUSH_APP_KEY' : 'JPUSH_MASTER_SECRET'}`,
    );
  }
  if ((sdkAppId === undefined) !== (secretKey === undefined)) {
    throw new Error(
      `Tencent TIMPush needs TENCENT_SDK_APP_ID and TENCENT_SECRET_KEY together (neither = simulator); missing: ${sdkAppId === undefined ? 'TENCENT_SDK_APP_ID' : 'TENCENT_SECRET_KEY'}`,
    );
  }
  if (sdkAppId !== undefined && !DIGITS.test(sdkAppId)) throw new Error('TENCENT_SDK_APP_ID must be the numeric SDKAppID');
  const aliyunVariables = ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'ALIYUN_PUSH_APP_KEY'];
  const missing = aliyunVariables.filter((variable) => nonEmpty(env[variable]) === undefined);
  if (missing.length > 0 && missing.length < aliyunVariables.length) {
    throw new Error(`Alibaba Cloud Push needs ${aliyunVariables.join(', ')} together; missing: ${missing.join(', ')}`);
  }
  if (aliyunAppKey !== undefined && !DIGITS.test(aliyunAppKey)) throw new Error('ALIYUN_PUSH_APP_KEY must be an integer');
  const configured = new Set<Vendor>();
  const variables: Record<Vendor, string[]> = {
    JPUSH: ['JPUSH_APP_KEY', 'JPUSH_MASTER_SECRET', 'JPUSH_REPORT_URL'],
    TENCENT: ['TENCENT_SDK_APP_ID', 'TENCENT_SECRET_KEY', 'TENCENT_ADMIN_ID', 'TENCENT_API_URL'],
    ALIYUN: ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'ALIYUN_PUSH_APP_KEY', 'ALIYUN_PUSH_ENDPOINT'],
  };
  for (const [vendor, names] of Object.entries(variables) as Array<[Vendor, string[]]>) {
    if (names.some((variable) => nonEmpty(env[variable]) !== undefined)) configured.add(vendor);
  }
  return {
    JPUSH: {
      vendor: 'JPUSH',
      kind: 'app',
      name: DEFAULT_APP,
      reportUrl: nonEmpty(env.JPUSH_REPORT_URL) ?? DEFAULT_URLS.JPUSH,
      credentials: appKey && masterSecret ? { appKey, masterSecret } : undefined,
    },
    TENCENT: {
      vendor: 'TENCENT',
      name: DEFAULT_APP,
      apiUrl: nonEmpty(env.TENCENT_API_URL) ?? DEFAULT_URLS.TENCENT,
      adminId: nonEmpty(env.TENCENT_ADMIN_ID) ?? DEFAULT_TENCENT_ADMIN_ID,
      credentials: sdkAppId && secretKey ? { sdkAppId, secretKey } : undefined,
    },
    ALIYUN: {
      vendor: 'ALIYUN',
      name: DEFAULT_APP,
      endpoint: nonEmpty(env.ALIYUN_PUSH_ENDPOINT) ?? DEFAULT_URLS.ALIYUN,
      credentials: accessKeyId && accessKeySecret && aliyunAppKey ? { accessKeyId, accessKeySecret, appKey: aliyunAppKey } : undefined,
    },
    configured,
  };
}

/**
 * Every app of every vendor. `default` is always there; a `PUSHGRAPH_APPS` entry may define it
 * only while that vendor's single-app variables are all unset. Throws on any mistake.
 */
export function readApps(env: Env = process.env): AppsConfig {
  const defaults = defaultApps(env);
  const apps: AppsConfig = { JPUSH: [defaults.JPUSH], TENCENT: [defaults.TENCENT], ALIYUN: [defaults.ALIYUN] };
  const fromJson = new Set<string>();
  const { source, entries } = parseEntries(env);
  for (const [index, entry] of entries.entries()) {
    const list: AppEntry[] = apps[entry.vendor];
    const key = `${entry.vendor}/${entry.name}`;
    const where = `${source}[${index}] ("${entry.name}", ${entry.vendor})`;
    if (fromJson.has(key)) throw new Error(`${where}: "name" is already used by another ${entry.vendor} entry`);
    fromJson.add(key);
    if (entry.name === DEFAULT_APP) {
      if (defaults.configured.has(entry.vendor))
        throw new Error(`${where}: "name" default is the app of the ${entry.vendor}_* variables, which are set`);
      list[0] = entry;
    } else {
      list.push(entry);
    }
  }
  return apps;
}
