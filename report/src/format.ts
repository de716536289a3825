// Numbers for people: thousands separators and percentages. The page is in English, so is the
// number format (a fixed locale also keeps what the tests read stable across machines).
const LOCALE = 'en-US';

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

/** Shown for a figure the vendor does not report: unknown is not zero. */
export const NOT_REPORTED = '—';

/** Shown for a count that is null: the vendor does not measure it (never 0, never an empty bar). */
export const NOT_MEASURED = 'not measured';

export function formatInt(value: number | null | undefined): string {
  return value == null ? NOT_MEASURED : integer.format(value);
}

export function formatPct(value: number | null | undefined): string {
  return value == null ? NOT_REPORTED : percent.format(value);
}

export function formatDateTime(value: string | number): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

/** Enum values as words: `POST_SEND_DELIVERED` → "Post send delivered"; channel names stay as brands. */
export function humanize(value: string | null | undefined): string {
  if (!value) return NOT_REPORTED;
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const CHANNEL_LABEL: Record<string, string> = {
  JPUSH: 'JPush connection',
  APNS: 'APNs',
  VOIP: 'VoIP (PushKit)',
  FCM: 'FCM',
  XIAOMI: 'Xiaomi',
  HUAWEI: 'Huawei',
  HONOR: 'Honor',
  OPPO: 'OPPO',
  VIVO: 'vivo',
  MEIZU: 'Meizu',
  ASUS: 'ASUS',
  NIO: 'NIO',
  TUIBIDA: 'Tuibida',
  HMOS: 'HarmonyOS Push',
  UNKNOWN: 'Unknown',
};

const PLATFORM_LABEL: Record<string, string> = {
  ANDROID: 'Android',
  IOS: 'iOS',
  HARMONY: 'HarmonyOS',
  QUICKAPP: 'Quick app',
  UNKNOWN: 'Unknown',
};

export function channelLabel(channel: string | null | undefined): string {
  return channel ? (CHANNEL_LABEL[channel] ?? humanize(channel)) : NOT_REPORTED;
}

export function platformLabel(platform: string | null | undefined): string {
  return platform ? (PLATFORM_LABEL[platform] ?? humanize(platform)) : NOT_REPORTED;
}
