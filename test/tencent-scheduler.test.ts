import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Interest } from '../src/datasources/interest.js';
import { LocalSlotClock, type SlotClock } from '../src/datasources/slot-clock.js';
import { BatchScheduler } from '../src/datasources/tencent/scheduler.js';
import { startTestApp, type TestApp } from './helpers.js';
import { startVendorFakes, type VendorFakes } from './vendor-fakes.js';

/** A clock whose slots come only when the test grants them (the first one is free). */
class ManualClock implements SlotClock {
  claims = 0;
  private free = 1;
  private readonly waiting: Array<() => void> = [];

  claim(): Promise<void> {
    this.claims += 1;
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  sent(): void {
    this.sends += 1;
  }

  sends = 0;

  /** The next slot comes. */
  grant(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/** Lets pending promise chains and the scheduler's same-turn wait run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

class Transient extends Error {}

interface Item {
  id: string;
  window: string;
}

function harness(options: { failures?: Array<Error | undefined>; maxAttempts?: number } = {}) {
  const clock = new ManualClock();
  const sent: string[][] = [];
  const failures = [...(options.failures ?? [])];
  const scheduler = new BatchScheduler<Item, string>({
    clock,
    maxBatchSize: 5,
    keyOf: (item) => `${item.window}:${item.id}`,
    groupOf: (item) => item.window,
    overloaded: () => new Error('full'),
    retryable: (error) => error instanceof Transient,
    maxAttempts: options.maxAttempts ?? 3,
    send: async (items, onSend) => {
      onSend();
      sent.push(items.map((item) => item.id));
      const failure = failures.shift();
      if (failure) throw failure;
      return (item) => `answer:${item.id}`;
    },
  });
  const enqueue = (ids: string[], window = 'w') => ids.map((id) => scheduler.enqueue({ id, window }));
  return { clock, sent, enqueue };
}

describe('BatchScheduler', () => {
  it('sends up to the batch limit per slot, and items that arrive while a call waits join it', async () => {
    const { clock, sent, enqueue } = harness();
    const first = enqueue(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    await settle();
    expect(sent).toEqual([['a', 'b', 'c', 'd', 'e']]);
    const later = enqueue(['h', 'i']);
    await settle();
    expect(sent).toHaveLength(1);
    clock.grant();
    await settle();
    expect(sent).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['f', 'g', 'h', 'i'],
    ]);
    expect(await Promise.all([...first, ...later])).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((id) => `answer:${id}`));
    expect(clock.claims).toBe(2);
    expect(clock.sends).toBe(2);
  });

  it('never mixes groups in one call and serves the oldest group first', async () => {
    const { clock, sent, enqueue } = harness();
    const answers = [...enqueue(['a1'], 'A'), ...enqueue(['b1', 'b2'], 'B'), ...enqueue(['a2'], 'A')];
    await settle();
    clock.grant();
    await settle();
    expect(sent).toEqual([
      ['a1', 'a2'],
      ['b1', 'b2'],
    ]);
    await Promise.all(answers);
  });

  it('retries a retryable failure at the next slot, not before', async () => {
    const { clock, sent, enqueue } = harness({ failures: [new Transient('90102')] });
    const answers = enqueue(['a', 'b']);
    await settle();
    expect(sent).toEqual([['a', 'b']]);
    await settle();
    expect(sent).toHaveLength(1);
    clock.grant();
    await settle();
    expect(sent).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(await Promise.all(answers)).toEqual(['answer:a', 'answer:b']);
  });

  it('surfaces a retryable failure after the last attempt, and others at once', async () => {
    const flaky = harness({ failures: [new Transient('1'), new Transient('2')], maxAttempts: 2 });
    const [answer] = flaky.enqueue(['a']);
    const outcome = answer!.catch((error: unknown) => error);
    await settle();
    flaky.clock.grant();
    await settle();
    expect(await outcome).toEqual(new Transient('2'));
    expect(flaky.sent).toEqual([['a'], ['a']]);

    const broken = harness({ failures: [new Error('70009')] });
    const [refused] = broken.enqueue(['b']);
    await expect(refused).rejects.toThrow('70009');
    expect(broken.sent).toEqual([['b']]);
    expect(broken.clock.claims).toBe(1);
  });

  it('fails only the items of the failed call', async () => {
    const { clock, sent, enqueue } = harness({ failures: [new Error('no')] });
    const answers = enqueue(['a', 'b', 'c', 'd', 'e', 'f']).map((answer) => answer.catch((error: Error) => error.message));
    await settle();
    clock.grant();
    await settle();
    expect(sent).toEqual([['a', 'b', 'c', 'd', 'e'], ['f']]);
    expect(await Promise.all(answers)).toEqual(['no', 'no', 'no', 'no', 'no', 'answer:f']);
  });
});

describe('BatchScheduler queue bound and abandonment', () => {
  it('refuses an item beyond maxQueued at once, and drops a queued item once nobody holds it', async () => {
    const clock = new ManualClock();
    const sent: string[][] = [];
    const interest = new Interest();
    const scheduler = new BatchScheduler<string, string>({
      clock,
      maxBatchSize: 1,
      maxQueued: 2,
      keyOf: (id) => id,
      groupOf: () => '',
      retryable: () => false,
      maxAttempts: 1,
      overloaded: () => new Error('full'),
      interest,
      send: async (ids, onSend) => {
        onSend();
        sent.push(ids);
        return (id) => `answer:${id}`;
      },
    });
    const holds = ['a', 'b', 'c'].map((id) => interest.hold(id));
    const answers = ['a', 'b', 'c'].map((id) => scheduler.enqueue(id).catch((error: Error) => error.message));
    await settle();
    // a left at the free slot; b waits; c was one too many.
    expect(await answers[2]).toBe('full');
    holds[1]!.release();
    expect(await answers[1]).toMatch(/^abandoned/);
    clock.grant();
    await settle();
    expect(sent).toEqual([['a']]);
    expect(await answers[0]).toBe('answer:a');
  });
});

describe('Interest', () => {
  it('aborts a key once its last holder stops waiting, and never for a key whose answer is in', () => {
    const interest = new Interest();
    const [first, second] = [interest.hold('k'), interest.hold('k')];
    const signal = interest.signal('k');
    first.release();
    expect(signal.aborted).toBe(false);
    second.release();
    expect(signal.aborted).toBe(true);
    const answered = interest.hold('n');
    const kept = interest.signal('n');
    answered.answered();
    answered.release();
    expect(kept.aborted).toBe(false);
    // Nobody holds either key now: work asked for them serves nobody.
    expect(interest.signal('n').aborted).toBe(true);
  });

  it("listens once to a request's signal for all the keys it holds, and lets them all go when it aborts", () => {
    const interest = new Interest();
    const request = new AbortController();
    const holds = Array.from({ length: 5000 }, (_, index) => interest.hold(`id-${index}`, request.signal));
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(1);
    holds[0]!.answered();
    const [answeredKey, waitingKey] = [interest.signal('id-0'), interest.signal('id-1')];
    expect([answeredKey.aborted, waitingKey.aborted]).toEqual([true, false]);
    request.abort();
    expect(waitingKey.aborted).toBe(true);
    expect(interest.signal('id-4999').aborted).toBe(true);
  });
});

describe('LocalSlotClock', () => {
  /** A clock on a hand-moved time line that records how long each claim waited. */
  function timeline() {
    const state = { now: 0, waits: [] as number[] };
    const clock = new LocalSlotClock(
      1_100,
      () => state.now,
      async (ms) => {
        state.waits.push(ms);
      },
    );
    return { clock, state };
  }

  it('spaces claims by the interval, from the later of now and the previous slot', async () => {
    const { clock, state } = timeline();
    await clock.claim();
    await clock.claim();
    state.now = 500;
    await clock.claim();
    state.now = 5_000;
    await clock.claim();
    await clock.claim();
    expect(state.waits).toEqual([1_100, 1_700, 1_100]);
  });

  it('counts the next slot from the real send when a call leaves late', async () => {
    const { clock, state } = timeline();
    await clock.claim();
    state.now = 300; // the call of the slot claimed at 0 only left at 300
    clock.sent();
    await clock.claim();
    expect(state.waits).toEqual([1_100]);
  });
});

describe('Tencent work nobody waits for', () => {
  let fakes: VendorFakes;
  let app: TestApp;
  beforeAll(async () => {
    fakes = await startVendorFakes();
    app = await startTestApp(fakes.env);
  });
  afterAll(async () => {
    await app?.close();
    await fakes?.close();
  });

  it('leaves the queue when its client goes away, while an id another request waits for keeps its call', async () => {
    const ids = Array.from({ length: 15 }, (_, i) => `gone-${Date.now().toString(36)}-${i}`);
    const query = (list: string[]): string =>
      JSON.stringify({ query: `{ campaigns(vendor: TENCENT, ids: ${JSON.stringify(list)}) { id funnel { target } } }` });
    const client = new AbortController();
    const post = (body: string, signal?: AbortSignal) =>
      fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
    const leaving = post(query(ids), client.signal).catch(() => 'aborted');
    // After the first call has left with ids 0..4.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const staying = post(query(ids.slice(10)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.abort();
    expect(await leaving).toBe('aborted');
    const answer = (await (await staying).json()) as { data: { campaigns: Array<{ id: string; funnel: { target: number } }> } };
    expect(answer.data.campaigns.map((campaign) => campaign.funnel.target)).toEqual(
      ids.slice(10).map((id) => fakes.tencent.task(id).statistics.TotalCount),
    );
    // Give the dropped ids' slot time to pass: nothing more leaves.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(
      fakes.tencent.callsTo('all_member_push_statistics').map((request) => (JSON.parse(request.body) as { TaskID: string[] }).TaskID),
    ).toEqual([ids.slice(0, 5), ids.slice(10)]);
  });
});
