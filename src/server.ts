import { readFileSync, readdirSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import { createHash } from 'node:crypto';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeTypeDefs } from '@graphql-tools/merge';
import { BREAK, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { recordOperationOutcome, requestErrorStatus } from './http/status-codes.js';
import { shapeLimits, vendorDemandLimit } from './limits.js';
import { operationSpans } from './tracing.js';
import type { Logger } from './logger.js';
import { resolvers } from './resolvers/index.js';

const SCHEMA_DIR = new URL('../schema/', import.meta.url);

/** The SDL files of schema/, merged into one document (the federation `@link` included). */
export function loadTypeDefs(): DocumentNode {
  const files = readdirSync(SCHEMA_DIR)
    .filter((name) => name.endsWith('.graphql'))
    .sort();
  return mergeTypeDefs(files.map((name) => readFileSync(new URL(name, SCHEMA_DIR), 'utf8')));
}

export function buildSchema(): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: loadTypeDefs(), resolvers });
}

export interface ServerOptions {
  logger: Logger;
  config: Config;
  /** Where automatic persisted queries live; Redis with REDIS_URL so every replica knows every hash. */
  persistedQueries?: KeyValueCache<string>;
  /** Whole answers of repeated queries: Redis with REDIS_URL (shared by replicas), a bounded LRU otherwise. */
  responseCache: KeyValueCache<string>;
  /** Counts response-cache lookups (hit, miss) for /metrics. */
  onResponseCache?: (outcome: 'hit' | 'miss') => void;
  /** The JPush apps that are app groups: the quota limit costs their 10 ids a call. */
  jpushGroups?: ReadonlySet<string>;
}

export function buildServer(options: ServerOptions): ApolloServer<Context> {
  const { config } = options;
  const armor = shapeLimits(config);
  return new ApolloServer<Context>({
    schema: buildSchema(),
    introspection: config.introspection,
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    // A day: long enough for clients to keep hitting by hash, short enough not to pile up in Redis.
    ...(options.persistedQueries ? { persistedQueries: { cache: options.persistedQueries, ttl: 86_400 } } : {}),
    // Stack traces can carry vendor URLs; clients get codes and messages only.
    includeStacktraceInErrorResponses: false,
    // src/index.ts owns SIGTERM: it drains HTTP first; Apollo's own handler would re-raise the signal mid-request.
    stopOnTerminationSignals: false,
    plugins: [
      // graphql-armor types against Apollo's CJS build; the plugin objects are the same at run time.
      ...(armor.plugins as unknown as Array<ApolloServerPlugin<Context>>),
      vendorDemandLimit({ ...config, jpushGroups: options.jpushGroups }),
      requestErrorStatus(),
      recordOperationOutcome(),
      operationSpans(),
      // Vendor figures are reused for CACHE_TTL_SECONDS here, so a router may reuse them as long.
      ApolloServerPluginCacheControl({ defaultMaxAge: config.cacheTtlSeconds, calculateHttpHeaders: true }),
      privateWhenKeyed(config),
      ...responseCache(options),
      // GraphiQL is served by us from local files (no CDN); Apollo's landing page loads from one.
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger: options.logger,
  });
}

/**
 * A keyed answer is the caller's own: `Cache-Control: private`, so no shared cache hands it to a
 * caller without the key (RFC 9111 §3.5). The cache-control plugin turns the restricted policy
 * into the header.
 */
function privateWhenKeyed(config: Config): ApolloServerPlugin<Context> {
  const keyed = config.apiKeys.length > 0;
  return {
    async requestDidStart({ request }) {
      if (!keyed && !request.http?.headers.has('authorization')) return;
      return {
        async executionDidStart({ overallCachePolicy }) {
          overallCachePolicy.restrict({ scope: 'PRIVATE' });
        },
      };
    },
  };
}

/**
 * Repeated queries answered whole from the cache, for as long as their cache hints allow (at most
 * CACHE_TTL_SECONDS). The plugin keys by query text, operation name and variables, never caches
 * mutations or answers with errors, and keeps PRIVATE answers (all of them when keyed) per session:
 * the SHA-256 of the caller's bearer key, so two keys never share and the key never reaches the store.
 * `_entities` is cached too: the router sends the representations as variables, so they are in the key.
 */
function responseCache(options: ServerOptions): Array<ApolloServerPlugin<Context>> {
  const { onResponseCache } = options;
  // An answer is stored on its operation's second ask within the TTL (query text and variables,
  // whoever asks): a polling dashboard is served whole from its third poll on, while a stream of
  // one-off operations (aliases or comments differing on every load) costs no second serialization
  // of every answer and evicts nothing. Per process: with REDIS_URL each replica admits on its own.
  const asked = new LRUCache<string, true>({ max: 10_000, ttl: options.config.cacheTtlSeconds * 1000 });
  const askedBefore = (queryHash: string, variables: unknown): boolean => {
    const key = createHash('sha256')
      .update(queryHash)
      .update(JSON.stringify(variables ?? {}))
      .digest('base64');
    if (asked.has(key)) return true;
    asked.set(key, true);
    return false;
  };
  const cache = ApolloServerPluginResponseCache<Context>({
    cache: options.responseCache,
    sessionId: async ({ request }) => {
      const key = /^Bearer\s+(\S+)\s*$/i.exec(request.http?.headers.get('authorization') ?? '')?.[1];
      return key === undefined ? null : createHash('sha256').update(key).digest('hex');
    },
    // recentCampaigns is pushgraph's own discovery state, changed by every campaign asked and every
    // trackCampaigns: an answer cached for the TTL would hide campaigns just seen.
    shouldReadFromCache: async ({ document }) => !selectsRecentCampaigns(document),
    shouldWriteToCache: async ({ document, queryHash, request }) =>
      !selectsRecentCampaigns(document) && queryHash !== undefined && askedBefore(queryHash, request.variables),
  });
  if (!onResponseCache) return [cache];
  const counted: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, metrics }) {
          if (operation?.operation === 'query') onResponseCache(metrics.responseCacheHit ? 'hit' : 'miss');
        },
      };
    },
  };
  return [cache, counted];
}

/**
 * Whether the document asks for recentCampaigns anywhere (a Query-only field: anywhere means at the
 * root, fragments included). Once per document: Apollo keeps one per query text, and both the
 * cache's read and its write ask.
 */
const asksRecentCampaigns = new WeakMap<DocumentNode, boolean>();
function selectsRecentCampaigns(document: DocumentNode | undefined): boolean {
  if (!document) return false;
  let found = asksRecentCampaigns.get(document);
  if (found !== undefined) return found;
  found = false;
  visit(document, {
    Field: (node) => {
      if (node.name.value !== 'recentCampaigns') return undefined;
      found = true;
      return BREAK;
    },
  });
  asksRecentCampaigns.set(document, found);
  return found;
}
