import type { TimeUnit } from '../../domain.js';
import { GROUP_MSG_ID_PATTERN } from './group-types.js';
import { JPushErrorCode } from './types.js';
import { checkUsersQuery, chinaNow, dayNumber, monthNumberOfDay, type ArgumentProblem } from './validate.js';

/*
 * The group endpoints' argument rules, as pure checks shared by the datasource (BAD_USER_INPUT
 * before any call) and the group simulator (JPush's error code), like validate.ts.
 */

/** group/messages/detail: "up to 10 supported group_msgids". */
export const MAX_GROUP_MSG_IDS_PER_CALL = 10;
/** group/users: "only user information within 30 days" for an app group (error 3005), not an app's 60. */
export const GROUP_USERS_RETENTION_DAYS = 30;

export function checkGroupMsgId(groupMsgId: string, argument: string): ArgumentProblem | undefined {
  if (GROUP_MSG_ID_PATTERN.test(groupMsgId)) return undefined;
  return {
    argument,
    code: JPushErrorCode.ILLEGAL_PARAMETER,
    message: `"${groupMsgId}" is not a JPush group_msgid (1 to 64 letters and digits)`,
  };
}

/**
 * group/users: every rule of users (unit format 3004, HOUR only today, not in the future), with the
 * group's 30 days instead of 60.
 */
export function checkGroupUsersQuery(
  timeUnit: TimeUnit,
  start: string,
  duration: number,
  nowMs: number = Date.now(),
): ArgumentProblem | undefined {
  const problem = checkUsersQuery(timeUnit, start, duration, nowMs);
  if (problem || timeUnit === 'HOUR') return problem;
  const today = chinaNow(nowMs).day;
  const first = dayNumber(timeUnit === 'MONTH' ? `${start}-01` : start) ?? today;
  const tooOld =
    timeUnit === 'MONTH'
      ? monthNumberOfDay(first) < monthNumberOfDay(today - GROUP_USERS_RETENTION_DAYS)
      : first < today - GROUP_USERS_RETENTION_DAYS;
  if (!tooOld) return undefined;
  return {
    argument: 'start',
    code: JPushErrorCode.OUT_OF_RANGE,
    message: `start ${start} is older than the ${GROUP_USERS_RETENTION_DAYS} days JPush keeps for an app group`,
  };
}
