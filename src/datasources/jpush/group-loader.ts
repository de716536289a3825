import type { AnswerCache } from '../../cache.js';
import type { UserMetrics } from '../../domain.js';
import { badUserInput } from '../../errors.js';
import { SharedBatcher } from '../batcher.js';
import { unreadable } from '../http.js';
import type { JPushGroupClient } from './group-client.js';
import { toGroupReport } from './group-mapper.js';
import { checkGroupMsgId, checkGroupUsersQuery, MAX_GROUP_MSG_IDS_PER_CALL } from './group-validate.js';
import { reportCampaigns, usersBatcher, type JPushSource, type UsersKey } from './loader.js';
import { toUserMetrics, type JPushReport } from './mapper.js';
import type { ArgumentProblem } from './validate.js';

export interface JPushGroupLoadersOptions {
  client: JPushGroupClient;
  cache: AnswerCache;
  /** How long an answer is reused across requests (`CACHE_TTL_SECONDS`). */
  ttlMs: number;
  /** The app's name in PUSHGRAPH_APPS, for messages. */
  app: string;
}

function reject(problem: ArgumentProblem | undefined): void {
  if (problem) throw badUserInput(problem.message, problem.argument);
}

function validateGroupMsgId(id: string): void {
  reject(checkGroupMsgId(id, 'id'));
}

/**
 * The process-wide part of one JPush app group: group/messages/detail batched by 10 and
 * group/users, over the shared answer cache. `createSource()` gives the same JPushSource as an
 * app's loaders, so a group plugs in wherever an app does.
 */
export class JPushGroupLoaders {
  private readonly reports: SharedBatcher<string, JPushReport>;
  private readonly users: SharedBatcher<UsersKey, UserMetrics>;

  constructor(private readonly options: JPushGroupLoadersOptions) {
    const { client, cache, ttlMs } = options;
    // Names carry the group key: a group and an app (or two groups) never share answers.
    this.reports = new SharedBatcher({
      name: `jpush.groupReport:${client.groupKey}`,
      cache,
      ttlMs,
      maxBatchSize: MAX_GROUP_MSG_IDS_PER_CALL,
      keyOf: (id) => id,
      fetchBatch: async (ids) => {
        const items = await client.getMessagesDetail(ids);
        return new Map(
          items.map((item): [string, JPushReport | Error] =>
            item.ok ? [item.value.group_msgid, toGroupReport(item.value)] : [item.id, unreadable('JPUSH', item.field)],
          ),
        );
      },
    });
    this.users = usersBatcher(`jpush.groupUsers:${client.groupKey}`, (...query) => client.getUsers(...query), cache, ttlMs);
  }

  /** A fresh source for one request: its DataLoaders batch this request's ids, then are dropped. */
  createSource(): JPushSource {
    const reports = this.reports.loader();
    const users = this.users.loader();
    const report = async (id: string): Promise<JPushReport | null> => {
      validateGroupMsgId(id);
      return reports.load(id);
    };
    return {
      ...reportCampaigns(this.options.app, validateGroupMsgId, report, this.reports),
      // JPush has no per-device status for a group: status/message takes an app's msg_id.
      deliveryStatus: async () => {
        throw badUserInput(`app "${this.options.app}" is a JPush app group: deliveryStatus needs an app`, 'app');
      },
      userMetrics: async (timeUnit, start, duration) => {
        reject(checkGroupUsersQuery(timeUnit, start, duration));
        return (await users.load({ timeUnit, start, duration })) ?? toUserMetrics(timeUnit, start, duration, []);
      },
    };
  }
}
