import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  GraphQLClient,
  loadCampaignBatch,
  loadHistoryBatch,
  probeCapabilities,
  refusedAsTooBig,
  type GraphQLAnswer,
} from '../report/src/api.js';
import { appOptions, appsFromHealth, defaultVendorApps } from '../report/src/apps.js';
import { csvFileName, toCsv } from '../report/src/csv.js';
import { loadRecent, loadSummary } from '../report/src/discovery.js';
import { funnelChart } from '../report/src/chart-options.js';
import { formatInt, formatPct } from '../report/src/format.js';
import { emptySelection, parseIdFile, parseIds, selectionFromUrl, shareUrl } from '../report/src/ids.js';
import {
  aggregateChannels,
  defaultAppChoice,
  deliveryCurve,
  funnelSteps,
  rankLossReasons,
  sumFunnels,
  worstChannel,
  vendorAppLabel,
  type CampaignEntry,
  type CampaignState,
  type ChannelStat,
  type Funnel,
  type LossReason,
} from '../report/src/model.js';
import { BATCH_SIZE, PARALLEL, runReport, type Loader } from '../report/src/runner.js';
import { campaignsTable, funnelTable, lossTable } from '../report/src/tables.js';

const funnel = (
  target: number | null,
  sent: number | null,
  received: number | null,
  displayed: number | null,
  clicked: number | null,
): Funnel => ({
  target,
  sent,
  received,
  displayed,
  clicked,
  dismissed: null,
});

describe('funnel arithmetic', () => {
  it('sums stages and converts every step from the one before', () => {
    const total = sumFunnels([funnel(1000, 900, 800, 600, 60), funnel(1000, 1000, 900, 700, 40)]);
    expect(total.stages.target).toEqual({ value: 2000, reportedBy: 2 });
    expect(funnelSteps(total).map((step) => [step.stage, step.value, step.previous, step.stepRate, step.targetRate])).toEqual([
      ['target', 2000, null, null, null],
      ['sent', 1900, 'target', 0.95, 0.95],
      ['received', 1700, 'sent', 1700 / 1900, 0.85],
      ['displayed', 1300, 'received', 1300 / 1700, 0.65],
      ['clicked', 100, 'displayed', 100 / 1300, 0.05],
    ]);
  });

  it('skips a stage the vendor does not report (Tencent: clicked converts from received)', () => {
    const steps = funnelSteps(sumFunnels([funnel(500, 400, 300, null, 30)]));
    expect(steps[3]).toMatchObject({ stage: 'displayed', value: null, previous: null, stepRate: null });
    expect(steps[4]).toMatchObject({ stage: 'clicked', value: 30, previous: 'received', stepRate: 0.1 });
  });

  it('marks a stage only some campaigns reported and leaves its rates out', () => {
    const total = sumFunnels([funnel(100, 90, 80, 70, 7), funnel(100, 90, 80, null, null)]);
    const displayed = funnelSteps(total)[3]!;
    expect(displayed).toMatchObject({ value: 70, partial: true, stepRate: null, targetRate: null });
    const table = funnelTable('t', 'T', total);
    expect(table.rows[3]!.cells).toEqual(['Displayed *', 70, null, 'Received', null]);
    expect(table.note).toMatch(/Not reported for every campaign/);
  });

  it('adds Alibaba dismissed as an outcome of received', () => {
    const table = funnelTable('t', 'T', sumFunnels([{ ...funnel(120, 100, 60, null, 30), dismissed: 10 }]));
    expect(table.rows.at(-1)!.cells).toEqual(['Dismissed', 10, 10 / 60, 'Received', 10 / 120]);
  });
});

