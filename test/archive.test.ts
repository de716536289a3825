import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/index.js';
import { figuresHash, type PartialFigures } from '../src/archive/figures.js';
import { archiveMigrations } from '../src/archive/migrations.js';
import { MEMORY_DATA_DIR, openPostgresStore, openSqliteStore, type ArchiveStore } from '../src/archive/store.js';
import { startApp as startService } from '../src/app.js';
import { readConfig, type Env } from '../src/config.js';
import { startJPushSimulator, type JPushSimulator } from '../src/datasources/jpush/index.js';
import { VENDORS } from '../src/datasources/index.js';
import { simulatorEnv } from '../src/datasources/simulator-env.js';
import { startTencentSimulator, type TencentSimulator } from '../src/datasources/tencent/simulator.js';
import type { CampaignSource } from '../src/datasources/vendor.js';
import type { Funnel, LossReason, Vendor } from '../src/domain.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';
import { startTestApp, type TestApp } from './helpers.js';

/** The machine's PostgreSQL (trust auth); each run works in a schema of its own, dropped afterwards. */
const POSTGRES_URL = process.env.ARCHIVE_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const DAY = 24 * 60 * 60 * 1000;

interface Backend {
  name: 'sqlite' | 'postgres';
  /** The environment pointing an app at the suite's store (tests use distinct ids, so they may share it). */
  store(): Env;
  /** A store of its own (the refresher would re-fetch every campaign in a shared one). */
  fresh(): Env;
  cleanup(): Promise<void>;
}

