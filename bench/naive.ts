import { z } from 'zod/v4';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { basicAuthorization } from '../src/datasources/jpush/client.js';
import { toReport, type JPushReport } from '../src/datasources/jpush/mapper.js';
import { JPushMessageDetailSchema, quoteMsgIds } from '../src/datasources/jpush/types.js';
import { MINI_SDL } from './mini-schema.js';

export interface NaiveOptions {
  /** The JPush Report API base (`…/v3`) and credentials. */
  baseUrl: string;
  appKey: string;
  masterSecret: string;
}

/**
 * What a hand-written REST wrapper (or an unbatched Mesh / Connectors setup) does: each Campaign
 * is fetched on its own, `GET messages/detail?msg_ids=<one id>`. It maps the answer with
 * pushgraph's own zod schema and mapper, so the comparison isolates batching and nothing else.
 */
export async function startNaive(options: NaiveOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const authorization = basicAuthorization(options.appKey, options.masterSecret);
  const fetchCampaign = async (id: string): Promise<(JPushReport & { vendor: 'JPUSH'; id: string; availability: 'READY' }) | null> => {
    const response = await fetch(`${options.baseUrl}/messages/detail?msg_ids=${id}`, { headers: { authorization } });
    if (!response.ok) throw new Error(`JPush answered HTTP ${response.status}`);
    const [detail] = z.array(JPushMessageDetailSchema).parse(JSON.parse(quoteMsgIds(await response.text())));
    return detail ? { vendor: 'JPUSH', id, availability: 'READY', ...toReport(detail) } : null;
  };
  const server = new ApolloServer({
    typeDefs: MINI_SDL,
    resolvers: { Query: { campaigns: (_parent: unknown, args: { ids: string[] }) => args.ids.map(fetchCampaign) } },
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: url.replace(/\/$/, '') + '/graphql', stop: () => server.stop() };
}
