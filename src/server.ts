import { readFileSync, readdirSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mergeTypeDefs } from '@graphql-tools/merge';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Context } from './context.js';
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
  introspection?: boolean;
}

export function buildServer(options: ServerOptions): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: buildSchema(),
    introspection: options.introspection ?? true,
    // Stack traces can carry vendor URLs; clients get codes and messages only.
    includeStacktraceInErrorResponses: false,
    // GraphiQL is served by us from local files (no CDN); Apollo's landing page loads from one.
    plugins: [ApolloServerPluginLandingPageDisabled()],
    logger: options.logger,
  });
}