/** One temporary DATA_DIR for the suite, and one per test that needs a store of its own. */
function sqliteBackend(): Backend {
  const dirs: string[] = [];
  const fresh = (): Env => {
    dirs.push(mkdtempSync(join(tmpdir(), 'pushgraph-archive-')));
    return { DATA_DIR: dirs.at(-1) };
  };
  return {
    name: 'sqlite',
    store: () => (dirs[0] ? { DATA_DIR: dirs[0] } : fresh()),
    fresh,
    cleanup: async () => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  const schemas: string[] = [];
  const fresh = (): Env => {
    const schema = `archive_test_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return { DATABASE_URL: POSTGRES_URL, ARCHIVE_SCHEMA: schema };
  };
  return {
    name: 'postgres',
    // A schema is cheap: every test gets its own.
    store: fresh,
    fresh,
    cleanup: async () => {
      const client = new pg.Client(POSTGRES_URL);
      await client.connect();
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

const FIGURES = `
  vendor id availability asOf
  funnel { target sent received displayed clicked dismissed }
  channels { channel platform messageType eventType target sent received displayed clicked }
  lossReasons { stage errorCode count description channel eventType }
  sms { sent receiveSuccess receiveFailed skipped failed }
`;
const BOTH = `query ($j: ID!, $t: ID!) {
  j: campaign(vendor: JPUSH, id: $j) { ${FIGURES} history { fetchedAt funnel { target sent received } } }
  t: campaign(vendor: TENCENT, id: $t) { ${FIGURES} history { fetchedAt funnel { target sent received } } }
}`;

interface CampaignAnswer {
  vendor: Vendor;
  id: string;
  availability: string;
  asOf: string | null;
  funnel: Funnel | null;
  channels: unknown[] | null;
  lossReasons: LossReason[] | null;
  sms: unknown;
  history: Array<{ fetchedAt: string; funnel: Partial<Funnel> | null }> | null;
}

/** The figures of an answer: what must survive the vendor forgetting. */
const figuresOf = ({ funnel, channels, lossReasons, sms }: CampaignAnswer) => ({
  funnel,
  channels,
  lossReasons,
  sms,
});

async function metricsText(app: TestApp): Promise<string> {
  return (await fetch(`${app.url}/metrics`)).text();
}

describe.each([sqliteBackend(), postgresBackend()])('campaign archive on $name', (backend) => {
  let jpush: JPushSimulator;
  let tencent: TencentSimulator;
  const apps: TestApp[] = [];

  /** An app whose JPush and Tencent are the strict simulators, with no answer cache (each ask reaches the vendor). */
  async function startApp(store: Env): Promise<TestApp> {
    const app = await startTestApp({
      ...simulatorEnv({ jpush, tencent }),
      CACHE_TTL_SECONDS: '0',
      ARCHIVE_REFRESH: 'off',
      ...store,
    });
    apps.push(app);
    await app.archive.ready();
    return app;
  }

  beforeEach(async () => {
    jpush = await startJPushSimulator();
    tencent = await startTencentSimulator();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await jpush.close();
    await tencent.close();
  });
  afterAll(() => backend.cleanup());

  const messagesDetail = (): number => jpush.requestsTo('messages/detail').length;
  const statistics = (): number => tencent.callsTo('all_member_push_statistics').length;
  const loss = (): number => tencent.callsTo('all_member_push_loss').length;

  it('answers a JPush and a Tencent campaign from the archive once the vendors forget them', async () => {
    const app = await startApp(backend.store());
    const ids = { j: '1613113584', t: 'task-archive-1' };
    const asked = Date.now();
    const first = await app.gql<{ j: CampaignAnswer; t: CampaignAnswer }>(BOTH, ids);
    const answered = Date.now();
    expect(first.errors).toBeUndefined();
    const live = first.data!;
    expect([live.j.availability, live.j.asOf, live.t.availability, live.t.asOf]).toEqual(['READY', null, 'READY', null]);
    expect(live.j.funnel?.target).toEqual(expect.any(Number));
    expect(live.t.funnel?.target).toBe(tencent.task(ids.t).statistics.TotalCount);
    expect(live.t.lossReasons!.length).toBeGreaterThan(0);
    expect([messagesDetail(), statistics(), loss()]).toEqual([1, 1, 1]);

    // Written in the background; flushed here so the second answer provably comes from the store.
    await app.archive.recorder.flush();
    expect(app.archive.recorder.size).toBe(0);
    jpush.dropId(ids.j);
    tencent.drop(ids.t);
    // Tencent judges its 1 call/s by arrival: a second apart, whatever the load on this machine.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const second = await app.gql<{ j: CampaignAnswer; t: CampaignAnswer }>(BOTH, ids);
    expect(second.errors).toBeUndefined();
    const archived = second.data!;
    for (const name of ['j', 't'] as const) {
      expect(archived[name].availability).toBe('ARCHIVED');
      expect(figuresOf(archived[name])).toEqual(figuresOf(live[name]));
      // As of the first answer: fetched while it was being asked.
      expect(Date.parse(archived[name].asOf!)).toBeGreaterThanOrEqual(asked);
      expect(Date.parse(archived[name].asOf!)).toBeLessThanOrEqual(answered);
      expect(archived[name].history).toEqual([
        {
          fetchedAt: archived[name].asOf,
          funnel: expect.objectContaining({
            target: live[name].funnel?.target,
          }),
        },
      ]);
    }
    // Each vendor was asked once more (and said it no longer knows the id); loss reasons came from the archive.
    expect([messagesDetail(), statistics(), loss()]).toEqual([2, 2, 1]);
    const basic = `Basic ${Buffer.from(`${jpush.appKey}:${jpush.masterSecret}`).toString('base64')}`;
    expect(jpush.requestsTo('messages/detail').map((request) => request.headers.authorization)).toEqual([basic, basic]);
    expect(tencent.callsTo('all_member_push_statistics').map((request) => request.query.get('identifier'))).toEqual([
      tencent.credentials.adminId,
      tencent.credentials.adminId,
    ]);
    expect(tencent.answers.map((answer) => answer.errorCode)).toEqual([0, 0, 0]);
    const metrics = await metricsText(app);
    expect(metrics).toContain('pushgraph_archive_answers_total{vendor="JPUSH",reason="forgotten"} 1');
    expect(metrics).toContain('pushgraph_archive_answers_total{vendor="TENCENT",reason="forgotten"} 1');
    expect(metrics).toContain(`pushgraph_archive_store_up{store="${backend.name}"} 1`);
  });

  it('serves what one app archived to another app over the same store', async () => {
    const store = backend.store();
    const ids = { j: '1229760629', t: 'task-archive-2' };
    const first = await startApp(store);
    const live = (await first.gql<{ j: CampaignAnswer; t: CampaignAnswer }>(BOTH, ids)).data!;
    // Both stores are shared: two replicas run side by side (SQLite in WAL mode), and nobody flushes the first by hand.
    const second = await startApp(store);
    jpush.dropId(ids.j);
    tencent.drop(ids.t);
    const one = `query ($vendor: Vendor!, $id: ID!) { campaign(vendor: $vendor, id: $id) { ${FIGURES} history { fetchedAt } } }`;
    const j = (
      await second.gql<{ campaign: CampaignAnswer }>(one, {
        vendor: 'JPUSH',
        id: ids.j,
      })
    ).data!.campaign;
    // Without REDIS_URL apps do not share Tencent's 1 call/s slot, so the second one waits its turn here.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const t = (
      await second.gql<{ campaign: CampaignAnswer }>(one, {
        vendor: 'TENCENT',
        id: ids.t,
      })
    ).data!.campaign;
    for (const [archived, earlier] of [
      [j, live.j],
      [t, live.t],
    ] as const) {
      expect(archived.availability).toBe('ARCHIVED');
      expect(figuresOf(archived)).toEqual(figuresOf(earlier));
      expect(archived.asOf).not.toBeNull();
      expect(archived.history).toHaveLength(1);
    }
    expect([messagesDetail(), statistics(), loss()]).toEqual([2, 2, 1]);
    expect(tencent.violations()).toBe(0);
  });

  it('answers a campaign known to be past its retention from the archive without asking the vendor', async () => {
    const app = await startApp(backend.store());
    const now = Date.now();
    const jFunnel: Funnel = {
      target: 900,
      sent: 800,
      received: 700,
      displayed: 600,
      clicked: 50,
      dismissed: null,
    };
    const tFunnel: Funnel = {
      target: 90,
      sent: 80,
      received: 70,
      displayed: null,
      clicked: 5,
      dismissed: null,
    };
    // First seen 29 and 31 days ago: JPush keeps 28 days, Tencent 30.
    app.archive.record('JPUSH', 'default', '4242', { funnel: jFunnel, channels: [], lossReasons: [], sms: null }, now - 29 * DAY);
    app.archive.record('TENCENT', 'default', 'task-old', { funnel: tFunnel }, now - 31 * DAY);
    await app.archive.recorder.flush();
    const answer = await app.gql<{ j: CampaignAnswer; t: CampaignAnswer }>(BOTH, { j: '4242', t: 'task-old' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.j).toMatchObject({
      availability: 'ARCHIVED',
      asOf: new Date(now - 29 * DAY).toISOString(),
      funnel: jFunnel,
      lossReasons: [],
    });
    expect(answer.data!.t).toMatchObject({
      availability: 'ARCHIVED',
      asOf: new Date(now - 31 * DAY).toISOString(),
      funnel: tFunnel,
      channels: null,
    });
    expect([messagesDetail(), statistics(), loss()]).toEqual([0, 0, 0]);
    expect(await metricsText(app)).toContain('pushgraph_archive_answers_total{vendor="JPUSH",reason="expired"} 1');
  });

  it('keeps apps apart: what is archived for one app is never answered for the same id in another', async () => {
    const app = await startApp(backend.store());
    const now = Date.now();
    const newsFunnel: Funnel = { target: 500, sent: 400, received: 300, displayed: null, clicked: 20, dismissed: null };
    const defaultFunnel: Funnel = { target: 50, sent: 40, received: 30, displayed: null, clicked: 2, dismissed: null };
    // The news app's 4250 and 4251 were first seen 29 days ago (JPush keeps 28): past retention
    // there only. The default app's 4251 and 4252 were seen yesterday.
    app.archive.record('JPUSH', 'news', '4250', { funnel: newsFunnel }, now - 29 * DAY);
    app.archive.record('JPUSH', 'news', '4251', { funnel: newsFunnel }, now - 29 * DAY);
    app.archive.record('JPUSH', 'default', '4251', { funnel: defaultFunnel }, now - DAY);
    app.archive.record('JPUSH', 'default', '4252', { funnel: defaultFunnel }, now - DAY);
    await app.archive.recorder.flush();
    const session = app.archive.session();
    const snapshot = (funnel: Funnel, at: number) => ({ fetchedAt: new Date(at).toISOString(), funnel, channels: null, lossReasons: null, sms: null });
    expect(await session.history('JPUSH', 'news', '4250', {})).toEqual([snapshot(newsFunnel, now - 29 * DAY)]);
    expect(await session.history('JPUSH', 'default', '4250', {})).toEqual([]);
    expect(await session.history('JPUSH', 'news', '4251', {})).toEqual([snapshot(newsFunnel, now - 29 * DAY)]);
    expect(await session.history('JPUSH', 'default', '4251', {})).toEqual([snapshot(defaultFunnel, now - DAY)]);
    expect(await session.history('JPUSH', 'news', '4252', {})).toEqual([]);

    // The default app's 4250 and 4251 are other campaigns than the news app's, within retention
    // (or unknown): the vendor is asked, and answers live.
    const live = await app.gql<{ a: CampaignAnswer & { app: string }; b: CampaignAnswer & { app: string } }>(
      `{ a: campaign(vendor: JPUSH, id: "4250") { app availability asOf } b: campaign(vendor: JPUSH, id: "4251") { app availability asOf } }`,
    );
    expect(live.data).toEqual({
      a: { app: 'default', availability: 'READY', asOf: null },
      b: { app: 'default', availability: 'READY', asOf: null },
    });
    expect(messagesDetail()).toBe(1);

    // A vendor app that no longer knows any id: each app answers from its own archive only.
    const forgetful: CampaignSource = {
      validateId: () => undefined,
      campaign: async () => null,
      availability: async () => 'READY',
      funnel: () => Promise.reject(new Error('not asked')),
      channels: () => Promise.reject(new Error('not asked')),
      lossReasons: () => Promise.reject(new Error('not asked')),
      sms: () => Promise.reject(new Error('not asked')),
    };
    const archived = (appName: string, id: string, funnel: Funnel, asOf: number) => ({
      vendor: 'JPUSH',
      app: appName,
      id,
      view: { availability: 'ARCHIVED', funnel, channels: null, sms: null, lossReasons: null, asOf },
    });
    const none = new Set<never>();
    expect(await session.campaign('JPUSH', 'news', forgetful, '4250', none)).toEqual(archived('news', '4250', newsFunnel, now - 29 * DAY));
    expect(await session.campaign('JPUSH', 'news', forgetful, '4251', none)).toEqual(archived('news', '4251', newsFunnel, now - 29 * DAY));
    expect(await session.campaign('JPUSH', 'default', forgetful, '4251', none)).toEqual(
      archived('default', '4251', defaultFunnel, now - DAY),
    );
    expect(await session.campaign('JPUSH', 'default', forgetful, '4250', none)).toBeNull();
    expect(await session.campaign('JPUSH', 'news', forgetful, '4252', none)).toBeNull();
    const metrics = await metricsText(app);
    expect(metrics).toContain('pushgraph_archive_answers_total{vendor="JPUSH",reason="expired"} 2');
    expect(metrics).toContain('pushgraph_archive_answers_total{vendor="JPUSH",reason="forgotten"} 1');
  });

  it('asks the vendor first for a campaign this process has not seen, and learns behind it that the campaign is past retention', async () => {
    const app = await startApp(backend.store());
    const firstSeenAt = Date.now() - 29 * DAY;
    // Another replica archived it 29 days ago (JPush keeps 28): this process has not seen it.
    const replica = new Archive({
      config: app.config.archive,
      runtimes: [],
      logger: createLogger({ level: 'silent' }),
      metrics: new Metrics(),
    });
    await replica.ready();
    replica.record(
      'JPUSH',
      'default',
      '4243',
      { funnel: { target: 9, sent: 9, received: 9, displayed: null, clicked: null, dismissed: null } },
      firstSeenAt,
    );
    await replica.recorder.flush();
    await replica.close();
    const asked = `query { campaign(vendor: JPUSH, id: "4243") { availability asOf funnel { target } } }`;
    // A live campaign never waits for the store: the vendor answers first.
    const first = await app.gql<{ campaign: CampaignAnswer }>(asked);
    expect(first.data!.campaign).toMatchObject({ availability: 'READY', asOf: null });
    expect(messagesDetail()).toBe(1);
    // The first sighting was read behind that answer: the next request knows the vendor is past it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await app.gql<{ campaign: CampaignAnswer }>(asked);
    expect(second.data!.campaign.availability).toBe('ARCHIVED');
    expect(second.data!.campaign.asOf).not.toBeNull();
    expect(messagesDetail()).toBe(1);
  });

  it('answers Tencent loss reasons past their 7 days from the archive while statistics stay live', async () => {
    const app = await startApp(backend.store());
    const kept: LossReason[] = [
      {
        stage: 'POST_SEND_DELIVERED',
        errorCode: '410',
        count: 35,
        description: 'Unregistered',
        channel: null,
        eventType: null,
      },
    ];
    app.archive.record('TENCENT', 'default', 'task-week', { lossReasons: kept }, Date.now() - 8 * DAY);
    await app.archive.recorder.flush();
    // A later, emptier answer (the default window no longer reaching the task) does not replace it.
    app.archive.record('TENCENT', 'default', 'task-week', { lossReasons: [] }, Date.now() - 1 * DAY);
    await app.archive.recorder.flush();
    const answer = await app.gql<{ campaign: CampaignAnswer }>(`{ campaign(vendor: TENCENT, id: "task-week") { ${FIGURES} } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.campaign).toMatchObject({
      availability: 'READY',
      asOf: null,
      lossReasons: kept,
    });
    expect(answer.data!.campaign.funnel?.target).toBe(tencent.task('task-week').statistics.TotalCount);
    expect([statistics(), loss()]).toEqual([1, 0]);
  });

  it('archives the default view only: a windowed answer is not archived, and a custom window always asks the vendor', async () => {
    const app = await startApp(backend.store());
    const since = new Date(Date.now() - 2 * DAY).toISOString();
    const windowed = `query ($id: ID!, $since: String) { campaign(vendor: TENCENT, id: $id) { funnel(since: $since) { target } } }`;
    expect((await app.gql(windowed, { id: 'task-w', since })).data).toEqual({
      campaign: { funnel: expect.any(Object) },
    });
    await app.archive.recorder.flush();
    tencent.drop('task-w');
    // Known to the archive, but with no figures of its default view: the vendor's null stands.
    expect((await app.gql(windowed, { id: 'task-w', since: null })).data).toEqual({ campaign: null });
    // Does the task exist (default window), its windowed funnel, then the second ask's existence check.
    expect(statistics()).toBe(3);
  });

  it('answers history oldest first within since/until, and refuses an unreadable bound on that field only', async () => {
    const app = await startApp(backend.store());
    const at = (hours: number): number => Date.UTC(2025, 2, 1, hours);
    const funnel = (target: number): Funnel => ({
      target,
      sent: target,
      received: null,
      displayed: null,
      clicked: null,
      dismissed: null,
    });
    for (const [hours, target] of [
      [0, 10],
      [3, 20],
      [6, 30],
    ] as const) {
      app.archive.record('JPUSH', 'default', '777', { funnel: funnel(target) }, at(hours));
      await app.archive.recorder.flush();
    }
    const query = `query ($since: String, $until: String) {
      campaign(vendor: JPUSH, id: "777") { id history(since: $since, until: $until) { fetchedAt funnel { target } channels { channel } } }
    }`;
    const all = await app.gql(query, {});
    expect(all.data!.campaign.history).toEqual([
      {
        fetchedAt: '2025-03-01T00:00:00.000Z',
        funnel: { target: 10 },
        channels: null,
      },
      {
        fetchedAt: '2025-03-01T03:00:00.000Z',
        funnel: { target: 20 },
        channels: null,
      },
      {
        fetchedAt: '2025-03-01T06:00:00.000Z',
        funnel: { target: 30 },
        channels: null,
      },
    ]);
    const bounded = await app.gql(query, {
      since: '2025-03-01T01:00:00Z',
      until: '2025-03-01T03:00:00+00:00',
    });
    expect(bounded.data!.campaign.history).toEqual([
      {
        fetchedAt: '2025-03-01T03:00:00.000Z',
        funnel: { target: 20 },
        channels: null,
      },
    ]);
    const bad = await app.gql(query, { since: 'last tuesday' });
    expect(bad.data).toEqual({ campaign: { id: '777', history: null } });
    expect(bad.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['campaign', 'history'], 'BAD_USER_INPUT']]);
  });

  it('writes a snapshot once however often and by however many replicas the same figures are recorded', async () => {
    const app = await startApp(backend.store());
    const at = Date.UTC(2025, 2, 1, 8, 10);
    const funnel: Funnel = {
      target: 1,
      sent: 1,
      received: 1,
      displayed: 1,
      clicked: 1,
      dismissed: null,
    };
    for (let i = 0; i < 3; i++) {
      // Each replica's write queue writes the answer; the store keeps one row, as of the latest.
      const replica = new Archive({
        config: app.config.archive,
        runtimes: [],
        logger: createLogger({ level: 'silent' }),
        metrics: new Metrics(),
      });
      await replica.ready();
      replica.record('JPUSH', 'default', '888', { funnel }, at + i);
      await replica.recorder.flush();
      await replica.close();
    }
    const answer = await app.gql(`{ campaign(vendor: JPUSH, id: "888") { history { fetchedAt funnel { target } } } }`);
    expect(answer.data!.campaign.history).toEqual([{ fetchedAt: new Date(at + 2).toISOString(), funnel: { target: 1 } }]);
  });

  it('refreshes a campaign on schedule through the vendor app and stops once the vendor forgets it; an app no longer configured is not refreshed', async () => {
    const store = backend.fresh();
    const REFRESHED_FUNNEL = { target: 5, sent: 4, received: 3, displayed: null, clicked: 1, dismissed: null };
    const calls: string[] = [];
    const known = new Set(['task-r']);
    const source: CampaignSource = {
      validateId: () => undefined,
      campaign: async (id) => (calls.push(`campaign:${id}`), known.has(id) ? { vendor: 'TENCENT', app: 'default', id } : null),
      availability: async () => 'READY',
      funnel: async (id) => (calls.push(`funnel:${id}`), REFRESHED_FUNNEL),
      channels: async () => [],
      lossReasons: async () => [],
      sms: async () => null,
    };
    let now = Date.UTC(2025, 2, 1, 8);
    const archive = new Archive({
      config: {
        ...readConfig({ ...store, DATA_DIR: store.DATA_DIR ?? 'memory://' }).archive,
        refresh: true,
      },
      runtimes: VENDORS.map((vendor) => ({ vendor, app: 'default', createSource: () => source })),
      logger: createLogger({ level: 'silent' }),
      metrics: new Metrics(),
      now: () => now,
      refreshTickMs: 10,
    });
    try {
      await archive.ready();
      archive.saw('TENCENT', 'default', 'task-r', now);
      // The same id in an app the store still has but this process no longer runs.
      archive.saw('TENCENT', 'news', 'task-r', now);
      await archive.recorder.flush();
      // Not due before an hour has passed.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(calls).toEqual([]);
      now += 60 * 60 * 1000;
      const history = async () => {
        await archive.recorder.flush();
        return archive.session().history('TENCENT', 'default', 'task-r', {});
      };
      await expect.poll(history, { timeout: 10_000 }).toEqual([
        {
          fetchedAt: new Date(now).toISOString(),
          funnel: REFRESHED_FUNNEL,
          channels: [],
          lossReasons: [],
          sms: null,
        },
      ]);
      expect(calls.filter((call) => call === 'campaign:task-r')).toHaveLength(1);
      expect(await archive.session().history('TENCENT', 'news', 'task-r', {})).toEqual([]);
      // The vendor forgets it: the next refresh marks it gone, and no refresh follows.
      known.clear();
      now += 60 * 60 * 1000;
      await expect.poll(() => calls.filter((call) => call === 'campaign:task-r').length, { timeout: 10_000 }).toBe(2);
      now += 2 * 60 * 60 * 1000;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(calls.filter((call) => call === 'campaign:task-r')).toHaveLength(2);
    } finally {
      await archive.close();
    }
  });
});

