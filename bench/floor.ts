import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { MINI_SDL } from './mini-schema.js';

/**
 * The framework's floor: @apollo/server + startStandaloneServer with a tiny schema, answering
 * `campaigns` from memory with the exact JSON pushgraph answered. Whatever pushgraph spends
 * beyond this server's cost (routing, limits, plugins, loaders, cache lookups, the archive) is
 * its own overhead on a hot cache.
 */
export async function startFloor(): Promise<{ url: string; setCampaigns(campaigns: unknown[]): void; stop(): Promise<void> }> {
  let campaigns: unknown[] = [];
  const server = new ApolloServer({
    typeDefs: MINI_SDL,
    resolvers: { Query: { campaigns: () => campaigns } },
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    url: url.replace(/\/$/, '') + '/graphql',
    setCampaigns: (next) => {
      campaigns = next;
    },
    stop: () => server.stop(),
  };
}
