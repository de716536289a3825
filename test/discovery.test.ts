import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMORY_DATA_DIR, openPostgresStore, openSqliteStore, type ArchiveStore } from '../src/archive/store.js';
import { createLogger } from '../src/logger.js';
import type { ChannelStat, Funnel, LossReason } from '../src/domain.js';
import { startTestApp, type TestApp } from './helpers.js';
import { startVendorFakes, type VendorFakes } from './vendor-fakes.js';

const FIGURES = `
  funnel { target sent received displayed clicked dismissed }
  channels { channel platform messageType eventType target sent received displayed clicked }
  lossReasons { stage errorCode count description channel eventType }`;

const RECENT = `query ($vendor: Vendor, $app: String, $since: String, $first: Int, $after: String) {
  recentCampaigns(vendor: $vendor, app: $app, since: $since, first: $first, after: $after) {
    edges { cursor node { vendor app id } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SUMMARY = `query ($campaigns: [CampaignInput!]!) { campaignSummary(campaigns: $campaigns) { campaigns withFigures ${FIGURES} } }`;
const TRACK = `mutation ($campaigns: [CampaignInput!]!) { trackCampaigns(campaigns: $campaigns) { vendor id funnel { sent } } }`;

interface Page {
  edges: Array<{ cursor: string; node: { vendor: string; app: string; id: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface CampaignFigures {
  vendor: string;
  id: string;
  funnel: Funnel | null;
  channels: ChannelStat[] | null;
  lossReasons: LossReason[] | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Ids unique to this run, so nothing another test archived can show up. */
const jpushId = (n: number): string => String(8_100_000_000 + Math.floor(Math.random() * 1_000_000) * 1000 + n);
const nodes = (page: Page): string[] => page.edges.map((edge) => `${edge.node.vendor}:${edge.node.id}`);

describe('recentCampaigns and trackCampaigns', () => {
  let fakes: VendorFakes;
  let app: TestApp;

  beforeAll(async () => {
    fakes = await startVendorFakes();
    // A second, simulated JPush app: recentCampaigns(app:) takes its name.
    app = await startTestApp({ ...fakes.env, API_KEYS: 'key-one', PUSHGRAPH_APPS: '[{"name":"news","vendor":"JPUSH"}]' });
    await app.archive.ready();
  });
  afterAll(async () => {
    await app?.close();
    await fakes?.close();
  });

  const auth = { authorization: 'Bearer key-one' };
  const recent = async (variables: Record<string, unknown>): Promise<Page> => {
    const answer = await app.gql<{ recentCampaigns: Page }>(RECENT, variables, auth);
    expect(answer.errors).toBeUndefined();
    return answer.data!.recentCampaigns;
  };

  it('lists asked and tracked campaigns newest first, in stable first/after pages', async () => {
    const [a1, a2, j3, j4] = [jpushId(1), jpushId(2), jpushId(3), jpushId(4)];
    const t1 = `discovery-${randomBytes(4).toString('hex')}`;
    // One campaign per request, a few ms apart, so first sightings are strictly ordered.
    for (const id of [a1, a2]) {
      expect((await app.gql(`{ campaign(vendor: JPUSH, id: "${id}") { id } }`, {}, auth)).errors).toBeUndefined();
      await sleep(5);
    }
    const sinceTracked = new Date().toISOString();
    await sleep(5);
    const tracked = await app.gql(TRACK, { campaigns: [{ vendor: 'TENCENT', id: t1 }] }, auth);
    expect(tracked.errors).toBeUndefined();
    await sleep(5);
    const trackedJPush = await app.gql(TRACK, { campaigns: [{ vendor: 'JPUSH', id: j3 }] }, auth);
    expect(trackedJPush.data?.trackCampaigns).toEqual([{ vendor: 'JPUSH', id: j3, funnel: { sent: expect.any(Number) } }]);

    const first = await recent({ first: 2 });
    expect(nodes(first)).toEqual([`JPUSH:${j3}`, `TENCENT:${t1}`]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1]!.cursor });

    // A new arrival goes on top; the next page from the cursor does not shift.
    await sleep(5);
    await app.gql(TRACK, { campaigns: [{ vendor: 'JPUSH', id: j4 }] }, auth);
    const second = await recent({ first: 2, after: first.pageInfo.endCursor });
    expect(nodes(second)).toEqual([`JPUSH:${a2}`, `JPUSH:${a1}`]);
    expect(nodes(await recent({ first: 1 }))).toEqual([`JPUSH:${j4}`]);

    expect(nodes(await recent({ vendor: 'TENCENT', first: 5 }))).toEqual([`TENCENT:${t1}`]);
    const since = await recent({ since: sinceTracked });
    expect(nodes(since)).toEqual([`JPUSH:${j4}`, `JPUSH:${j3}`, `TENCENT:${t1}`]);
    expect(since.pageInfo.hasNextPage).toBe(false);
    expect(nodes(await recent({ since: sinceTracked, app: 'default' }))).toEqual(nodes(since));
  });

  it('tracking twice is harmless: the campaign keeps its place', async () => {
    const id = jpushId(5);
    await app.gql(TRACK, { campaigns: [{ vendor: 'JPUSH', id }] }, auth);
    const before = await recent({ vendor: 'JPUSH', first: 1 });
    await sleep(5);
    const again = await app.gql(
      TRACK,
      {
        campaigns: [
          { vendor: 'JPUSH', id },
          { vendor: 'JPUSH', id },
        ],
      },
      auth,
    );
    expect(again.errors).toBeUndefined();
    expect(await recent({ vendor: 'JPUSH', first: 1 })).toEqual(before);
  });

  it('refuses a bad page size, cursor, app or id before any vendor call', async () => {
    const calls = fakes.jpush.server.requests.length + fakes.tencent.requests.length;
    const code = async (query: string, variables: Record<string, unknown>): Promise<unknown> =>
      (await app.gql(query, variables, auth)).errors?.map((error) => [error.extensions?.code, error.message]);
    expect(await code(RECENT, { first: 201 })).toEqual([['BAD_USER_INPUT', 'first must be between 0 and 200']]);
    expect(await code(RECENT, { after: 'not-a-cursor' })).toEqual([['BAD_USER_INPUT', 'after is not a cursor of recentCampaigns']]);
    expect(await code(RECENT, { app: 'shop' })).toEqual([['BAD_USER_INPUT', 'Unknown app "shop"']]);
    expect(
      await code(TRACK, {
        campaigns: [
          { vendor: 'JPUSH', id: jpushId(6) },
          { vendor: 'JPUSH', app: 'shop', id: jpushId(7) },
        ],
      }),
    ).toEqual([['BAD_USER_INPUT', 'Unknown app "shop" for JPUSH']]);
    const badId = (
      await app.gql(
        TRACK,
        {
          campaigns: [
            { vendor: 'TENCENT', id: 'ok-task' },
            { vendor: 'JPUSH', id: 'not-numeric' },
          ],
        },
        auth,
      )
    ).errors;
    expect(badId?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(await code(SUMMARY, { campaigns: [] })).toEqual([['BAD_USER_INPUT', 'campaigns must not be empty']]);
    expect(fakes.jpush.server.requests.length + fakes.tencent.requests.length).toBe(calls);
  });

  it('trackCampaigns needs an API key like every operation', async () => {
    const answer = await app.gql(TRACK, { campaigns: [{ vendor: 'JPUSH', id: jpushId(8) }] });
    expect(answer.status).toBe(401);
    expect(answer.data ?? null).toBeNull();
  });

  it('lists each campaign with its own app, pages through the same id of two apps, and filters by app', async () => {
    const id = jpushId(9);
    // Seen in two apps at the same instant, later than anything listed before.
    const at = Date.now() + 60_000;
    app.archive.saw('JPUSH', 'news', id, at);
    app.archive.saw('JPUSH', 'default', id, at);
    const since = new Date(at).toISOString();
    const first = await recent({ first: 1 });
    expect(first.edges.map((edge) => edge.node)).toEqual([{ vendor: 'JPUSH', app: 'news', id }]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    // The cursor's position carries the app: the next page is the default app's campaign, not past it.
    const second = await recent({ first: 1, after: first.pageInfo.endCursor });
    expect(second.edges.map((edge) => edge.node)).toEqual([{ vendor: 'JPUSH', app: 'default', id }]);
    expect(JSON.parse(Buffer.from(second.edges[0]!.cursor, 'base64url').toString('utf8'))).toEqual([at, 'JPUSH', 'default', id]);
    expect((await recent({ since })).edges.map((edge) => edge.node.app)).toEqual(['news', 'default']);
    expect((await recent({ since, app: 'default' })).edges.map((edge) => edge.node)).toEqual([{ vendor: 'JPUSH', app: 'default', id }]);
    expect((await recent({ since, app: 'news' })).edges.map((edge) => edge.node)).toEqual([{ vendor: 'JPUSH', app: 'news', id }]);
    expect((await recent({ since, vendor: 'JPUSH', app: 'default' })).edges.map((edge) => edge.node.app)).toEqual(['default']);
  });
});

describe('campaignSummary', () => {
  let fakes: VendorFakes;
  let app: TestApp;

  beforeAll(async () => {
    fakes = await startVendorFakes();
    app = await startTestApp({ ...fakes.env, MAX_IDS_PER_REQUEST: '150' });
  });
  afterAll(async () => {
    await app?.close();
    await fakes?.close();
  });

  it('equals the sums of the individual figures, channel by channel across vendors and loss reason by loss reason', async () => {
    const jpush = [jpushId(11), jpushId(12), jpushId(13)];
    const tencent = ['summary-task-1', 'summary-task-2', 'summary-task-3'];
    const campaigns = [
      ...jpush.map((id) => ({ vendor: 'JPUSH', id })),
      ...tencent.map((id) => ({ vendor: 'TENCENT', app: 'default', id })),
    ];
    const answer = await app.gql<{ campaignSummary: Record<string, unknown> }>(SUMMARY, { campaigns });
    expect(answer.errors).toBeUndefined();
    // One batched call per vendor API: the summary costs what its campaigns cost.
    expect(fakes.jpush.requestsTo('messages/detail')).toHaveLength(1);

    const individual = await app.gql<{ j: CampaignFigures[]; t: CampaignFigures[] }>(
      `query ($jpush: [ID!]!, $tencent: [ID!]!) { j: campaigns(vendor: JPUSH, ids: $jpush) { vendor id ${FIGURES} } t: campaigns(vendor: TENCENT, ids: $tencent) { vendor id ${FIGURES} } }`,
      { jpush, tencent },
    );
    expect(individual.errors).toBeUndefined();
    const all = [...individual.data!.j, ...individual.data!.t];

    const sum = (values: Array<number | null | undefined>): number | null =>
      values.some((value) => typeof value === 'number') ? values.reduce<number>((total, value) => total + (value ?? 0), 0) : null;
    const funnelKeys = ['target', 'sent', 'received', 'displayed', 'clicked', 'dismissed'] as const;
    const funnel = Object.fromEntries(funnelKeys.map((key) => [key, sum(all.map((campaign) => campaign.funnel?.[key]))]));

    const channelKeys = ['target', 'sent', 'received', 'displayed', 'clicked'] as const;
    const rows = all.flatMap((campaign) => campaign.channels ?? []);
    const pairs = [...new Set(rows.map((row) => `${row.channel}/${row.platform}`))];
    const channels = pairs.map((pair) => {
      const group = rows.filter((row) => `${row.channel}/${row.platform}` === pair);
      return {
        channel: group[0]!.channel,
        platform: group[0]!.platform,
        messageType: null,
        eventType: null,
        ...Object.fromEntries(channelKeys.map((key) => [key, sum(group.map((row) => row[key]))])),
      };
    });
    // Both vendors' rows are in it: the taxonomy is shared.
    expect(new Set(individual.data!.t.flatMap((c) => c.channels ?? []).map((row) => row.channel)).size).toBeGreaterThan(0);

    const overall = all.flatMap((campaign) => campaign.lossReasons ?? []).filter((reason) => reason.channel === null);
    expect(overall.length).toBeGreaterThan(0);
    const codes = [...new Set(overall.map((reason) => `${reason.stage}/${reason.errorCode}`))];
    const lossReasons = codes
      .map((code) => {
        const group = overall.filter((reason) => `${reason.stage}/${reason.errorCode}` === code);
        return { ...group[0]!, count: group.reduce((total, reason) => total + reason.count, 0) };
      })
      .sort((a, b) => b.count - a.count || a.stage.localeCompare(b.stage) || a.errorCode.localeCompare(b.errorCode));

    const summary = answer.data!.campaignSummary;
    expect(summary).toEqual({ campaigns: 6, withFigures: all.filter((c) => c.funnel).length, funnel, channels, lossReasons });
    expect(summary.withFigures).toBe(6);
  });

  it('a summary of 100 new JPush ids costs 1 messages/detail call; past MAX_IDS_PER_REQUEST it is refused before any call', async () => {
    const before = fakes.jpush.requestsTo('messages/detail').length;
    const ids = Array.from({ length: 100 }, (_, i) => jpushId(100 + i));
    const answer = await app.gql<{ campaignSummary: { campaigns: number; withFigures: number } }>(SUMMARY, {
      campaigns: ids.map((id) => ({ vendor: 'JPUSH', id })),
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.campaignSummary).toMatchObject({ campaigns: 100, withFigures: 100 });
    const calls = fakes.jpush.requestsTo('messages/detail').slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query.get('msg_ids')?.split(',').sort()).toEqual([...ids].sort());

    const tooMany = await app.gql(SUMMARY, {
      campaigns: Array.from({ length: 151 }, (_, i) => ({ vendor: 'JPUSH', id: jpushId(300 + i) })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fakes.jpush.requestsTo('messages/detail').length).toBe(before + 1);
  });
});

/** The machine's PostgreSQL (trust auth), in a schema of its own, as test/archive.test.ts. */
const POSTGRES_URL = process.env.ARCHIVE_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

describe.each(['sqlite', 'postgres'] as const)('archive store (%s): discovery methods', (kind) => {
  let store: ArchiveStore;
  const schema = `discovery_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    store =
      kind === 'sqlite'
        ? await openSqliteStore({ dataDir: MEMORY_DATA_DIR, busyTimeoutMs: 1_000 })
        : await openPostgresStore({ url: POSTGRES_URL, schema, logger: createLogger({ level: 'silent' }), statementTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await store?.close();
    if (kind !== 'postgres') return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('track puts campaigns on the refresher schedule once; recent pages in keyset order', async () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    await store.track('JPUSH', 'default', ['1', '2'], t0, t0 + 60_000);
    await store.track('TENCENT', 'default', ['a'], t0, t0 + 60_000);
    await store.track('JPUSH', 'default', ['3'], t0 + 1000, t0 + 61_000);
    // Twice: keeps the first sighting and the schedule.
    await store.track('JPUSH', 'default', ['1'], t0 + 5000, t0 + 65_000);

    expect(await store.due('JPUSH', 'default', t0 + 59_999, 10)).toEqual([]);
    expect(await store.due('JPUSH', 'default', t0 + 60_000, 10)).toEqual([
      { id: '1', firstSeenAt: t0 },
      { id: '2', firstSeenAt: t0 },
    ]);
    const all = await store.recent({}, 10);
    expect(all.map((c) => `${c.vendor}:${c.id}`)).toEqual(['JPUSH:3', 'TENCENT:a', 'JPUSH:2', 'JPUSH:1']);
    expect((await store.recent({ after: all[1] }, 10)).map((c) => c.id)).toEqual(['2', '1']);
    expect((await store.recent({ after: all[2] }, 10)).map((c) => c.id)).toEqual(['1']);
    expect((await store.recent({ vendor: 'JPUSH', since: t0 + 1 }, 10)).map((c) => c.id)).toEqual(['3']);
  });

  it('tracks the same id in two apps as two campaigns, lists them app by app in keyset order, and filters by app', async () => {
    const t1 = Date.parse('2026-02-01T00:00:00Z');
    for (const app of ['default', 'news', 'shop']) await store.track('ALIYUN', app, ['m1'], t1, t1 + 60_000);
    await store.track('ALIYUN', 'news', ['m2'], t1 + 1000, null);
    // Tracking again in one app leaves the others (and itself) as they were.
    await store.track('ALIYUN', 'news', ['m1'], t1 + 2000, t1 + 62_000);

    const listed = (campaigns: Array<{ app: string; id: string; firstSeenAt: number }>) =>
      campaigns.map((c) => `${c.app}:${c.id}@${c.firstSeenAt - t1}`);
    const all = await store.recent({ vendor: 'ALIYUN' }, 10);
    expect(listed(all)).toEqual(['news:m2@1000', 'shop:m1@0', 'news:m1@0', 'default:m1@0']);
    // Same first sighting, vendor and id: the app decides the position, so no page skips or repeats one.
    expect(listed(await store.recent({ vendor: 'ALIYUN', after: all[1] }, 10))).toEqual(['news:m1@0', 'default:m1@0']);
    expect(listed(await store.recent({ vendor: 'ALIYUN', after: all[2] }, 1))).toEqual(['default:m1@0']);
    expect(listed(await store.recent({ vendor: 'ALIYUN', app: 'news' }, 10))).toEqual(['news:m2@1000', 'news:m1@0']);
    expect(listed(await store.recent({ app: 'default', since: t1 }, 10))).toEqual(['default:m1@0']);
    expect(await store.due('ALIYUN', 'shop', t1 + 60_000, 10)).toEqual([{ id: 'm1', firstSeenAt: t1 }]);
    expect(await store.due('ALIYUN', 'news', t1 + 60_000, 10)).toEqual([{ id: 'm1', firstSeenAt: t1 }]);
    expect(await store.due('ALIYUN', 'other', t1 + 60_000, 10)).toEqual([]);
  });
});
