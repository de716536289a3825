/**
 * Who still waits for each vendor key. A request holds a key while it waits for it (until its
 * answer, or until the client goes away); vendor work for a key nobody holds any more is dropped
 * from the queues. Several requests sharing a key share its call: it is dropped only once the
 * last of them lets go.
 */
/**
 * The reason every release aborts with. Nothing reads it (the queues only check `aborted`), and
 * `abort()` without one builds a DOMException with a stack per key: ~2 ms of a cold 100-id request.
 */
const NOBODY_WAITS = 'nobody waits for this key';

export interface Hold {
  release(): void;
  answered(): void;
}

export class Interest {
  private readonly held = new Map<string, { count: number; controller: AbortController }>();
  /**
   * The holds of each request's signal, released together when it aborts: one listener per
   * signal, since an EventTarget checks every listener it has on each add (5000 ids held one
   * listener each cost O(n²)).
   */
  private readonly bySignal = new WeakMap<AbortSignal, Set<() => void>>();

  /**
   * Holds `key` until `release` (the holder stops waiting: the last one to go aborts the key's
   * work) or `answered` (its answer is in: the work is done, nothing to abort, so no listener or
   * error is woken per key of every answered call), or until `signal` aborts. Either is idempotent.
   */
  hold(key: string, signal?: AbortSignal): Hold {
    if (signal?.aborted) return { release: () => undefined, answered: () => undefined };
    let entry = this.held.get(key);
    if (!entry) {
      entry = { count: 0, controller: new AbortController() };
      this.held.set(key, entry);
    }
    entry.count += 1;
    const holding = entry;
    const holds = signal ? this.holdsOf(signal) : undefined;
    let released = false;
    const letGo = (abandoned: boolean): void => {
      if (released) return;
      released = true;
      holds?.delete(release);
      holding.count -= 1;
      if (holding.count > 0) return;
      if (this.held.get(key) === holding) this.held.delete(key);
      if (abandoned) holding.controller.abort(NOBODY_WAITS);
    };
    const release = (): void => letGo(true);
    holds?.add(release);
    return { release, answered: () => letGo(false) };
  }

  private holdsOf(signal: AbortSignal): Set<() => void> {
    let holds = this.bySignal.get(signal);
    if (!holds) {
      const releasing = (holds = new Set());
      this.bySignal.set(signal, releasing);
      signal.addEventListener('abort', () => [...releasing].forEach((release) => release()), { once: true });
    }
    return holds;
  }

  /** Aborts once nobody holds `key`; already aborted when nobody holds it now. */
  signal(key: string): AbortSignal {
    return this.held.get(key)?.controller.signal ?? AbortSignal.abort(NOBODY_WAITS);
  }

  /** Aborts once none of `keys` is held any more (a call carrying them serves nobody). */
  signalAll(keys: readonly string[]): AbortSignal {
    const signals = keys.map((key) => this.signal(key));
    const live = signals.filter((signal) => !signal.aborted);
    if (live.length === 0) return AbortSignal.abort(NOBODY_WAITS);
    const all = new AbortController();
    let left = live.length;
    for (const signal of live) signal.addEventListener('abort', () => --left === 0 && all.abort(NOBODY_WAITS), { once: true });
    return all.signal;
  }
}