describe('channels', () => {
  const row = (
    channel: string,
    platform: string,
    sent: number | null,
    received: number | null,
    target: number | null = null,
  ): ChannelStat => ({
    channel: channel as ChannelStat['channel'],
    platform: platform as ChannelStat['platform'],
    messageType: null,
    eventType: null,
    target,
    sent,
    received,
    displayed: null,
    clicked: null,
  });

  it('sums a channel across message kinds and ranks the one that loses most first', () => {
    const totals = aggregateChannels([
      row('XIAOMI', 'ANDROID', 1000, 990),
      row('APNS', 'IOS', 500, 300),
      row('XIAOMI', 'ANDROID', 100, 60),
      row('HUAWEI', 'ANDROID', null, 40, 100),
    ]);
    expect(totals.map((total) => [total.channel, total.sent, total.received, total.notReceived, total.deliveryRate])).toEqual([
      ['APNS', 500, 300, 200, 0.6],
      ['HUAWEI', null, 40, 60, 0.4],
      ['XIAOMI', 1100, 1050, 50, 1050 / 1100],
    ]);
    expect(worstChannel(totals)?.channel).toBe('APNS');
    expect(worstChannel(aggregateChannels([row('FCM', 'ANDROID', 10, 10)]))).toBeNull();
  });
});

describe('Tencent loss reasons', () => {
  const loss = (
    stage: LossReason['stage'],
    errorCode: string,
    count: number,
    description: string | null,
    channel: LossReason['channel'] = null,
  ): LossReason => ({
    stage,
    errorCode,
    count,
    description,
    channel,
    eventType: channel ? 'OFFLINE' : null,
  });

  it('ranks overall and per-channel lists separately, summed over campaigns, with descriptions', () => {
    const ranked = rankLossReasons([
      loss('READY_TO_SEND', '-1', 167, 'Certificate id not set'),
      loss('POST_SEND_DELIVERED', '1', 217, 'regid_invalid'),
      loss('READY_TO_SEND', '-1', 159, 'Certificate id not set'),
      loss('POST_SEND_DELIVERED', '16', 56, ''),
      loss('POST_SEND_DELIVERED', '16', 4, 'later description'),
      loss('READY_TO_SEND', '-1', 123, 'Certificate id not set', 'XIAOMI'),
    ]);
    expect(ranked.overall.map((row) => [row.stage, row.errorCode, row.count, row.description])).toEqual([
      ['READY_TO_SEND', '-1', 326, 'Certificate id not set'],
      ['POST_SEND_DELIVERED', '1', 217, 'regid_invalid'],
      ['POST_SEND_DELIVERED', '16', 60, 'later description'],
    ]);
    expect(ranked.overall[0]!.share).toBeCloseTo(326 / 603, 10);
    expect(ranked.byChannel).toMatchObject([{ channel: 'XIAOMI', count: 123, share: 1 }]);
    const table = lossTable('l', 'L', ranked.overall, false);
    expect(table.rows[0]!.cells).toEqual([1, 'Before sending', '-1', 'Certificate id not set', 326, 326 / 603]);
    expect(table.rowsShown).toBe(10);
  });
});

describe('delivery curve', () => {
  it('carries each campaign’s latest snapshot forward and sums them', () => {
    const snap = (fetchedAt: string, received: number) => ({
      fetchedAt,
      funnel: { target: 100, sent: 100, received, displayed: null, clicked: null },
    });
    const points = deliveryCurve([
      [snap('2025-01-01T02:00:00Z', 50), snap('2025-01-01T01:00:00Z', 20)],
      [snap('2025-01-01T03:00:00Z', 10), { fetchedAt: 'not a date', funnel: null }],
    ]);
    expect(
      points.map((point) => [new Date(point.time).toISOString(), point.campaigns, point.values.received, point.values.displayed]),
    ).toEqual([
      ['2025-01-01T01:00:00.000Z', 1, 20, null],
      ['2025-01-01T02:00:00.000Z', 1, 50, null],
      ['2025-01-01T03:00:00.000Z', 2, 60, null],
    ]);
  });
});

