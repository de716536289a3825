// The apps the server serves per vendor (issue 16), read from GET /health's `apps`, for the
// page's app pickers. /health is the only place that lists them; GraphQL has no such query.
import { DEFAULT_APP, type Vendor } from './model.js';

/** Per vendor, the app names to offer: `default` first, then the others as the server lists them. */
export type VendorApps = Record<Vendor, string[]>;

export function defaultVendorApps(): VendorApps {
  return { JPUSH: [DEFAULT_APP], TENCENT: [DEFAULT_APP], ALIYUN: [DEFAULT_APP] };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `/health`'s `apps: { JPUSH: { default: 'live', news: 'simulated' }, ... }` as app names. A body
 * without `apps` (an older server, a proxy's error page) leaves every vendor its default app only.
 */
export function appsFromHealth(body: unknown): VendorApps {
  const apps = isRecord(body) && isRecord(body.apps) ? body.apps : {};
  const names = (vendor: Vendor): string[] => {
    const listed = apps[vendor];
    return [...new Set([DEFAULT_APP, ...(isRecord(listed) ? Object.keys(listed) : [])])];
  };
  return { JPUSH: names('JPUSH'), TENCENT: names('TENCENT'), ALIYUN: names('ALIYUN') };
}

/**
 * A picker's options: the server's apps, plus the chosen one when the server did not list it (a
 * shared link's app stays as the link says; the server answers whether it knows it).
 */
export function appOptions(known: readonly string[], chosen: string): string[] {
  return [...new Set([...known, chosen])];
}

/** The server's apps, or the default apps only when /health cannot be read: the page then works single-app. */
export async function loadApps(url: string): Promise<VendorApps> {
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    return appsFromHealth(await response.json());
  } catch {
    return defaultVendorApps();
  }
}
