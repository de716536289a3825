import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers.js';
import { startVendorFakes, type VendorFakes } from './vendor-fakes.js';

/** An outside subgraph, as a company's marketing service would write it: it only references pushes. */
const MARKETING_SDL = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  enum Vendor { JPUSH TENCENT ALIYUN }

  type Campaign @key(fields: "vendor id", resolvable: false) {
    vendor: Vendor!
    id: ID!
  }

  type MarketingCampaign {
    id: ID!
    name: String!
    pushes: [Campaign!]!
  }

  type Query {
    marketingCampaign(id: ID!): MarketingCampaign
  }
`);

const PUSH_IDS = Array.from({ length: 250 }, (_, i) => String(7_300_000_000 + i * 7));

describe('federation: composed with an outside subgraph behind a real gateway', () => {
  let fakes: VendorFakes;
  let app: TestApp;
  let marketing: ApolloServer;
  let marketingUrl: string;
  let gateway: ApolloServer;
  let gatewayUrl: string;
  let supergraphSdl: string;

  beforeAll(async () => {
    fakes = await startVendorFakes();
    app = await startTestApp(fakes.env);
    marketing = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: MARKETING_SDL,
        resolvers: {
          Query: {
            marketingCampaign: (_: unknown, { id }: { id: string }) => ({
              id,
              name: 'Spring sale',
              pushes: [
                ...PUSH_IDS.map((pushId) => ({ vendor: 'JPUSH', id: pushId })),
                { vendor: 'ALIYUN', id: '510427' },
                { vendor: 'TENCENT', id: 'spring-task-1' },
              ],
            }),
          },
        },
      }),
    });
    marketingUrl = (await startStandaloneServer(marketing, { listen: { port: 0 } })).url;

    const { _service } = (await app.gql<{ _service: { sdl: string } }>('{ _service { sdl } }')).data!;
    const composed = composeServices([
      { name: 'pushgraph', typeDefs: parse(_service.sdl), url: `${app.url}/graphql` },
      { name: 'marketing', typeDefs: MARKETING_SDL, url: marketingUrl },
    ]);
    expect(composed.errors).toBeUndefined();
    // Hints are advice about differences between the subgraphs; none may be about our types' shape.
    expect((composed.hints ?? []).map((hint) => hint.definition.code)).toEqual([]);
    supergraphSdl = composed.supergraphSdl!;

    // @apollo/gateway 2.x implements the gateway interface Apollo Server 5 runs (types from v1 of the package).
    gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) as unknown as GatewayInterface });
    gatewayUrl = (await startStandaloneServer(gateway, { listen: { port: 0 } })).url;
  });
  afterAll(async () => {
    await gateway?.stop();
    await marketing?.stop();
    await app?.close();
    await fakes?.close();
  });

  it('resolves 250 JPush campaigns referenced by the marketing subgraph with 3 JPush calls', async () => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          '{ marketingCampaign(id: "spring") { name pushes { vendor id availability funnel { target sent received displayed clicked } } } }',
      }),
    });
    const answer = (await response.json()) as {
      data: { marketingCampaign: { pushes: Array<{ vendor: string; id: string; funnel: Record<string, number> | null }> } };
      errors?: unknown;
    };
    expect(answer.errors).toBeUndefined();
    const pushes = answer.data.marketingCampaign.pushes;
    expect(pushes).toHaveLength(252);
    // Representation order is kept across vendors.
    expect(pushes.map((push) => `${push.vendor}:${push.id}`)).toEqual([
      ...PUSH_IDS.map((id) => `JPUSH:${id}`),
      'ALIYUN:510427',
      'TENCENT:spring-task-1',
    ]);
    const requests = fakes.jpush.requestsTo('messages/detail');
    expect(requests.map((request) => request.query.get('msg_ids')!.split(',').length)).toEqual([100, 100, 50]);
    for (const [index, id] of [0, 99, 249].map((i) => [i, PUSH_IDS[i]!] as const)) {
      const notification = fakes.jpush.messageDetail(id)!;
      expect(pushes[index]!.funnel!.target).toBeGreaterThanOrEqual(notification.details!.notification!.target!);
    }
    expect(pushes[250]!.funnel!.target).toBe(fakes.aliyun.statOf('510427')!.AcceptCount);
    expect(pushes[251]!.funnel!.target).toBe(fakes.tencent.task('spring-task-1').statistics.TotalCount);
  });

  it('answers _entities across vendors in representation order, through one batch per vendor', async () => {
    const representations = [
      { __typename: 'Campaign', vendor: 'JPUSH', id: '7399000001' },
      { __typename: 'Campaign', vendor: 'ALIYUN', id: '510431' },
      { __typename: 'Campaign', vendor: 'JPUSH', id: '7399000404' },
      { __typename: 'Campaign', vendor: 'JPUSH', id: '7399000003' },
    ];
    const before = fakes.jpush.requestsTo('messages/detail').length;
    const answer = await app.gql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { vendor id } } }', {
      r: representations,
    });
    expect(answer.data).toEqual({
      _entities: [{ vendor: 'JPUSH', id: '7399000001' }, { vendor: 'ALIYUN', id: '510431' }, null, { vendor: 'JPUSH', id: '7399000003' }],
    });
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(before + 1);
  });

  it('returns federated traces (ftv1) when the gateway asks for them', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
      body: JSON.stringify({ query: '{ campaign(vendor: JPUSH, id: "7399000001") { id } }' }),
    });
    const body = (await response.json()) as { extensions?: { ftv1?: string } };
    expect(typeof body.extensions?.ftv1).toBe('string');
    expect(body.extensions!.ftv1!.length).toBeGreaterThan(20);
  });

  it('sends cache hints a router can reuse: max-age from CACHE_TTL_SECONDS, none on errors', async () => {
    const ok = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ campaign(vendor: JPUSH, id: "7399000001") { id funnel { target } } }' }),
    });
    expect(ok.headers.get('cache-control')).toBe('max-age=60, public');
    const failed = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ campaign(vendor: JPUSH, id: "not-a-number") { id } }' }),
    });
    expect(failed.headers.get('cache-control')).toBe('no-store');
  });

  it('marks keyed answers private: with API_KEYS, or any Authorization on the request', async () => {
    const query = JSON.stringify({ query: '{ campaign(vendor: JPUSH, id: "7399000001") { id funnel { target } } }' });
    const bearer = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
      body: query,
    });
    expect([bearer.status, bearer.headers.get('cache-control')]).toEqual([200, 'max-age=60, private']);
    const keyed = await startTestApp({ ...fakes.env, API_KEYS: 'federation-key-1' });
    try {
      const answer = await fetch(`${keyed.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer federation-key-1' },
        body: query,
      });
      expect([answer.status, answer.headers.get('cache-control')]).toEqual([200, 'max-age=60, private']);
    } finally {
      await keyed.close();
    }
  });
});
