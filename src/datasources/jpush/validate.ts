import { JPushErrorCode, MSG_ID_PATTERN, type JPushTimeUnit } from './types.js';

/*
 * JPush's argument rules, as pure checks. The datasource turns a problem into BAD_USER_INPUT
 * before any call; the simulator answers the same problem with JPush's error code, so both
 * enforce one set of rules.
 */

/** What is wrong with an argument, and the JPush error code the vendor would answer. */
export interface ArgumentProblem {
  argument: string;
  message: string;
  code: number;
}

/** JPush report v3: "Only push information within 28 days can be queried." */
export const RETENTION_DAYS = 28;
/** JPush users: "only supports querying user information within 60 days" (error 3005). */
export const USERS_RETENTION_DAYS = 60;
/** JPush report v3: up to 100 msg_ids per received/detail or messages/detail call. */
export const MAX_MSG_IDS_PER_CALL = 100;
/** JPush status/message: "A maximum of … 1000" registration ids per call. */
export const MAX_REGISTRATION_IDS = 1000;

const DAY_MS = 86_400_000;
// JPush counts days in Beijing time (UTC+8, no daylight saving): "today" is China's today.
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` that exists in the calendar, else undefined. */
export function dayNumber(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

/** `YYYY-MM-DD` of a day number. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** China's current day number and hour. */
export function chinaNow(nowMs: number = Date.now()): { day: number; hour: number } {
  const shifted = nowMs + CHINA_OFFSET_MS;
  return { day: Math.floor(shifted / DAY_MS), hour: new Date(shifted).getUTCHours() };
}

/** Months since 1970-01 of a day number. */
export function monthNumberOfDay(day: number): number {
  const date = new Date(day * DAY_MS);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

export function checkMsgId(msgId: string, argument: string): ArgumentProblem | undefined {
  if (MSG_ID_PATTERN.test(msgId)) return undefined;
  return { argument, code: JPushErrorCode.ILLEGAL_PARAMETER, message: `"${msgId}" is not a JPush msg_id (a number of up to 20 digits)` };
}

/** status/message `date`: yyyy-mm-dd, not in the future, within the 28 days JPush keeps. */
export function checkStatusDate(date: string, nowMs: number = Date.now()): ArgumentProblem | undefined {
  const day = dayNumber(date);
  const problem = (message: string): ArgumentProblem => ({ argument: 'date', code: JPushErrorCode.ILLEGAL_PARAMETER, message });
  if (day === undefined) return problem(`date "${date}" must be a calendar date YYYY-MM-DD`);
  const today = chinaNow(nowMs).day;
  if (day > today) return problem(`date ${date} is in the future (China time)`);
  if (day < today - RETENTION_DAYS) return problem(`date ${date} is older than the ${RETENTION_DAYS} days JPush keeps`);
  return undefined;
}

/** The registration ids of one status/message call: 1 to 1000 non-empty ids. */
export function checkRegistrationIds(ids: readonly string[]): ArgumentProblem | undefined {
  const problem = (message: string): ArgumentProblem => ({ argument: 'registrationIds', code: JPushErrorCode.ILLEGAL_PARAMETER, message });
  if (ids.length === 0) return problem('registrationIds must not be empty');
  if (ids.length > MAX_REGISTRATION_IDS) return problem(`at most ${MAX_REGISTRATION_IDS} registrationIds per query (got ${ids.length})`);
  if (ids.some((id) => id.trim() === '')) return problem('registrationIds must not contain an empty id');
  return undefined;
}

const START_FORMAT: Record<JPushTimeUnit, { pattern: RegExp; example: string }> = {
  HOUR: { pattern: /^(\d{4}-\d{2}-\d{2}) (\d{2})$/, example: 'YYYY-MM-DD HH' },
  DAY: { pattern: /^(\d{4}-\d{2}-\d{2})$/, example: 'YYYY-MM-DD' },
  MONTH: { pattern: /^(\d{4}-\d{2})$/, example: 'YYYY-MM' },
};

/**
 * users `time_unit` / `start` / `duration` (doc "User Statistics"): `start` in the format of its
 * unit (3004), within the last 60 days and not in the future (3005, 3007), and the window's end
 * (start + duration - 1 units) not after today either (3007); HOUR only for the current day, so
 * `start` hour + duration stays within it; duration ≥ 1.
 */
export function checkUsersQuery(
  timeUnit: JPushTimeUnit,
  start: string,
  duration: number,
  nowMs: number = Date.now(),
): ArgumentProblem | undefined {
  const format = START_FORMAT[timeUnit];
  const match = format.pattern.exec(start);
  const mismatch: ArgumentProblem = {
    argument: 'start',
    code: JPushErrorCode.TIME_UNIT_MISMATCH,
    message: `start "${start}" does not match timeUnit ${timeUnit} (${format.example})`,
  };
  if (!match) return mismatch;
  if (!Number.isInteger(duration) || duration < 1) {
    return { argument: 'duration', code: JPushErrorCode.ILLEGAL_PARAMETER, message: 'duration must be an integer ≥ 1' };
  }
  const range = (message: string): ArgumentProblem => ({ argument: 'start', code: JPushErrorCode.OUT_OF_RANGE, message });
  // 3007: "the end time does not support future times" — the whole window is checked, not only its start.
  const ends = (message: string): ArgumentProblem => ({ argument: 'duration', code: JPushErrorCode.ILLEGAL_PARAMETER, message });
  const now = chinaNow(nowMs);
  if (timeUnit === 'MONTH') {
    const first = dayNumber(`${start}-01`);
    if (first === undefined) return mismatch;
    const month = monthNumberOfDay(first);
    if (month > monthNumberOfDay(now.day)) return range(`start ${start} is in the future (China time)`);
    if (month < monthNumberOfDay(now.day - USERS_RETENTION_DAYS))
      return range(`start ${start} is older than the ${USERS_RETENTION_DAYS} days JPush keeps`);
    if (month + duration - 1 > monthNumberOfDay(now.day)) return ends(`${start} + ${duration} months ends after this month (China time)`);
    return undefined;
  }
  const day = dayNumber(match[1] ?? '');
  if (day === undefined) return mismatch;
  if (timeUnit === 'DAY') {
    if (day > now.day) return range(`start ${start} is in the future (China time)`);
    if (day < now.day - USERS_RETENTION_DAYS) return range(`start ${start} is older than the ${USERS_RETENTION_DAYS} days JPush keeps`);
    if (day + duration - 1 > now.day) return ends(`${start} + ${duration} days ends after today (${dayString(now.day)}, China time)`);
    return undefined;
  }
  const hour = Number(match[2]);
  if (hour > 23) return mismatch;
  if (day !== now.day) return range(`timeUnit HOUR only covers the current day (${dayString(now.day)}, China time)`);
  if (hour > now.hour) return range(`start ${start} is in the future (China time)`);
  if (hour + duration > 24) {
    return {
      argument: 'duration',
      code: JPushErrorCode.OUT_OF_RANGE,
      message: `timeUnit HOUR only covers the current day: ${start} + ${duration} hours passes midnight`,
    };
  }
  return undefined;
}