describe('campaign archive on PostgreSQL with replicas', () => {
  const backend = postgresBackend();
  afterAll(() => backend.cleanup());

  it('lets one replica at a time run the refresher (advisory lock), and another take over when it stops', async () => {
    const { schema } = readConfig(backend.fresh()).archive;
    const open = () =>
      openPostgresStore({
        url: POSTGRES_URL,
        schema,
        logger: createLogger({ level: 'silent' }),
        statementTimeoutMs: 5_000,
      });
    const first = await open();
    const second = await open();
    expect(await first.lead()).toBe(true);
    expect(await second.lead()).toBe(false);
    expect(await first.lead()).toBe(true);
    await first.close();
    expect(await second.lead()).toBe(true);
    await second.close();
  });
});

describe('campaign archive when its store is down', () => {
  let jpush: JPushSimulator;
  const lockedDirs: string[] = [];
  beforeAll(async () => {
    jpush = await startJPushSimulator();
  });
  afterAll(async () => {
    await jpush.close();
    for (const dir of lockedDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A DATA_DIR whose lock is held by a live process other than this one (this test's parent). */
  function lockedDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'pushgraph-archive-locked-'));
    lockedDirs.push(dir);
    // A file where the directory should be: the archive cannot open there.
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, '');
    return file;
  }

  const query = `query ($id: ID!) { campaign(vendor: JPUSH, id: $id) { availability asOf funnel { target sent } history { fetchedAt } } }`;

  it.each([
    // Nothing listens on port 1: every connection is refused.
    [
      'postgres',
      () => ({
        DATABASE_URL: 'postgres://archive:secret-password@127.0.0.1:1/nowhere',
      }),
    ],
    // DATA_DIR cannot hold the archive.
    ['sqlite', () => ({ DATA_DIR: lockedDataDir() })],
  ] as const)('still answers live with %s down, counts it, and fails only the history field', async (store, env) => {
    const logs: string[] = [];
    const app = await startService({
      env: {
        JPUSH_APP_KEY: jpush.appKey,
        JPUSH_MASTER_SECRET: jpush.masterSecret,
        JPUSH_REPORT_URL: jpush.baseUrl,
        ARCHIVE_READ_TIMEOUT_MS: '200',
        ...env(),
      },
      port: 0,
      logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
    });
    const metrics = async (): Promise<string> => (await fetch(`${app.url}/metrics`)).text();
    try {
      await expect.poll(metrics, { timeout: 10_000 }).toMatch(/pushgraph_archive_store_errors_total\{operation="open"\} [1-9]/);
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { id: '1613113584' } }),
      });
      const answer = (await response.json()) as {
        data: unknown;
        errors?: Array<{ path: unknown; extensions: { code: string } }>;
      };
      expect(answer.data).toEqual({
        campaign: {
          availability: 'READY',
          asOf: null,
          funnel: { target: expect.any(Number), sent: expect.any(Number) },
          history: null,
        },
      });
      expect(answer.errors?.map((error) => [error.path, error.extensions.code])).toEqual([
        [['campaign', 'history'], 'ARCHIVE_UNAVAILABLE'],
      ]);
      expect(jpush.requestsTo('messages/detail').length).toBeGreaterThan(0);
      expect(await metrics()).toContain(`pushgraph_archive_store_up{store="${store}"} 0`);
      expect(logs.some((line) => line.includes('archive store unavailable, will retry'))).toBe(true);
      // DATABASE_URL carries a password: it reaches neither logs, metrics nor answers.
      expect([...logs, await metrics(), JSON.stringify(answer)].filter((text) => text.includes('secret-password'))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('campaign archive of a test app (in memory by default)', () => {
  let jpush: JPushSimulator;
  beforeAll(async () => {
    jpush = await startJPushSimulator();
  });
  afterAll(() => jpush.close());

  it('keeps each app its own archive, so no test sees what another archived', async () => {
    const env = {
      JPUSH_APP_KEY: jpush.appKey,
      JPUSH_MASTER_SECRET: jpush.masterSecret,
      JPUSH_REPORT_URL: jpush.baseUrl,
      CACHE_TTL_SECONDS: '0',
    };
    const [first, second] = [await startTestApp(env), await startTestApp(env)];
    try {
      await Promise.all([first.archive.ready(), second.archive.ready()]);
      expect([first.config.archive.dataDir, first.archive.health()]).toEqual(['memory://', { store: 'sqlite', status: 'ok' }]);
      const query = `{ campaign(vendor: JPUSH, id: "31337") { availability funnel { target } } }`;
      const live = (await first.gql(query)).data!.campaign;
      expect(live.availability).toBe('READY');
      await first.archive.recorder.flush();
      jpush.dropId('31337');
      expect((await first.gql(query)).data).toEqual({
        campaign: { availability: 'ARCHIVED', funnel: live.funnel },
      });
      // A federation gateway's representation goes through the same decorated source.
      const entities = await first.gql(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { availability funnel { target } } } }',
        {
          r: [{ __typename: 'Campaign', vendor: 'JPUSH', id: '31337' }],
        },
      );
      expect(entities.data).toEqual({
        _entities: [{ availability: 'ARCHIVED', funnel: live.funnel }],
      });
      expect((await second.gql(query)).data).toEqual({ campaign: null });
      expect(jpush.requestsTo('messages/detail')).toHaveLength(4);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe.each([
  ['sqlite', () => openSqliteStore({ dataDir: MEMORY_DATA_DIR, busyTimeoutMs: 1_000 })],
  [
    'postgres',
    async () => {
      const schema = `archive_test_${randomBytes(6).toString('hex')}`;
      const store = await openPostgresStore({
        url: POSTGRES_URL,
        schema,
        logger: createLogger({ level: 'silent' }),
        statementTimeoutMs: 5_000,
      });
      const release = store.close.bind(store);
      return Object.assign(store, {
        // The pool first, then the test's schema.
        close: async () => {
          await release();
          const client = new pg.Client(POSTGRES_URL);
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        },
      });
    },
  ],
] as const)('archive store on %s: archived figures never shrink, apps stay apart', (_name, open) => {
  let store: ArchiveStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(() => store.close());

  const funnel = (sent: number | null) => ({ target: 100, sent, received: sent, displayed: null, clicked: null, dismissed: null });
  const write = (id: string, at: number, figures: PartialFigures, goneAt: number | null = null, app = 'default') =>
    store.write([
      {
        vendor: 'JPUSH',
        app,
        id,
        firstAt: at,
        lastAt: at,
        figures,
        goneAt,
        firstRefreshAt: at + DAY,
        contentHash: figuresHash(figures),
        bucketStart: at,
      },
    ]);

  it('keeps the fuller figures when a later answer is zeroed, null or a fallback, and still records each as a snapshot', async () => {
    const at = Date.UTC(2026, 10, 1);
    await write('s1', at, { funnel: funnel(90), channels: [] });
    await write('s1', at + 60_000, { funnel: funnel(0) });
    await write('s1', at + 120_000, { funnel: { ...funnel(null), target: null } });
    await write('s1', at + 180_000, { funnel: funnel(40) });
    const latest = await store.latest('JPUSH', 'default', ['s1']);
    expect(latest.get('s1')?.get('funnel')).toEqual({ value: funnel(90), fetchedAt: at });
    const history = await store.history('JPUSH', 'default', ['s1'], null, null, 10);
    expect(history.get('s1')?.map((snapshot) => snapshot.figures.funnel?.sent ?? null)).toEqual([90, 0, null, 40]);
  });

  it('makes a campaign the vendor knows again live and refreshed again', async () => {
    const at = Date.UTC(2026, 10, 1);
    await write('g1', at, { funnel: funnel(10) });
    await write('g1', at + 60_000, {}, at + 60_000);
    expect(await store.due('JPUSH', 'default', at + 2 * DAY, 10)).toEqual([]);
    await write('g1', at + 120_000, { funnel: funnel(12) });
    expect(await store.due('JPUSH', 'default', at + 2 * DAY, 10)).toEqual([{ id: 'g1', firstSeenAt: at }]);
  });

  it('keeps the same id of two apps apart: first sighting, figures, history, schedule and gone', async () => {
    const at = Date.UTC(2026, 10, 1);
    await write('42', at, { funnel: funnel(10) }, null, 'news');
    // Only the news app's 42 is archived: the default app's is another campaign, unknown.
    expect(await store.meta('JPUSH', 'default', ['42'])).toEqual(new Map());
    expect(await store.latest('JPUSH', 'default', ['42'])).toEqual(new Map());
    expect(await store.history('JPUSH', 'default', ['42'], null, null, 10)).toEqual(new Map());
    expect(await store.due('JPUSH', 'default', at + 2 * DAY, 10)).toEqual([]);

    await write('42', at + 60_000, { funnel: funnel(20) }, null, 'default');
    await write('42', at + 120_000, { funnel: funnel(30) }, null, 'news');
    expect(await store.meta('JPUSH', 'news', ['42'])).toEqual(new Map([['42', { firstSeenAt: at }]]));
    expect(await store.meta('JPUSH', 'default', ['42'])).toEqual(new Map([['42', { firstSeenAt: at + 60_000 }]]));
    expect((await store.latest('JPUSH', 'news', ['42'])).get('42')?.get('funnel')).toEqual({ value: funnel(30), fetchedAt: at + 120_000 });
    expect((await store.latest('JPUSH', 'default', ['42'])).get('42')?.get('funnel')).toEqual({ value: funnel(20), fetchedAt: at + 60_000 });
    const sent = async (app: string) =>
      (await store.history('JPUSH', app, ['42'], null, null, 10)).get('42')?.map((snapshot) => snapshot.figures.funnel?.sent);
    expect([await sent('news'), await sent('default')]).toEqual([[10, 30], [20]]);

    expect(await store.due('JPUSH', 'news', at + 2 * DAY, 10)).toEqual([{ id: '42', firstSeenAt: at }]);
    await store.reschedule('JPUSH', 'news', '42', null);
    expect(await store.due('JPUSH', 'news', at + 2 * DAY, 10)).toEqual([]);
    expect(await store.due('JPUSH', 'default', at + 2 * DAY, 10)).toEqual([{ id: '42', firstSeenAt: at + 60_000 }]);
    // The default app's vendor forgot its 42; the news app's is not touched.
    await store.reschedule('JPUSH', 'news', '42', at + DAY);
    await write('42', at + 180_000, {}, at + 180_000, 'default');
    expect(await store.due('JPUSH', 'default', at + 2 * DAY, 10)).toEqual([]);
    expect(await store.due('JPUSH', 'news', at + 2 * DAY, 10)).toEqual([{ id: '42', firstSeenAt: at }]);
  });
});

/** The tables as migrations 0001 and 0002 left them: no app. */
interface ArchiveBeforeApps {
  campaigns: { vendor: string; id: string; first_seen_at: Date | number; gone_at: Date | number | null; next_refresh_at: Date | number | null };
  snapshots: { vendor: string; id: string; fetched_at: Date | number; bucket_start: Date | number; content_hash: string; figures: string };
}

describe.each(['sqlite', 'postgres'] as const)('archive store on %s: a database from before apps', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgraph-archive-upgrade-'));
  const schema = `archive_test_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (kind !== 'postgres') return;
    const client = new pg.Client(POSTGRES_URL);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  /** Index name to columns, the primary keys as `<table>_pkey` on both engines. */
  async function indexes(): Promise<Record<string, string[]>> {
    if (kind === 'sqlite') {
      const database = new Database(join(dir, 'archive.sqlite'));
      const rows = database
        .prepare(
          `SELECT m.name AS tbl, l.name AS idx, l.origin AS origin, i.name AS col FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i
           WHERE m.type = 'table' AND m.name IN ('campaigns', 'snapshots') ORDER BY l.name, i.seqno`,
        )
        .all() as Array<{ tbl: string; idx: string; origin: string; col: string }>;
      database.close();
      const found: Record<string, string[]> = {};
      for (const row of rows) (found[row.origin === 'pk' ? `${row.tbl}_pkey` : row.idx] ??= []).push(row.col);
      return found;
    }
    const client = new pg.Client(POSTGRES_URL);
    await client.connect();
    const { rows } = await client.query<{ idx: string; cols: string[] }>(
      `SELECT i.relname AS idx, array_agg(a.attname::text ORDER BY k.ord) AS cols
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE n.nspname = $1 AND t.relname IN ('campaigns', 'snapshots') GROUP BY i.relname`,
      [schema],
    );
    await client.end();
    return Object.fromEntries(rows.map((row) => [row.idx, row.cols]));
  }

  it('upgrades with every row in the default app, then keeps the same id of another app apart', async () => {
    const at = Date.UTC(2026, 0, 1);
    const time = (ms: number): Date | number => (kind === 'postgres' ? new Date(ms) : ms);
    const funnel: Funnel = { target: 9, sent: 8, received: 7, displayed: null, clicked: 1, dismissed: null };
    const db = new Kysely<ArchiveBeforeApps>({
      dialect:
        kind === 'sqlite'
          ? new SqliteDialect({ database: new Database(join(dir, 'archive.sqlite')) as unknown as SqliteDatabase })
          : new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL, max: 1 }) }),
    });
    const { error } = await new Migrator({
      db,
      provider: archiveMigrations(kind, kind === 'postgres' ? schema : null),
      ...(kind === 'postgres' ? { migrationTableSchema: schema } : {}),
    }).migrateTo('0002_campaigns_by_first_seen');
    expect(error).toBeUndefined();
    const tables = kind === 'postgres' ? db.withSchema(schema) : db;
    await tables
      .insertInto('campaigns')
      .values([
        { vendor: 'JPUSH', id: '1', first_seen_at: time(at), gone_at: null, next_refresh_at: time(at + DAY) },
        { vendor: 'TENCENT', id: 't', first_seen_at: time(at + 1_000), gone_at: time(at + 2_000), next_refresh_at: null },
      ])
      .execute();
    await tables
      .insertInto('snapshots')
      .values({ vendor: 'JPUSH', id: '1', fetched_at: time(at), bucket_start: time(at), content_hash: figuresHash({ funnel }), figures: JSON.stringify({ funnel }) })
      .execute();
    await db.destroy();

    const store =
      kind === 'sqlite'
        ? await openSqliteStore({ dataDir: dir, busyTimeoutMs: 1_000 })
        : await openPostgresStore({ url: POSTGRES_URL, schema, logger: createLogger({ level: 'silent' }), statementTimeoutMs: 5_000 });
    try {
      expect(await store.recent({}, 10)).toEqual([
        { vendor: 'TENCENT', app: 'default', id: 't', firstSeenAt: at + 1_000 },
        { vendor: 'JPUSH', app: 'default', id: '1', firstSeenAt: at },
      ]);
      expect(await store.meta('JPUSH', 'default', ['1'])).toEqual(new Map([['1', { firstSeenAt: at }]]));
      expect(await store.latest('JPUSH', 'default', ['1'])).toEqual(new Map([['1', new Map([['funnel', { value: funnel, fetchedAt: at }]])]]));
      expect(await store.due('JPUSH', 'default', at + DAY, 10)).toEqual([{ id: '1', firstSeenAt: at }]);
      expect(await store.due('TENCENT', 'default', at + DAY, 10)).toEqual([]);

      // The same id of another app is a row of its own; the same snapshot written again is still one.
      const write = (app: string, figures: PartialFigures, lastAt: number) =>
        store.write([
          { vendor: 'JPUSH', app, id: '1', firstAt: lastAt, lastAt, figures, goneAt: null, firstRefreshAt: lastAt + DAY, contentHash: figuresHash(figures), bucketStart: at },
        ]);
      await write('news', { funnel: { ...funnel, sent: 1 } }, at + 5_000);
      await write('default', { funnel }, at + 6_000);
      expect(await store.recent({ vendor: 'JPUSH' }, 10)).toEqual([
        { vendor: 'JPUSH', app: 'news', id: '1', firstSeenAt: at + 5_000 },
        { vendor: 'JPUSH', app: 'default', id: '1', firstSeenAt: at },
      ]);
      const history = await store.history('JPUSH', 'default', ['1'], null, null, 10);
      expect(history.get('1')?.map((snapshot) => [snapshot.fetchedAt, snapshot.figures.funnel?.sent])).toEqual([[at + 6_000, 8]]);
      expect((await store.history('JPUSH', 'news', ['1'], null, null, 10)).get('1')?.map((snapshot) => snapshot.figures.funnel?.sent)).toEqual([1]);
    } finally {
      await store.close();
    }
    // The indexes of before, with the app next to the vendor.
    expect(await indexes()).toEqual({
      campaigns_pkey: ['vendor', 'app', 'id'],
      campaigns_due: ['vendor', 'app', 'next_refresh_at'],
      campaigns_by_first_seen: ['first_seen_at', 'vendor', 'app', 'id'],
      snapshots_pkey: ['vendor', 'app', 'id', 'content_hash', 'bucket_start'],
      snapshots_by_time: ['vendor', 'app', 'id', 'fetched_at'],
    });
  });

  it.runIf(kind === 'sqlite')('does not rebuild tables another process sharing the DATA_DIR already rebuilt without recording it', async () => {
    const at = Date.UTC(2026, 0, 2);
    const shared = mkdtempSync(join(tmpdir(), 'pushgraph-archive-rebuilt-'));
    try {
      const first = await openSqliteStore({ dataDir: shared, busyTimeoutMs: 1_000 });
      await first.track('JPUSH', 'news', ['7'], at, null);
      await first.close();
      // As if that process stopped between the rebuild and recording the migration.
      const database = new Database(join(shared, 'archive.sqlite'));
      database.prepare(`DELETE FROM kysely_migration WHERE name = '0003_campaigns_by_app'`).run();
      database.close();
      const second = await openSqliteStore({ dataDir: shared, busyTimeoutMs: 1_000 });
      try {
        expect(await second.recent({}, 10)).toEqual([{ vendor: 'JPUSH', app: 'news', id: '7', firstSeenAt: at }]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

describe('archive at shutdown', () => {
  let jpush: JPushSimulator;
  beforeAll(async () => {
    jpush = await startJPushSimulator();
  });
  afterAll(() => jpush.close());

  it('closes within SHUTDOWN_TIMEOUT_MS when the store never answers, counting the queued writes as lost', async () => {
    // A database that accepts connections and never says a word.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const port = (silent.address() as { port: number }).port;
    const logs: string[] = [];
    const app = await startService({
      env: {
        JPUSH_APP_KEY: jpush.appKey,
        JPUSH_MASTER_SECRET: jpush.masterSecret,
        JPUSH_REPORT_URL: jpush.baseUrl,
        DATABASE_URL: `postgres://archive@127.0.0.1:${port}/silent`,
        SHUTDOWN_TIMEOUT_MS: '300',
      },
      port: 0,
      logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
    });
    try {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ campaign(vendor: JPUSH, id: "1613113585") { availability funnel { target } } }' }),
      });
      expect(((await response.json()) as { data: { campaign: { availability: string } } }).data.campaign.availability).toBe('READY');
      const started = Date.now();
      await app.close();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(logs.filter((line) => line.includes('snapshots not written at shutdown')).map((line) => JSON.parse(line).lost)).toEqual([1]);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
