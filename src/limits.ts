import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  type ParseOptions,
  type ValidationRule,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_APP } from './apps.js';
import type { Vendor } from './domain.js';
import { badUserInput } from './errors.js';

/** What one operation will ask of the vendors, read from the document before anything runs. */
export interface OperationDemand {
  /** Ids in total: `campaign` fields, `campaigns` lists, `_entities` representations, campaign inputs, recentCampaigns pages, single-id queries. */
  ids: number;
  /** Campaign ids per vendor and app (apps do not share a quota). */
  campaigns: Record<Vendor, Map<string, number>>;
  /** `deviceTrace` fields per Tencent app: one call (1/s) each. */
  traces: Map<string, number>;
  /** JPush calls per app that are not campaign batches: `status/message` (1000 registration ids a call) and `users`. */
  jpushCalls: Map<string, number>;
  /**
   * Distinct `since`/`until` windows the selected Campaign fields ask Tencent for: each window is
   * its own statistics (`funnel`, `channels`, the existence check) or loss (`lossReasons`) call.
   */
  tencentWindows: { statistics: number; loss: number };
}

export interface AppQuota {
  vendor: Vendor;
  app: string;
  seconds: number;
}

/** JPush ids a call: an app's messages/detail takes 100 msg_ids, a group's group/messages/detail 10. */
const JPUSH_IDS_PER_CALL = { app: 100, group: 10 };

/**
 * Vendor quota one operation may spend per app, in seconds of the vendor's own rate (CONTRACT.md
 * table): JPush 100 ids a call (a group 10) at 2400 calls/min (free plan), Tencent 5 TaskIDs of one
 * window a call at 1 call/s per API (statistics and loss run side by side; traces 1 a call),
 * Alibaba 1 id a call at 50 calls/s. `jpushGroups`: the JPush apps that are app groups.
 */
export function quotaSeconds(demand: OperationDemand, jpushGroups: ReadonlySet<string> = new Set()): AppQuota[] {
  const quotas: AppQuota[] = [];
  const jpushApps = new Set([...demand.campaigns.JPUSH.keys(), ...demand.jpushCalls.keys()]);
  for (const app of jpushApps) {
    const perCall = jpushGroups.has(app) ? JPUSH_IDS_PER_CALL.group : JPUSH_IDS_PER_CALL.app;
    const calls = Math.ceil((demand.campaigns.JPUSH.get(app) ?? 0) / perCall) + (demand.jpushCalls.get(app) ?? 0);
    quotas.push({ vendor: 'JPUSH', app, seconds: (calls * 60) / 2400 });
  }
  const { statistics, loss } = demand.tencentWindows;
  for (const app of new Set([...demand.campaigns.TENCENT.keys(), ...demand.traces.keys()])) {
    const batches = Math.ceil((demand.campaigns.TENCENT.get(app) ?? 0) / 5);
    quotas.push({ vendor: 'TENCENT', app, seconds: Math.max(batches * statistics, batches * loss, demand.traces.get(app) ?? 0) });
  }
  for (const [app, count] of demand.campaigns.ALIYUN) quotas.push({ vendor: 'ALIYUN', app, seconds: count / 50 });
  return quotas;
}

const CAMPAIGN_VENDORS: readonly Vendor[] = ['JPUSH', 'TENCENT', 'ALIYUN'];

/** JPush `status/message`: "A maximum of … 1000" registration ids per call (one call per field). */
const STATUS_IDS_PER_CALL = 1000;

/** Campaign fields backed by a windowed Tencent API. */
const WINDOWED_FIELDS: Record<string, 'statistics' | 'loss'> = { funnel: 'statistics', channels: 'statistics', lossReasons: 'loss' };

