import { readFileSync, readdirSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeTypeDefs } from '@graphql-tools/merge';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { requestErrorStatus } from './http/status-codes.js';
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
      vendorDemandLimit(config),
      requestErrorStatus(),
      operationSpans(),
      // Vendor figures are reused for CACHE_TTL_SECONDS here, so a router may reuse them as long.
      ApolloServerPluginCacheControl({ defaultMaxAge: config.cacheTtlSeconds, calculateHttpHeaders: true }),
      privateWhenKeyed(config),
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