describe('ids in and out', () => {
  it('parses pasted lists, keeps ids as exact strings and drops repeats and headers', () => {
    expect(parseIds('msg_id\n18100000000000000001, 1229760629;1229760629 | "269978303"\n\n')).toEqual([
      '18100000000000000001',
      '1229760629',
      '269978303',
    ]);
  });

  it('reads the id column of a CSV by its header, or every token of a plain file', () => {
    expect(parseIdFile('\uFEFFname,TaskID,sent\r\nspring sale,task-a,10\r\n"autumn",task-b,20\r\n')).toEqual(['task-a', 'task-b']);
    expect(parseIdFile('510427\n510404\n')).toEqual(['510427', '510404']);
  });

  it('reads ?vendor=&ids= pairs (and the fragment) and writes links that read back the same', () => {
    const { selection, vendors } = selectionFromUrl(
      new URL('http://x/report?ids=1,2&vendor=jpush&vendor=TENCENT&ids=a%20b&vendor=NOPE&ids=zzz'),
    );
    expect(vendors).toEqual(['JPUSH', 'TENCENT']);
    expect(selection).toEqual({ JPUSH: ['1', '2'], TENCENT: ['a', 'b'], ALIYUN: [] });
    const link = shareUrl(
      'http://h:4000/report?old=1#x',
      { ...emptySelection(), JPUSH: ['1', '2'], ALIYUN: ['510427'] },
      defaultAppChoice(),
    );
    expect(link).toBe('http://h:4000/report?vendor=JPUSH&ids=1%2C2&vendor=ALIYUN&ids=510427');
    expect(selectionFromUrl(new URL(link)).selection).toEqual({ JPUSH: ['1', '2'], TENCENT: [], ALIYUN: ['510427'] });
  });

  it('moves a long selection into the fragment, which never reaches the server', () => {
    const ids = Array.from({ length: 500 }, (_, i) => String(1_000_000_000 + i));
    const link = new URL(shareUrl('http://h/report', { ...emptySelection(), JPUSH: ids }, { ...defaultAppChoice(), JPUSH: 'news' }));
    expect(link.search).toBe('');
    expect(selectionFromUrl(link).selection.JPUSH).toEqual(ids);
    expect(selectionFromUrl(link).apps.JPUSH).toBe('news');
  });
});

describe('CSV', () => {
  it('quotes, keeps raw numbers and ratios, guards formulas but not negative codes', () => {
    const csv = toCsv({
      columns: [
        { label: 'Code', kind: 'text' },
        { label: 'Description', kind: 'text' },
        { label: 'Count', kind: 'int' },
        { label: 'Share', kind: 'pct' },
      ],
      rows: [{ cells: ['-1', '=HYPERLINK("x")', 1234567, 1 / 3] }, { cells: ['2', 'a, "b"\nc', null, null] }],
    });
    expect(csv).toBe('\uFEFFCode,Description,Count,Share (ratio)\r\n-1,"\'=HYPERLINK(""x"")",1234567,0.333333\r\n2,"a, ""b""\nc",,\r\n');
    expect(csvFileName('JPush: 1613113584 channels')).toBe('pushgraph-jpush-1613113584-channels.csv');
  });

  it('formats numbers for people', () => {
    expect([formatInt(1234567), formatInt(null), formatPct(0.8234), formatPct(null)]).toEqual(['1,234,567', 'not measured', '82.3%', '—']);
  });
});

