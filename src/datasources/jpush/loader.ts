import type { AnswerCache } from '../../cache.js';
import type { CampaignRef, DeviceDelivery, TimeUnit, UserMetrics } from '../../domain.js';
import { badUserInput, VendorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { SharedBatcher } from '../batcher.js';
import { unreadable, type AnswerItem } from '../http.js';
import { Interest } from '../interest.js';
import { defaultViewCampaigns, type CampaignSource } from '../vendor.js';
import type { JPushClient } from './client.js';
import { toDeliveryStatus, toFallbackReport, toReport, toUserMetrics, type JPushReport } from './mapper.js';
import { JPushErrorCode, type JPushUsersItemParsed } from './types.js';
import {
  checkMsgId,
  checkRegistrationIds,
  checkStatusDate,
  checkUsersQuery,
  MAX_MSG_IDS_PER_CALL,
  MAX_REGISTRATION_IDS,
  type ArgumentProblem,
} from './validate.js';

/**
 * The Campaign fields of a JPush app or app group: one report (messages/detail or
 * group/messages/detail) is the whole default view, so the plain fields read it from the parent.
 */
export function reportCampaigns(
  app: string,
  validateId: (id: string) => void,
  report: (id: string) => Promise<JPushReport | null>,
  reports: SharedBatcher<string, JPushReport>,
): CampaignSource {
  return {
    validateId,
    ...defaultViewCampaigns(
      report,
      (id) => reports.cached(id),
      (id, found): CampaignRef => ({
        vendor: 'JPUSH',
        app,
        id,
        view: { availability: 'READY', funnel: found.funnel, channels: found.channels, lossReasons: [], sms: null },
      }),
    ),
    // JPush publishes figures as deliveries happen: any id it answers for is READY.
    availability: async (id) => {
      await report(id);
      return 'READY';
    },
    funnel: async (id) => (await report(id))?.funnel ?? null,
    channels: async (id) => (await report(id))?.channels ?? null,
    // JPush has no loss analysis and no SMS fallback (contract).
    lossReasons: async () => [],
    sms: async () => null,
  };
}

/** What the JPush resolvers need for one request, beyond every vendor's Campaign fields. */
export interface JPushSource extends CampaignSource {
  /**
   * status/message, in the order of `registrationIds` (duplicates once). A device JPush leaves
   * out of its answer is left out here too: DeliveryStatus has no "unknown", and inventing
   * one of JPush's five answers would be wrong.
   */
  deliveryStatus(msgId: string, registrationIds: string[], date: string | null | undefined): Promise<DeviceDelivery[]>;
  userMetrics(timeUnit: TimeUnit, start: string, duration: number): Promise<UserMetrics>;
}

export interface JPushLoadersOptions {
  client: JPushClient;
  cache: AnswerCache;
  /** How long an answer is reused across requests (`CACHE_TTL_SECONDS`). */
  ttlMs: number;
  logger: Logger;
  /** The app's name (PUSHGRAPH_APPS), carried by its campaigns. */
  app: string;
}

type DeliveryStatus = DeviceDelivery['status'];

interface StatusKey {
  msgId: string;
  /** undefined = JPush's default (today). */
  date: string | undefined;
  registrationId: string;
}

export interface UsersKey {
  timeUnit: TimeUnit;
  start: string;
  duration: number;
}

const usersKey = (key: UsersKey): string => `${key.timeUnit}|${key.start}|${key.duration}`;

/**
 * users (an app's) or group/users (a group's), over the shared answer cache. One question per
 * call: batching cannot merge users queries, the shared cache still dedupes them.
 */
export function usersBatcher(
  name: string,
  getUsers: (timeUnit: TimeUnit, start: string, duration: number) => Promise<JPushUsersItemParsed[]>,
  cache: AnswerCache,
  ttlMs: number,
): SharedBatcher<UsersKey, UserMetrics> {
  return new SharedBatcher({
    name,
    cache,
    ttlMs,
    maxBatchSize: 1,
    keyOf: usersKey,
    fetchBatch: async (keys) =>
      new Map(
        await Promise.all(
          keys.map(async (key) => {
            const items = await getUsers(key.timeUnit, key.start, key.duration);
            return [usersKey(key), toUserMetrics(key.timeUnit, key.start, key.duration, items)] as const;
          }),
        ),
      ),
  });
}
const statusGroup = (key: StatusKey): string => `${key.msgId}|${key.date ?? ''}`;
// The registration id comes last, so the key is unambiguous whatever characters it holds.
const statusKey = (key: StatusKey): string => `${statusGroup(key)}|${key.registrationId}`;

// How long an app that answered 2003 is served from received/detail before messages/detail is
// tried again: apps gain the VIP interface by contract with JPush, rarely, so an hour is cheap.
const VIP_RECHECK_MS = 3_600_000;

function reject(problem: ArgumentProblem | undefined): void {
  if (problem) throw badUserInput(problem.message, problem.argument);
}

/** Per msg_id: its report, or the Error of an element that could not be read (that campaign alone fails). */
function answers<T extends { msg_id: string }>(
  items: ReadonlyArray<AnswerItem<T>>,
  map: (item: T) => JPushReport,
): Map<string, JPushReport | Error> {
  return new Map(
    items.map((item): [string, JPushReport | Error] =>
      item.ok ? [item.value.msg_id, map(item.value)] : [item.id, unreadable('JPUSH', item.field)],
    ),
  );
}

function validateMsgId(id: string): void {
  reject(checkMsgId(id, 'id'));
}

/**
 * The process-wide part of the JPush datasource: one SharedBatcher per endpoint (answer cache and
 * in-flight table shared by every request), and what this app key may use. `createSource()`
 * gives each request fresh DataLoaders over them.
 */
export class JPushLoaders {
  private readonly reports: SharedBatcher<string, JPushReport>;
  private readonly statuses: SharedBatcher<StatusKey, DeliveryStatus>;
  private readonly users: SharedBatcher<UsersKey, UserMetrics>;
  /** Who still waits for each msg_id: a report call none of whose ids is awaited leaves the quota queue. */
  private readonly interest = new Interest();
  /** Until when this app key is known to lack messages/detail (JPush 2003). */
  private vipMissingUntil = 0;

  constructor(private readonly options: JPushLoadersOptions) {
    const { client, cache, ttlMs } = options;
    // Names carry the app key: two apps in one cache (Redis) never share answers.
    this.reports = new SharedBatcher({
      name: `jpush.report:${client.appKey}`,
      cache,
      ttlMs,
      // JPush report v3: ≤100 msg_ids per messages/detail and received/detail call.
      maxBatchSize: MAX_MSG_IDS_PER_CALL,
      keyOf: (id) => id,
      fetchBatch: (ids) => this.fetchReports(ids),
    });
    this.statuses = new SharedBatcher({
      name: `jpush.statusMessage:${client.appKey}`,
      cache,
      ttlMs,
      // JPush status/message: one msg_id (and date) per call, ≤1000 registration_ids.
      maxBatchSize: MAX_REGISTRATION_IDS,
      keyOf: statusKey,
      groupOf: statusGroup,
      fetchBatch: (keys) => this.fetchStatuses(keys),
    });
    this.users = usersBatcher(`jpush.users:${client.appKey}`, (...query) => client.getUsers(...query), cache, ttlMs);
  }

  /**
   * messages/detail, or received/detail for an app without the VIP interface: JPush answers 2003,
   * remembered for this app key (process-wide), so later batches go straight to received/detail.
   */
  private async fetchReports(ids: string[]): Promise<Map<string, JPushReport | Error>> {
    if (Date.now() >= this.vipMissingUntil) {
      try {
        return answers(await this.options.client.getMessagesDetail(ids, this.interest.signalAll(ids)), toReport);
      } catch (error) {
        if (!(error instanceof VendorError && error.detail.vendorCode === String(JPushErrorCode.NOT_AUTHORIZED))) throw error;
        this.vipMissingUntil = Date.now() + VIP_RECHECK_MS;
        this.options.logger.warn(
          { vendor: 'JPUSH', appKey: this.options.client.appKey },
          'JPush app lacks messages/detail (2003): campaigns fall back to received/detail',
        );
      }
    }
    return answers(await this.options.client.getReceivedDetail(ids, this.interest.signalAll(ids)), toFallbackReport);
  }

  private async fetchStatuses(keys: StatusKey[]): Promise<Map<string, DeliveryStatus>> {
    const answers = new Map<string, DeliveryStatus>();
    const [first] = keys;
    if (!first) return answers;
    const answer = await this.options.client.postStatusMessage(
      first.msgId,
      keys.map((key) => key.registrationId),
      first.date,
    );
    for (const [registrationId, { status }] of Object.entries(answer)) {
      answers.set(statusKey({ ...first, registrationId }), toDeliveryStatus(status));
    }
    return answers;
  }

  /**
   * A fresh source for one request: its DataLoaders batch this request's ids, then are dropped.
   * The request holds its msg_ids while it waits; `signal` (the client went away) lets go of them.
   */
  createSource(signal?: AbortSignal): JPushSource {
    const reports = this.reports.loader();
    const statuses = this.statuses.loader();
    const users = this.users.loader();
    // funnel, channels and availability of one id share the request's one load of it.
    const report = async (id: string): Promise<JPushReport | null> => {
      validateMsgId(id);
      const holding = this.interest.hold(id, signal);
      try {
        return await reports.load(id);
      } finally {
        holding.answered();
      }
    };
    return {
      ...reportCampaigns(this.options.app, validateMsgId, report, this.reports),
      deliveryStatus: async (msgId, registrationIds, date) => {
        reject(checkMsgId(msgId, 'msgId'));
        reject(checkRegistrationIds(registrationIds));
        if (date !== null && date !== undefined) reject(checkStatusDate(date));
        const asked = [...new Set(registrationIds)];
        const answers = await statuses.loadMany(asked.map((registrationId) => ({ msgId, date: date ?? undefined, registrationId })));
        const deliveries: DeviceDelivery[] = [];
        for (const [index, registrationId] of asked.entries()) {
          const status = answers[index];
          if (status instanceof Error) throw status;
          if (status) deliveries.push({ registrationId, status });
        }
        return deliveries;
      },
      userMetrics: async (timeUnit, start, duration) => {
        reject(checkUsersQuery(timeUnit, start, duration));
        return (await users.load({ timeUnit, start, duration })) ?? toUserMetrics(timeUnit, start, duration, []);
      },
    };
  }
}