export function measureDemand(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationDemand {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const demand: OperationDemand = {
    ids: 0,
    campaigns: { JPUSH: new Map(), TENCENT: new Map(), ALIYUN: new Map() },
    traces: new Map(),
    jpushCalls: new Map(),
    tencentWindows: { statistics: 0, loss: 0 },
  };
  // The existence check of every campaign reads statistics over the default window (no since/until).
  const windows = { statistics: new Set<string>([JSON.stringify([null, null])]), loss: new Set<string>() };
  const add = (counts: Map<string, number>, app: unknown): void => {
    const name = typeof app === 'string' ? app : DEFAULT_APP;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  const countCampaign = (vendor: unknown, app: unknown): void => {
    demand.ids += 1;
    if (CAMPAIGN_VENDORS.includes(vendor as Vendor)) add(demand.campaigns[vendor as Vendor], app);
  };
  const argument = (field: FieldNode, name: string): unknown => {
    const node = field.arguments?.find((arg) => arg.name.value === name);
    return node ? valueFromASTUntyped(node.value, variables) : undefined;
  };
  // Fields under a campaign: each distinct window of a windowed field; fragments followed once each.
  const visitCampaign = (selectionSet: SelectionSetNode, seen: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) visitCampaign(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) visitCampaign(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      } else {
        const api = WINDOWED_FIELDS[selection.name.value];
        if (api) windows[api].add(JSON.stringify([argument(selection, 'since') ?? null, argument(selection, 'until') ?? null]));
      }
    }
  };
  // Only root fields take ids; fragments at the root are followed once each (no cycles at the root).
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) visit(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      } else {
        switch (selection.name.value) {
          case 'campaign':
            countCampaign(argument(selection, 'vendor'), argument(selection, 'app'));
            if (selection.selectionSet) visitCampaign(selection.selectionSet, new Set());
            break;
          case 'campaigns': {
            const ids = argument(selection, 'ids');
            const [vendor, app] = [argument(selection, 'vendor'), argument(selection, 'app')];
            for (let i = 0; i < (Array.isArray(ids) ? ids.length : 1); i++) countCampaign(vendor, app);
            if (selection.selectionSet) visitCampaign(selection.selectionSet, new Set());
            break;
          }
          case '_entities': {
            const representations = argument(selection, 'representations');
            for (const representation of Array.isArray(representations) ? representations : []) {
              const { vendor, app } = (representation as { vendor?: unknown; app?: unknown } | null) ?? {};
              countCampaign(vendor, app);
            }
            if (selection.selectionSet) visitCampaign(selection.selectionSet, new Set());
            break;
          }
          case 'campaignSummary':
          case 'trackCampaigns': {
            const campaigns = argument(selection, 'campaigns');
            for (const campaign of Array.isArray(campaigns) ? campaigns : [campaigns]) {
              const { vendor, app } = (campaign as { vendor?: unknown; app?: unknown } | null) ?? {};
              countCampaign(vendor, app);
            }
            break;
          }
          case 'recentCampaigns': {
            // A page's campaigns are ids too (their fields call the vendors); without a vendor filter only the total is known.
            const first = argument(selection, 'first');
            const [vendor, app] = [argument(selection, 'vendor'), argument(selection, 'app')];
            for (let i = 0; i < (typeof first === 'number' ? first : 50); i++) countCampaign(vendor, app);
            break;
          }
          case 'deviceTrace':
            demand.ids += 1;
            add(demand.traces, argument(selection, 'app'));
            break;
          case 'deliveryStatus': {
            // Every registration id is an id asked for, and one status/message call carries them
            // (a list over 1000 is refused by the field itself, naming `registrationIds`).
            const registrationIds = argument(selection, 'registrationIds');
            demand.ids += Math.min(STATUS_IDS_PER_CALL, Math.max(1, Array.isArray(registrationIds) ? registrationIds.length : 1));
            add(demand.jpushCalls, argument(selection, 'app'));
            break;
          }
          case 'userMetrics':
            demand.ids += 1;
            add(demand.jpushCalls, argument(selection, 'app'));
            break;
        }
      }
    }
  };
  visit(operation.selectionSet, new Set());
  demand.tencentWindows = { statistics: windows.statistics.size, loss: windows.loss.size };
  return demand;
}

function refuse(message: string): GraphQLError {
  return badUserInput(message, undefined, 400);
}

export interface LimitOptions {
  maxIdsPerRequest: number;
  maxQuotaSecondsPerRequest: number;
  /** The JPush apps that are app groups (10 ids a call). */
  jpushGroups?: ReadonlySet<string>;
}

/**
 * Refuses, before any vendor call, an operation asking too many ids in total or one that would
 * spend more than `maxQuotaSecondsPerRequest` of any vendor's rate. Batched campaigns are cheap
 * (JPush: 100 a call); Tencent traces cost a second each, and so does every 5 TaskIDs of each
 * distinct window; `deliveryStatus` costs its registration ids and its status/message calls.
 */
export function vendorDemandLimit(options: LimitOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const demand = measureDemand(document, operation, request.variables ?? {});
          if (demand.ids > options.maxIdsPerRequest) {
            throw refuse(`This operation asks for ${demand.ids} ids; the limit is ${options.maxIdsPerRequest} (MAX_IDS_PER_REQUEST).`);
          }
          for (const { vendor, app, seconds } of quotaSeconds(demand, options.jpushGroups)) {
            if (seconds > options.maxQuotaSecondsPerRequest) {
              const whose = app === DEFAULT_APP ? `${vendor}'s` : `${vendor} app "${app}"'s`;
              throw refuse(
                `This operation would spend ${Math.ceil(seconds)} s of ${whose} call quota; the limit is ` +
                  `${options.maxQuotaSecondsPerRequest} s (MAX_QUOTA_SECONDS_PER_REQUEST). Split it into smaller operations.`,
              );
            }
          }
        },
      };
    },
  };
}

/**
 * An operation type the schema does not define (a `mutation` or `subscription` where there is none)
 * is the caller's mistake: refused at validation (400 GRAPHQL_VALIDATION_FAILED), not left to fail in execution.
 */
export const KnownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() }[
      node.operation
    ];
    if (!root) context.reportError(new GraphQLError(`This schema has no ${node.operation} operations.`, { nodes: node }));
  },
});

export interface ShapeLimits {
  validationRules: ValidationRule[];
  plugins: NonNullable<ReturnType<ApolloArmor['protect']>['plugins']>;
  parseOptions: ParseOptions;
}

/** Shape limits from graphql-armor: depth, aliases, directives; tokens by graphql-js's parser. Cost is the vendor-quota limit above. */
export function shapeLimits(options: { maxIdsPerRequest: number }): ShapeLimits {
  const armor = new ApolloArmor({
    // Aliased `campaign` fields are legitimate batching; each alias is also an id, capped above.
    maxAliases: { n: options.maxIdsPerRequest + 50 },
    maxDepth: { n: 12 },
    // Armor's token plugin re-parses in parsingDidStart, where a syntax error becomes a 500; Apollo's
    // own parse counts tokens instead (parseOptions), so any broken document is a 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    costLimit: { enabled: false },
    // Introspection is on (GraphiQL), so suggestions hide nothing.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: [...(armor.validationRules ?? []), KnownOperationTypes],
    plugins: armor.plugins ?? [],
    parseOptions: { maxTokens: 100_000 },
  };
}
