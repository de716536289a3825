import { describe, expect, it } from 'vitest';
import { figuresHash, preferFigure, readFigures } from '../src/archive/figures.js';
import { Recorder } from '../src/archive/recorder.js';
import { Refresher, type RefresherDeps } from '../src/archive/refresher.js';
import { isPastRetention, nextRefreshAt, type RefreshSchedule } from '../src/archive/retention.js';
import type { CampaignWrite, DueCampaign } from '../src/archive/store.js';
import type { CampaignSource } from '../src/datasources/vendor.js';
import type { Funnel, LossReason, Vendor } from '../src/domain.js';
import { createLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const SCHEDULE: RefreshSchedule = { firstDayEveryMs: HOUR, laterEveryMs: DAY, finalBeforeMs: 3 * HOUR };
const logger = createLogger({ level: 'silent' });

const funnel = (target: number): Funnel => ({ target, sent: target - 1, received: target - 2, displayed: null, clicked: 1, dismissed: null });
const loss: LossReason = { stage: 'READY_TO_SEND', errorCode: '-1', count: 167, description: 'Certificate id not set', channel: null, eventType: null };

/** Every date the refresher would fetch a campaign first seen at T0, following its own answers. */
function refreshDates(vendor: Vendor): number[] {
  const dates: number[] = [];
  for (let at = nextRefreshAt(vendor, T0, T0, SCHEDULE); at !== null; at = nextRefreshAt(vendor, T0, at, SCHEDULE)) dates.push(at);
  return dates;
}

describe('retention and refresh schedule', () => {
  it('refreshes JPush hourly on the first day, daily after, and last 3 hours before its 28 days end', () => {
    const dates = refreshDates('JPUSH').map((at) => (at - T0) / HOUR);
    expect(dates.slice(0, 24)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // From hour 24 on, daily: 24 + 24k until day 27, then the final fetch at 28 days - 3 h.
    expect(dates.slice(23)).toEqual([24, 48, 72, 96, 120, 144, 168, 192, 216, 240, 264, 288, 312, 336, 360, 384, 408, 432, 456, 480, 504, 528, 552, 576, 600, 624, 648, 669]);
  });

  it('adds a final Tencent fetch before its loss reasons (7 days) and its statistics (30 days) are dropped', () => {
    const dates = refreshDates('TENCENT').map((at) => (at - T0) / HOUR);
    // Daily after the first day, until the loss reasons' final fetch (165 h), then daily from there.
    expect(dates.slice(23, 32)).toEqual([24, 48, 72, 96, 120, 144, 165, 189, 213]);
    expect(dates.slice(-3)).toEqual([669, 693, 717]);
    expect(dates).toHaveLength(24 + 5 + 1 + 22 + 1);
  });

  it('refreshes a vendor without documented retention (Alibaba) daily for 30 days, with no final fetch', () => {
    const dates = refreshDates('ALIYUN').map((at) => (at - T0) / HOUR);
    expect(dates.at(-1)).toBe(29 * 24);
    expect(dates).toHaveLength(24 + 28);
  });

  it('knows a campaign is past retention only once its first sighting is older than the retention', () => {
    expect(isPastRetention('JPUSH', T0, T0 + 28 * DAY - 1)).toBe(false);
    expect(isPastRetention('JPUSH', T0, T0 + 28 * DAY)).toBe(true);
    expect(isPastRetention('TENCENT', T0, T0 + 8 * DAY)).toBe(false);
    expect(isPastRetention('TENCENT', T0, T0 + 8 * DAY, 'lossReasons')).toBe(true);
    expect(isPastRetention('TENCENT', T0, T0 + 8 * DAY, 'funnel')).toBe(false);
    expect(isPastRetention('ALIYUN', T0, T0 + 365 * DAY)).toBe(false);
  });
});

describe('archived figures', () => {
  it('hashes figures the same whatever the key order', () => {
    expect(figuresHash({ funnel: { target: 1, sent: 2 } })).toBe(figuresHash({ funnel: { sent: 2, target: 1 } }));
    expect(figuresHash({ funnel: { target: 1 } })).not.toBe(figuresHash({ funnel: { target: 2 } }));
  });

  it('hashes exactly as the snapshots already stored were hashed (content_hash is compared across versions)', () => {
    const figures = {
      funnel: { target: 10, sent: 9, received: 8, displayed: null, clicked: 1, dismissed: null },
      channels: [
        { channel: 'HUAWEI', platform: 'ANDROID', messageType: 'NOTIFICATION', eventType: null, target: 5, sent: 5, received: 4, displayed: null, clicked: 1 },
      ],
      lossReasons: [],
      sms: null,
      'é"\\': { b: [1, null, 'x'], a: undefined },
    };
    // Computed with the first implementation (Object.entries, filter, sort, join).
    expect(figuresHash(figures)).toBe('7eb0387f4ecc5c094a81f0030a549abded6b505e512d4995f6f88632302c47ac');
    expect(figuresHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('reads stored figures through the schema: invalid fields are left out, missing figures are null', () => {
    const figures = readFigures({
      funnel: { target: 5, sent: 4 },
      channels: [{ channel: 'XIAOMI', platform: 'ANDROID', target: 1 }],
      lossReasons: [{ stage: 'NOT_A_STAGE', errorCode: '1', count: 1 }],
      sms: 'nope',
    });
    expect(figures).toEqual({
      funnel: { target: 5, sent: 4, received: null, displayed: null, clicked: null, dismissed: null },
      channels: [{ channel: 'XIAOMI', platform: 'ANDROID', messageType: null, eventType: null, target: 1, sent: null, received: null, displayed: null, clicked: null }],
    });
  });

  it('prefers a fuller value over a newer empty one, then the newer', () => {
    const full = { value: [loss], fetchedAt: 1 };
    const emptied = { value: [], fetchedAt: 2 };
    const newer = { value: [loss, loss], fetchedAt: 3 };
    expect([emptied, full].sort(preferFigure)).toEqual([full, emptied]);
    expect([full, newer].sort(preferFigure)).toEqual([newer, full]);
  });
});

function recorder(write: (writes: CampaignWrite[]) => Promise<void>, options: { maxQueue?: number; metrics?: Metrics } = {}): Recorder {
  return new Recorder({
    write,
    firstRefreshAt: (_vendor, firstSeenAt) => firstSeenAt + HOUR,
    snapshotEveryMs: HOUR,
    maxQueue: options.maxQueue ?? 100,
    logger,
    metrics: options.metrics ?? new Metrics(),
    retryMinMs: 5,
    retryMaxMs: 20,
  });
}

describe('Recorder (the write queue)', () => {
  it('coalesces the fields of one campaign into one snapshot, keyed by content hash and hour bucket', async () => {
    const batches: CampaignWrite[][] = [];
    const queue = recorder(async (writes) => void batches.push(writes));
    queue.observe('JPUSH', 'default', '1', { funnel: funnel(10) }, T0 + 1_000);
    queue.observe('JPUSH', 'default', '1', { channels: [] }, T0 + 1_002);
    queue.seen('JPUSH', 'default', '2', T0 + 1_001);
    await queue.flush();
    expect(batches).toEqual([
      [
        {
          vendor: 'JPUSH',
          app: 'default',
          id: '1',
          firstAt: T0 + 1_000,
          lastAt: T0 + 1_002,
          figures: { funnel: funnel(10), channels: [] },
          goneAt: null,
          firstRefreshAt: T0 + 1_000 + HOUR,
          contentHash: figuresHash({ funnel: funnel(10), channels: [] }),
          bucketStart: T0,
        },
        { vendor: 'JPUSH', app: 'default', id: '2', firstAt: T0 + 1_001, lastAt: T0 + 1_001, figures: {}, goneAt: null, firstRefreshAt: T0 + 1_001 + HOUR, contentHash: figuresHash({}), bucketStart: T0 },
      ],
    ]);
  });

  it('does not write unchanged figures again within the snapshot interval, and does after it or when they change', async () => {
    const metrics = new Metrics();
    const batches: CampaignWrite[][] = [];
    const queue = recorder(async (writes) => void batches.push(writes), { metrics });
    for (const [at, target] of [
      [T0, 10],
      [T0 + 10 * 60_000, 10],
      [T0 + 20 * 60_000, 11],
      [T0 + 30 * 60_000, 11],
      [T0 + 20 * 60_000 + HOUR, 11],
    ] as const) {
      queue.observe('JPUSH', 'default', '1', { funnel: funnel(target) }, at);
      queue.seen('JPUSH', 'default', '1', at);
      await queue.flush();
    }
    expect(batches.map((writes) => writes.map((write) => [write.lastAt - T0, write.figures.funnel?.target]))).toEqual([
      [[0, 10]],
      [],
      [[20 * 60_000, 11]],
      [],
      [[20 * 60_000 + HOUR, 11]],
    ]);
    expect(await metrics.registry.getSingleMetricAsString('pushgraph_archive_snapshots_total')).toContain('outcome="unchanged"} 2');
  });

  it('keeps a failed batch and writes it once the store answers again, merged under newer figures', async () => {
    let failing = true;
    const batches: CampaignWrite[][] = [];
    const queue = recorder(async (writes) => {
      if (failing) throw new Error('connection refused');
      batches.push(writes);
    });
    queue.observe('TENCENT', 'default', 'task-a', { funnel: funnel(10), lossReasons: [loss] }, T0);
    await expect(queue.flush()).rejects.toThrow('connection refused');
    queue.observe('TENCENT', 'default', 'task-a', { funnel: funnel(12) }, T0 + 5);
    expect(queue.pending('TENCENT', 'default', 'task-a')?.figures).toEqual({ funnel: funnel(12), lossReasons: [loss] });
    failing = false;
    // The background retry (backoff 5..20 ms) writes it without being asked.
    await expect.poll(() => batches.length, { timeout: 10_000 }).toBe(1);
    expect(batches[0]?.map((write) => [write.firstAt, write.lastAt, write.figures])).toEqual([[T0, T0 + 5, { funnel: funnel(12), lossReasons: [loss] }]]);
    expect(queue.size).toBe(0);
  });

  it('drops the oldest campaign when the queue is full, and counts it', async () => {
    const metrics = new Metrics();
    const queue = recorder(() => Promise.reject(new Error('disk full')), { maxQueue: 2, metrics });
    queue.observe('JPUSH', 'default', '1', { funnel: funnel(1) }, T0);
    queue.observe('JPUSH', 'default', '2', { funnel: funnel(2) }, T0);
    queue.observe('JPUSH', 'default', '3', { funnel: funnel(3) }, T0);
    expect([queue.pending('JPUSH', 'default', '1'), queue.pending('JPUSH', 'default', '2')?.id, queue.pending('JPUSH', 'default', '3')?.id]).toEqual([undefined, '2', '3']);
    expect(await metrics.registry.getSingleMetricAsString('pushgraph_archive_snapshots_total')).toContain('outcome="dropped"} 1');
    await queue.close(1_000);
  });

  it('keeps the same id of two apps apart: two pending campaigns, two writes', async () => {
    const batches: CampaignWrite[][] = [];
    const queue = recorder(async (writes) => void batches.push(writes));
    queue.observe('JPUSH', 'default', '1', { funnel: funnel(10) }, T0);
    queue.observe('JPUSH', 'news', '1', { funnel: funnel(20) }, T0 + 1);
    queue.gone('JPUSH', 'news', '1', T0 + 2);
    expect([queue.pending('JPUSH', 'default', '1')?.figures, queue.pending('JPUSH', 'news', '1')?.figures]).toEqual([
      { funnel: funnel(10) },
      { funnel: funnel(20) },
    ]);
    expect(queue.pending('JPUSH', 'shop', '1')).toBeUndefined();
    await queue.flush();
    expect(batches[0]?.map((write) => [write.app, write.id, write.figures.funnel?.target, write.goneAt])).toEqual([
      ['default', '1', 10, null],
      ['news', '1', 20, T0 + 2],
    ]);
  });

  it('marks a campaign gone', async () => {
    const batches: CampaignWrite[][] = [];
    const queue = recorder(async (writes) => void batches.push(writes));
    queue.gone('JPUSH', 'default', '1', T0);
    await queue.flush();
    expect(batches[0]?.[0]).toMatchObject({ id: '1', goneAt: T0, figures: {} });
  });
});

/** A CampaignSource that counts what it is asked; ids in `known` exist. */
function countingSource(known: Map<string, number>, calls: string[]): CampaignSource {
  const ask = async <T>(what: string, id: string, value: T): Promise<T> => {
    calls.push(`${what}:${id}`);
    return value;
  };
  return {
    validateId: () => undefined,
    campaign: (id) => ask('campaign', id, known.has(id) ? { vendor: 'TENCENT', app: 'default', id } : null),
    availability: (id) => ask('availability', id, 'READY'),
    funnel: (id) => ask('funnel', id, funnel(known.get(id) ?? 0)),
    channels: (id) => ask('channels', id, []),
    lossReasons: (id) => ask('lossReasons', id, [loss]),
    sms: (id) => ask('sms', id, null),
  };
}

describe('Refresher', () => {
  function setup(due: DueCampaign[], options: { lead?: boolean; busy?: boolean; now?: number } = {}) {
    const calls: string[] = [];
    const recorded: Array<[string, unknown, number]> = [];
    const gone: string[] = [];
    const rescheduled: Array<[string, number | null]> = [];
    const asked: number[] = [];
    const known = new Map([
      ['task-1', 100],
      ['task-2', 200],
    ]);
    const deps: RefresherDeps = {
      runtimes: [{ vendor: 'TENCENT', app: 'default', createSource: () => countingSource(known, calls) }],
      lead: async () => options.lead ?? true,
      due: async (_vendor, _app, _now, limit) => {
        asked.push(limit);
        return due.slice(0, limit);
      },
      reschedule: async (_vendor, _app, id, next) => void rescheduled.push([id, next]),
      record: (_vendor, _app, id, figures, at) => void recorded.push([id, figures, at]),
      gone: (_vendor, _app, id) => void gone.push(id),
      busy: () => options.busy ?? false,
      now: () => options.now ?? T0 + 2 * HOUR,
      schedule: SCHEDULE,
      perTick: 2,
      tickMs: 15_000,
      logger,
      metrics: new Metrics(),
    };
    return { refresher: new Refresher(deps), calls, recorded, gone, rescheduled, asked };
  }

  it('re-fetches at most its budget of due campaigns per tick, records them and schedules the next fetch', async () => {
    const due = [
      { id: 'task-1', firstSeenAt: T0 },
      { id: 'task-2', firstSeenAt: T0 - 3 * DAY },
      { id: 'task-3', firstSeenAt: T0 },
    ];
    const { refresher, calls, recorded, rescheduled, asked } = setup(due);
    await refresher.runOnce();
    expect(asked).toEqual([2]);
    expect(calls.filter((call) => call.startsWith('campaign'))).toEqual(['campaign:task-1', 'campaign:task-2']);
    expect(recorded).toEqual([
      ['task-1', { funnel: funnel(100), channels: [], lossReasons: [loss], sms: null }, T0 + 2 * HOUR],
      ['task-2', { funnel: funnel(200), channels: [], lossReasons: [loss], sms: null }, T0 + 2 * HOUR],
    ]);
    // task-1 is on its first day (hourly); task-2 is 3 days old (daily).
    expect(new Map(rescheduled)).toEqual(
      new Map([
        ['task-1', T0 + 3 * HOUR],
        ['task-2', T0 + 2 * HOUR + DAY],
      ]),
    );
  });

  it('does not fetch loss reasons past their retention, and never asks for a campaign past its retention', async () => {
    const now = T0 + 10 * DAY;
    const { refresher, calls, rescheduled } = setup(
      [
        { id: 'task-1', firstSeenAt: T0 },
        { id: 'task-2', firstSeenAt: T0 - 25 * DAY },
      ],
      { now },
    );
    await refresher.runOnce();
    expect(calls.sort()).toEqual(['campaign:task-1', 'channels:task-1', 'funnel:task-1', 'sms:task-1']);
    expect(new Map(rescheduled)).toEqual(
      new Map([
        ['task-1', now + DAY],
        ['task-2', null],
      ]),
    );
  });

  it('marks a campaign the vendor forgot as gone and stops refreshing it', async () => {
    const { refresher, gone, rescheduled } = setup([{ id: 'task-404', firstSeenAt: T0 }]);
    await refresher.runOnce();
    expect(gone).toEqual(['task-404']);
    expect(rescheduled).toEqual([['task-404', null]]);
  });

  it('refreshes each configured app of a vendor on a budget of its own, and stands back only from the app a live request waits on', async () => {
    const known = new Map([
      ['task-1', 100],
      ['task-2', 200],
      ['task-3', 300],
    ]);
    const apps = ['default', 'news', 'shop'];
    const calls = new Map(apps.map((app) => [app, [] as string[]]));
    const asked: Array<[Vendor, string, number]> = [];
    const recorded: string[] = [];
    const rescheduled: string[] = [];
    const due = (ids: string[]): DueCampaign[] => ids.map((id) => ({ id, firstSeenAt: T0 }));
    const dueOf = new Map([
      ['default', due(['task-1', 'task-2', 'task-3'])],
      ['news', due(['task-1', 'task-2'])],
      ['shop', due(['task-1'])],
    ]);
    const refresher = new Refresher({
      runtimes: apps.map((app) => ({ vendor: 'TENCENT', app, createSource: () => countingSource(known, calls.get(app) ?? []) })),
      lead: async () => true,
      due: async (vendor, app, _now, limit) => {
        asked.push([vendor, app, limit]);
        return (dueOf.get(app) ?? []).slice(0, limit);
      },
      reschedule: async (_vendor, app, id, next) => void rescheduled.push(`${app}:${id}:${next === null ? null : next - T0}`),
      record: (_vendor, app, id, figures) => void recorded.push(`${app}:${id}:${figures.funnel?.target}`),
      gone: () => undefined,
      busy: (_vendor, app) => app === 'shop',
      now: () => T0 + 2 * HOUR,
      schedule: SCHEDULE,
      perTick: 2,
      tickMs: 15_000,
      logger,
      metrics: new Metrics(),
    });
    await refresher.runOnce();
    // Two per app (the budget), and nothing asked of the app a live request is waiting on.
    expect(asked).toEqual([
      ['TENCENT', 'default', 2],
      ['TENCENT', 'news', 2],
    ]);
    expect(apps.map((app) => calls.get(app)?.filter((call) => call.startsWith('campaign')))).toEqual([
      ['campaign:task-1', 'campaign:task-2'],
      ['campaign:task-1', 'campaign:task-2'],
      [],
    ]);
    expect(recorded).toEqual(['default:task-1:100', 'default:task-2:200', 'news:task-1:100', 'news:task-2:200']);
    expect(rescheduled.sort()).toEqual([`default:task-1:${3 * HOUR}`, `default:task-2:${3 * HOUR}`, `news:task-1:${3 * HOUR}`, `news:task-2:${3 * HOUR}`]);
  });

  it('does nothing without the lock, and stands back while a live request waits on the vendor', async () => {
    for (const options of [{ lead: false }, { busy: true }]) {
      const { refresher, calls, asked } = setup([{ id: 'task-1', firstSeenAt: T0 }], options);
      await refresher.runOnce();
      expect(asked).toEqual([]);
      expect(calls).toEqual([]);
    }
  });
});
