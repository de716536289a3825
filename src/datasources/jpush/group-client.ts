import type { z } from 'zod/v4';
import { parseVendorJson, type VendorHttp, type VendorResponse } from '../http.js';
import { basicAuthorization, toFailure } from './client.js';
import { GROUP_MSG_ID_PATTERN, JPushGroupMessagesDetailSchema, type JPushGroupItem } from './group-types.js';
import { MAX_GROUP_MSG_IDS_PER_CALL } from './group-validate.js';
import { JPushUsersAnswerSchema, type JPushTimeUnit, type JPushUsersItemParsed } from './types.js';

export interface JPushGroupClientOptions {
  /** Report API base, as for an app (`https://report.jpush.cn/v3`). */
  baseUrl: string;
  groupKey: string;
  groupSecret: string;
  /** The shared HTTP layer, with the group's own {@link JPushQuota}: the group's quota is its own. */
  http: VendorHttp;
}

/**
 * The group statistics of JPush Report API v3 for one app group. Same error bodies, quota headers
 * and HTTP layer as an app's client; Basic auth with `group-<groupKey>:<groupSecret>` (doc).
 */
export class JPushGroupClient {
  readonly groupKey: string;
  private readonly baseUrl: string;
  // Built once; never logged: VendorHttp logs endpoints and codes, not headers.
  private readonly authorization: string;

  constructor(private readonly options: JPushGroupClientOptions) {
    this.groupKey = options.groupKey;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = basicAuthorization(`group-${options.groupKey}`, options.groupSecret);
  }

  /** `GET /v3/group/messages/detail` (VIP): up to 10 group_msgids; unknown ids are absent from the answer. */
  getMessagesDetail(groupMsgIds: readonly string[]): Promise<JPushGroupItem[]> {
    // The loader validates ids before any call; this guards what goes into the URL.
    if (groupMsgIds.length > MAX_GROUP_MSG_IDS_PER_CALL || !groupMsgIds.every((id) => GROUP_MSG_ID_PATTERN.test(id))) {
      throw new RangeError('JPush group_msgids must be validated and batched before a call');
    }
    return this.options.http.call({
      endpoint: 'group/messages/detail',
      ids: groupMsgIds.length,
      request: () => ({
        url: `${this.baseUrl}/group/messages/detail?group_msgids=${groupMsgIds.join(',')}`,
        headers: { authorization: this.authorization },
      }),
      parse: (response) => parse(response, JPushGroupMessagesDetailSchema),
    });
  }

  /** `GET /v3/group/users` (VIP): new / online / active users of the group's apps, 30 days back. */
  async getUsers(timeUnit: JPushTimeUnit, start: string, duration: number): Promise<JPushUsersItemParsed[]> {
    const query = `time_unit=${timeUnit}&start=${encodeURIComponent(start)}&duration=${duration}`;
    const answer = await this.options.http.call({
      endpoint: 'group/users',
      request: () => ({ url: `${this.baseUrl}/group/users?${query}`, headers: { authorization: this.authorization } }),
      parse: (response) => parse(response, JPushUsersAnswerSchema),
    });
    return answer.items;
  }
}

function parse<S extends z.ZodType>(response: VendorResponse, schema: S): z.output<S> {
  const failure = toFailure(response);
  if (failure) throw failure;
  return parseVendorJson('JPUSH', response, schema);
}