describe('batching and concurrency of the page’s requests', () => {
  const loaded = (vendor: 'JPUSH' | 'TENCENT' | 'ALIYUN', id: string): CampaignState => ({
    status: 'loaded',
    data: { vendor, id, availability: 'READY', funnel: null, channels: null, lossReasons: null, sms: null },
    errors: [],
  });
  const ok: GraphQLAnswer<unknown> = { status: 200, data: {}, errors: [] };

  it('sends JPush 100 ids a request, Tencent 5, Alibaba 10, within each vendor’s parallelism', async () => {
    const calls: Array<[string, number]> = [];
    const inFlight = { JPUSH: 0, TENCENT: 0, ALIYUN: 0 };
    const peak = { JPUSH: 0, TENCENT: 0, ALIYUN: 0 };
    const loader: Loader = {
      campaigns: async (vendor, ids) => {
        calls.push([vendor, ids.length]);
        inFlight[vendor] += 1;
        peak[vendor] = Math.max(peak[vendor], inFlight[vendor]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight[vendor] -= 1;
        return { answer: ok, states: ids.map((id) => loaded(vendor, id)), histories: null };
      },
    };
    const seen: string[] = [];
    const selection = {
      JPUSH: Array.from({ length: 250 }, (_, i) => `${i}`),
      TENCENT: Array.from({ length: 12 }, (_, i) => `t${i}`),
      ALIYUN: Array.from({ length: 25 }, (_, i) => `${i}`),
    };
    await runReport(selection, loader, {
      campaigns: (vendor, ids) => seen.push(...ids.map((id) => `${vendor}:${id}`)),
      history: () => undefined,
    });
    expect(BATCH_SIZE).toEqual({ JPUSH: 100, TENCENT: 5, ALIYUN: 10 });
    expect(calls.filter(([vendor]) => vendor === 'JPUSH').map(([, n]) => n)).toEqual([100, 100, 50]);
    expect(calls.filter(([vendor]) => vendor === 'TENCENT').map(([, n]) => n)).toEqual([5, 5, 2]);
    expect(calls.filter(([vendor]) => vendor === 'ALIYUN').map(([, n]) => n)).toEqual([10, 10, 5]);
    expect(peak).toEqual(PARALLEL);
    expect(seen).toHaveLength(250 + 12 + 25);
  });

  it('halves a batch the server refuses as too big, and asks history for loaded campaigns only', async () => {
    const sizes: number[] = [];
    const histories: string[][] = [];
    const refused: GraphQLAnswer<unknown> = {
      status: 400,
      data: null,
      errors: [{ error: { message: 'too many ids', code: 'BAD_USER_INPUT', vendorCode: null, field: null }, path: [] }],
    };
    const loader: Loader = {
      campaigns: async (vendor, ids) => {
        sizes.push(ids.length);
        if (ids.length > 30) return { answer: refused, states: [], histories: null };
        return { answer: ok, states: ids.map((id) => (id === '7' ? { status: 'missing' } : loaded(vendor, id))), histories: null };
      },
      history: async (_vendor, ids) => {
        histories.push([...ids]);
        return ids.map(() => ({ status: 'loaded', snapshots: [] }));
      },
    };
    const settled: string[] = [];
    await runReport({ ...emptySelection(), JPUSH: Array.from({ length: 100 }, (_, i) => `${i}`) }, loader, {
      campaigns: (_vendor, ids) => settled.push(...ids),
      history: () => undefined,
    });
    expect(sizes).toEqual([100, 50, 25, 25, 50, 25, 25]);
    expect([...settled].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `${i}`).sort());
    expect(histories.flat()).toHaveLength(99);
    expect(histories.flat()).not.toContain('7');
  });
});

/** Stubs fetch with one GraphQL answer and records what each request sent. */
function serve(body: unknown, status = 200): Array<{ query: string; variables: Record<string, unknown>; authorization: string | null }> {
  const seen: Array<{ query: string; variables: Record<string, unknown>; authorization: string | null }> = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const request = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
    seen.push({ ...request, authorization: new Headers(init.headers).get('authorization') });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return seen;
}

