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
import type { Vendor } from './domain.js';
import { badUserInput } from './errors.js';

/** What one operation will ask of the vendors, read from the document before anything runs. */
export interface OperationDemand {
  /** Ids in total: `campaign` fields, `campaigns` lists, `_entities` representations, campaign inputs, recentCampaigns pages, single-id queries. */
  ids: number;
  /** Campaign ids per vendor. */
  campaigns: Record<Vendor, number>;
  /** `deviceTrace` fields: one Tencent call (1/s) each. */
  traces: number;
  /** JPush calls that are not campaign batches: `status/message` (1000 registration ids a call) and `users`. */
  jpushCalls: number;
  /**
   * Distinct `since`/`until` windows the selected Campaign fields ask Tencent for: each window is
   * its own statistics (`funnel`, `channels`, the existence check) or loss (`lossReasons`) call.
   */
  tencentWindows: { statistics: number; loss: number };
}

/**
 * Vendor quota one operation may spend, in seconds of the vendor's own rate (CONTRACT.md table):
 * JPush 100 ids a call at 2400 calls/min (free plan), Tencent 5 TaskIDs of one window a call at
 * 1 call/s per API (statistics and loss run side by side; traces 1 a call), Alibaba 1 id a call at 50 calls/s.
 */
export function quotaSeconds(demand: OperationDemand): Record<Vendor, number> {
  const tencentBatches = Math.ceil(demand.campaigns.TENCENT / 5);
  const { statistics, loss } = demand.tencentWindows;
  return {
    JPUSH: ((Math.ceil(demand.campaigns.JPUSH / 100) + demand.jpushCalls) * 60) / 2400,
    TENCENT: Math.max(tencentBatches * statistics, tencentBatches * loss, demand.traces),
    ALIYUN: demand.campaigns.ALIYUN / 50,
  };
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
    campaigns: { JPUSH: 0, TENCENT: 0, ALIYUN: 0 },
    traces: 0,
    jpushCalls: 0,
    tencentWindows: { statistics: 0, loss: 0 },
  };
  // The existence check of every campaign reads statistics over the default window (no since/until).
  const windows = { statistics: new Set<string>([JSON.stringify([null, null])]), loss: new Set<string>() };
  const countCampaign = (vendor: unknown): void => {
    demand.ids += 1;
    if (CAMPAIGN_VENDORS.includes(vendor as Vendor)) demand.campaigns[vendor as Vendor] += 1;
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
            countCampaign(argument(selection, 'vendor'));
            if (selection.selectionSet) visitCampaign(selection.selectionSet, new Set());
            break;
          case 'campaigns': {
            const ids = argument(selection, 'ids');
            const vendor = argument(selection, 'vendor');
            for (let i = 0; i < (Array.isArray(ids) ? ids.length : 1); i++) countCampaign(vendor);
            if (selection.selectionSet) visitCampaign(selection.selectionSet, new Set());
            break;
          }
          case '_entities': {
            const representations = argument(selection, 'representations');
            for (const representation of Array.isArray(representations) ? representations : []) {
              countCampaign((representation as { vendor?: unknown } | null)?.vendor);
            }
            if (selection.selectionSet) visitCampaign(selection.selectionSet, new Set());
            break;
          }
          case 'campaignSummary':
          case 'trackCampaigns': {
            const campaigns = argument(selection, 'campaigns');
            for (const campaign of Array.isArray(campaigns) ? campaigns : [campaigns]) {
              countCampaign((campaign as { vendor?: unknown } | null)?.vendor);
            }
            break;
          }
          case 'recentCampaigns': {
            // A page's campaigns are ids too (their fields call the vendors); without a vendor filter only the total is known.
            const first = argument(selection, 'first');
            const vendor = argument(selection, 'vendor');
            for (let i = 0; i < (typeof first === 'number' ? first : 50); i++) countCampaign(vendor);
            break;
          }
          case 'deviceTrace':
            demand.ids += 1;
            demand.traces += 1;
            break;
          case 'deliveryStatus': {
            // Every registration id is an id asked for, and one status/message call carries them
            // (a list over 1000 is refused by the field itself, naming `registrationIds`).
            const registrationIds = argument(selection, 'registrationIds');
            demand.ids += Math.min(STATUS_IDS_PER_CALL, Math.max(1, Array.isArray(registrationIds) ? registrationIds.length : 1));
            demand.jpushCalls += 1;
            break;
          }
          case 'userMetrics':
            demand.ids += 1;
            demand.jpushCalls += 1;
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
          for (const [vendor, seconds] of Object.entries(quotaSeconds(demand))) {
            if (seconds > options.maxQuotaSecondsPerRequest) {
              throw refuse(
                `This operation would spend ${Math.ceil(seconds)} s of ${vendor}'s call quota; the limit is ` +
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