describe('GraphQL answers to campaign states', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('maps aliases to loaded, partially failed, failed and missing campaigns', async () => {
    const campaign = {
      vendor: 'JPUSH',
      id: '1',
      availability: 'READY',
      funnel: funnel(10, 9, 8, 7, 1),
      channels: [],
      lossReasons: [],
      sms: null,
    };
    const seen = serve({
      data: { c0: campaign, c1: { ...campaign, id: '2', channels: null, history: null }, c2: null, c3: null },
      errors: [
        { message: 'JPush is down', path: ['c1', 'channels'], extensions: { code: 'VENDOR_UNAVAILABLE', vendor: 'JPUSH' } },
        { message: 'archive down', path: ['c1', 'history'], extensions: { code: 'ARCHIVE_UNAVAILABLE' } },
        { message: '"x" is not a JPush msg_id', path: ['c2'], extensions: { code: 'BAD_USER_INPUT' } },
      ],
    });
    const client = new GraphQLClient('http://h/graphql', () => 'key-1');
    const { states, histories } = await loadCampaignBatch(client, { asOf: true, history: 'inline' }, 'JPUSH', 'default', [
      '1',
      '2',
      'x',
      '404',
    ]);
    expect(seen[0]!.variables).toEqual({ vendor: 'JPUSH', app: 'default', i0: '1', i1: '2', i2: 'x', i3: '404' });
    expect(seen[0]!.query).toContain('c3: campaign(vendor: $vendor, app: $app, id: $i3) { ...F }');
    expect(seen[0]!.query).toContain('asOf history { fetchedAt funnel');
    expect(seen[0]!.authorization).toBe('Bearer key-1');
    expect(states.map((state) => state.status)).toEqual(['loaded', 'loaded', 'failed', 'missing']);
    expect(states[1]).toMatchObject({ errors: [{ field: 'channels', code: 'VENDOR_UNAVAILABLE', message: 'JPush is down' }] });
    expect(states[2]).toMatchObject({ errors: [{ field: null, code: 'BAD_USER_INPUT' }] });
    expect(histories?.map((history) => history.status)).toEqual(['loaded', 'failed', 'loaded', 'loaded']);
  });

  it('gives every campaign of a refused operation the operation’s error', async () => {
    serve({ errors: [{ message: 'This operation asks for 100 ids; the limit is 50', extensions: { code: 'BAD_USER_INPUT' } }] }, 400);
    const { answer, states } = await loadCampaignBatch(
      new GraphQLClient('http://h/graphql', () => null),
      { asOf: false, history: 'none' },
      'TENCENT',
      'default',
      ['a', 'b'],
    );
    expect(refusedAsTooBig(answer)).toBe(true);
    expect(states).toEqual(
      [0, 1].map(() => ({
        status: 'failed',
        errors: [{ message: 'This operation asks for 100 ids; the limit is 50', code: 'BAD_USER_INPUT', vendorCode: null, field: null }],
      })),
    );
  });

  it('asks history on its own where the field is non-null, so an archive failure only hides the curve', async () => {
    const snapshot = { fetchedAt: '2025-03-01T08:00:00.000Z', funnel: funnel(10, 9, 8, 7, 1) };
    const seen = serve({
      data: { c0: { history: [snapshot] }, c1: null, c2: { history: null } },
      errors: [{ message: 'The campaign archive is unavailable', path: ['c1', 'history'], extensions: { code: 'ARCHIVE_UNAVAILABLE' } }],
    });
    const states = await loadHistoryBatch(new GraphQLClient('http://h/graphql', () => null), 'TENCENT', 'default', ['a', 'b', 'c']);
    expect(seen[0]!.query).toContain('fragment F on Campaign { history { fetchedAt funnel { target sent received displayed clicked } } }');
    expect(states).toEqual([
      { status: 'loaded', snapshots: [snapshot] },
      {
        status: 'failed',
        error: { message: 'The campaign archive is unavailable', code: 'ARCHIVE_UNAVAILABLE', vendorCode: null, field: 'history' },
      },
      { status: 'loaded', snapshots: [] },
    ]);
  });

  it('finds fields by validation alone where introspection is switched off (history then asked separately)', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const { query } = JSON.parse(String(init.body)) as { query: string };
      seen.push(query);
      const refused = query.includes('__type') || query.includes('asOf');
      return new Response(
        JSON.stringify(refused ? { errors: [{ message: 'no', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } : { data: {} }),
        { status: refused ? 400 : 200 },
      );
    });
    expect(await probeCapabilities(new GraphQLClient('http://h/graphql', () => null))).toEqual({
      ok: true,
      capabilities: { asOf: false, history: 'separate' },
    });
    expect(seen.slice(1)).toEqual([
      'query ReportProbe { campaign(vendor: JPUSH, id: "0") @skip(if: true) { id } }',
      'query ReportProbe { campaign(vendor: JPUSH, id: "0") @skip(if: true) { asOf } }',
      'query ReportProbe { campaign(vendor: JPUSH, id: "0") @skip(if: true) { history { fetchedAt } } }',
    ]);
  });

  it('reads the schema’s Campaign fields by introspection: nullable history goes inline', async () => {
    serve({
      data: {
        __type: {
          fields: [
            { name: 'id', type: { kind: 'NON_NULL' } },
            { name: 'history', type: { kind: 'LIST' } },
          ],
        },
      },
    });
    expect(await probeCapabilities(new GraphQLClient('http://h/graphql', () => null))).toEqual({
      ok: true,
      capabilities: { asOf: false, history: 'inline' },
    });
  });

  it('says so when the server wants an API key', async () => {
    serve({ errors: [{ message: 'A valid API key is required', extensions: { code: 'UNAUTHENTICATED' } }] }, 401);
    expect(await probeCapabilities(new GraphQLClient('http://h/graphql', () => null))).toMatchObject({ ok: false, unauthenticated: true });
  });

  it('lists every campaign with its status in the campaigns table', () => {
    const table = campaignsTable('campaigns', 'Campaigns', [
      {
        vendor: 'ALIYUN',
        app: 'default',
        id: '510420',
        state: {
          status: 'loaded',
          data: { vendor: 'ALIYUN', id: '510420', availability: 'PENDING', funnel: null, channels: [], lossReasons: [], sms: null },
          errors: [],
        },
        history: { status: 'unsupported' },
      },
      { vendor: 'JPUSH', app: 'default', id: '9', state: { status: 'missing' }, history: { status: 'unsupported' } },
    ]);
    expect(table.rows.map((row) => row.cells.slice(0, 3))).toEqual([
      ['510420', 'Alibaba Cloud Push', 'Pending: the vendor publishes figures the next day'],
      ['9', 'JPush', 'Not found: JPush knows no such id'],
    ]);
  });
});

describe('not measured', () => {
  it('draws no bar for a null stage and says "not measured", never 0', () => {
    // The JPush fallback funnel: received only.
    const spec = funnelChart(sumFunnels([{ target: null, sent: null, received: 82, displayed: null, clicked: null }]));
    const series = (spec.option.series as Array<{ data: Array<{ value: number | string }> }>)[0]!;
    const labels = (spec.option.yAxis as { data: string[] }).data;
    const values = series.data.map((point) => point.value);
    expect(values).not.toContain(0);
    expect(values.filter((value) => value !== '-')).toEqual([82]);
    expect(labels.filter((label) => label.endsWith('\nnot measured'))).toHaveLength(values.length - 1);
    expect(spec.description).toContain('Received: 82');
    expect(spec.description).toContain('Sent: not measured');
  });
});

describe('apps (issue 16): the pickers, links and every query carry the chosen app', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const client = (): GraphQLClient => new GraphQLClient('http://h/graphql', () => null);

  it("reads /health's apps, default first; a body without apps leaves every vendor its default app", () => {
    const health = {
      status: 'ok',
      vendors: { JPUSH: 'live', TENCENT: 'simulated', ALIYUN: 'live' },
      apps: {
        JPUSH: { news: 'simulated', default: 'live', family: 'simulated' },
        TENCENT: { default: 'simulated' },
        ALIYUN: { default: 'live' },
      },
    };
    expect(appsFromHealth(health)).toEqual({ JPUSH: ['default', 'news', 'family'], TENCENT: ['default'], ALIYUN: ['default'] });
    expect(defaultVendorApps()).toEqual({ JPUSH: ['default'], TENCENT: ['default'], ALIYUN: ['default'] });
    for (const body of [{ status: 'ok', vendors: health.vendors }, null, 'Bad Gateway', { apps: ['news'] }, { apps: { JPUSH: 'news' } }]) {
      expect(appsFromHealth(body)).toEqual(defaultVendorApps());
    }
    // A link's app the server did not list stays choosable (the server then says it does not know it).
    expect(appOptions(['default', 'news'], 'news')).toEqual(['default', 'news']);
    expect(appOptions(['default'], 'sports')).toEqual(['default', 'sports']);
  });

  it('round-trips the app of each vendor through the link; no app in the link is the default app', () => {
    const url = new URL(
      'http://x/report?app=stray&vendor=JPUSH&app=news&ids=1,2&vendor=TENCENT&ids=a&vendor=ALIYUN&app=Bad%20App!&ids=510427',
    );
    const { selection, apps } = selectionFromUrl(url);
    expect(selection).toEqual({ JPUSH: ['1', '2'], TENCENT: ['a'], ALIYUN: ['510427'] });
    expect(apps).toEqual({ JPUSH: 'news', TENCENT: 'default', ALIYUN: 'default' });
    const link = shareUrl('http://h:4000/report', selection, apps);
    expect(link).toBe('http://h:4000/report?vendor=JPUSH&app=news&ids=1%2C2&vendor=TENCENT&ids=a&vendor=ALIYUN&ids=510427');
    expect(selectionFromUrl(new URL(link))).toEqual({ selection, vendors: ['JPUSH', 'TENCENT', 'ALIYUN'], apps });
    expect(selectionFromUrl(new URL('http://x/report?vendor=JPUSH&ids=1')).apps).toEqual(defaultAppChoice());
    expect(selectionFromUrl(new URL('http://x/report#vendor=TENCENT&app=family&ids=t1')).apps.TENCENT).toBe('family');
  });

  it('sends the app as the `app` variable of the figures, history, recent and summary queries', async () => {
    const figures = serve({ data: { c0: null, c1: null } });
    await loadCampaignBatch(client(), { asOf: false, history: 'none' }, 'JPUSH', 'news', ['1', '2']);
    expect(figures[0]!.variables).toEqual({ vendor: 'JPUSH', app: 'news', i0: '1', i1: '2' });
    expect(figures[0]!.query).toContain('query ReportCampaigns($vendor: Vendor!, $app: String, $i0: ID!, $i1: ID!)');
    expect(figures[0]!.query).toContain('c1: campaign(vendor: $vendor, app: $app, id: $i1) { ...F }');

    const history = serve({ data: { c0: null } });
    await loadHistoryBatch(client(), 'TENCENT', 'family', ['t1']);
    expect(history[0]!.variables).toEqual({ vendor: 'TENCENT', app: 'family', i0: 't1' });
    expect(history[0]!.query).toContain('c0: campaign(vendor: $vendor, app: $app, id: $i0) { ...F }');

    const recent = serve({
      data: {
        recentCampaigns: { edges: [{ node: { vendor: 'JPUSH', app: 'news', id: '7' } }], pageInfo: { hasNextPage: false, endCursor: 'x' } },
      },
    });
    expect(await loadRecent(client(), { vendor: 'JPUSH', app: 'news', since: null }, null)).toEqual({
      ok: true,
      value: { campaigns: [{ vendor: 'JPUSH', app: 'news', id: '7' }], hasNextPage: false, endCursor: 'x' },
    });
    expect(recent[0]!.variables).toEqual({ vendor: 'JPUSH', app: 'news', since: null, first: 50, after: null });
    expect(recent[0]!.query).toContain('edges { node { vendor app id } }');

    const summary = serve({ data: { campaignSummary: { campaigns: 1, withFigures: 0, funnel: null, channels: [], lossReasons: [] } } });
    await loadSummary(client(), [{ vendor: 'JPUSH', app: 'news', id: '7' }]);
    expect(summary[0]!.variables).toEqual({ campaigns: [{ vendor: 'JPUSH', app: 'news', id: '7' }] });
  });

  it('names the app beside the vendor only where it is not the default one (table columns, labels)', () => {
    const entry = (app: string, id: string): CampaignEntry => ({
      vendor: 'JPUSH',
      app,
      id,
      state: { status: 'missing' },
      history: { status: 'unsupported' },
    });
    expect(vendorAppLabel('JPUSH', 'default')).toBe('JPush');
    expect(vendorAppLabel('JPUSH', 'news')).toBe('JPush (news)');
    const single = campaignsTable('campaigns', 'Campaigns', [entry('default', '1')]);
    expect(single.columns.slice(0, 3).map((column) => column.label)).toEqual(['Campaign id', 'Vendor', 'Status']);
    const withApp = campaignsTable('campaigns', 'Campaigns', [entry('news', '1')]);
    expect(withApp.columns.slice(0, 4).map((column) => column.label)).toEqual(['Campaign id', 'Vendor', 'App', 'Status']);
    expect(withApp.rows[0]!.cells.slice(0, 4)).toEqual(['1', 'JPush', 'news', 'Not found: JPush (news) knows no such id']);
    expect(toCsv(withApp).split('\r\n')[1]).toMatch(/^1,JPush,news,Not found: JPush \(news\) knows no such id,/);
  });
});
