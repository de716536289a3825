import DataLoader from 'dataloader';
import type { AnswerCache } from '../cache.js';

export interface SharedBatcherOptions<K, V> {
  /** Names the loader (`jpush.messagesDetail`) and namespaces its cache keys; include the app id. */
  name: string;
  cache: AnswerCache;
  ttlMs: number;
  /** The vendor's limit of ids per call, after cached and in-flight ids are taken out. */
  maxBatchSize: number;
  /** Identity of a question: everything that changes the vendor's answer (id, window) is in it. */
  keyOf(key: K): string;
  /** Keys that may share one vendor call (Tencent: the same window). Default: all. */
  groupOf?(key: K): string;
  /**
   * One vendor call for at most `maxBatchSize` keys. Keys absent from the returned map are ids the
   * vendor does not know: they resolve to null (and that answer is cached like any other). An
   * Error value is an id whose part of the answer was unreadable: it rejects that id's waiters
   * only and is not cached.
   */
  fetchBatch(keys: K[]): Promise<Map<string, V | Error>>;
}

interface Pending<K, V> {
  key: K;
  id: string;
  resolve(value: V | null): void;
  reject(error: unknown): void;
}

/**
 * Process-wide: the shared answer cache and the in-flight table, so concurrent requests asking
 * the same id share one vendor call. Per request: {@link loader} gives a fresh DataLoader that
 * collects the request's ids in one tick. Chunking to the vendor limit happens *after* cached
 * and in-flight ids are removed, so a request costs ceil(new distinct ids / limit) calls.
 */
export class SharedBatcher<K, V> {
  private readonly inflight = new Map<string, Promise<V | null>>();

  constructor(private readonly options: SharedBatcherOptions<K, V>) {}

  /** A per-request loader (DataLoader's cache must not outlive the request). */
  loader(): DataLoader<K, V | null, string> {
    return new DataLoader<K, V | null, string>((keys) => this.loadMany(keys), {
      cacheKeyFn: this.options.keyOf,
      name: this.options.name,
    });
  }

  /**
   * The cached answer when the cache holds it in this process (null: the vendor does not know the
   * id), synchronously; undefined when only a load can tell.
   */
  cached(key: K): V | null | undefined {
    return this.options.cache.peek?.<{ value: V | null }>(this.cacheKey(this.options.keyOf(key)))?.value;
  }

  /** Answers `keys` in order; a failed vendor call becomes an Error value for its keys only. */
  loadMany(keys: readonly K[]): Promise<Array<V | null | Error>> {
    const owned: Array<Pending<K, V>> = [];
    const answers = keys.map((key) => {
      const id = this.options.keyOf(key);
      let answer = this.inflight.get(id);
      if (!answer) {
        answer = new Promise<V | null>((resolve, reject) => owned.push({ key, id, resolve, reject }));
        this.inflight.set(id, answer);
        const forget = (): void => {
          this.inflight.delete(id);
        };
        answer.then(forget, forget);
      }
      return answer.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    });
    if (owned.length > 0) this.schedule(owned);
    return Promise.all(answers);
  }

  private waiting: Array<Pending<K, V>> = [];

  /**
   * Resolves new ids together once this turn of the event loop is over: ids of concurrent requests
   * (and of loaders that load one key at a time) then share one cache pass and one set of vendor
   * calls, instead of trickling out as each cache lookup returns.
   */
  private schedule(owned: Array<Pending<K, V>>): void {
    if (this.waiting.length === 0) {
      setImmediate(() => {
        const batch = this.waiting;
        this.waiting = [];
        void this.resolve(batch);
      });
    }
    for (const pending of owned) this.waiting.push(pending);
  }

  private cacheKey(id: string): string {
    return `${this.options.name}:${id}`;
  }

  private async resolve(owned: Array<Pending<K, V>>): Promise<void> {
    const hits = await Promise.all(
      owned.map((pending) => this.options.cache.get<{ value: V | null }>(this.cacheKey(pending.id)).catch(() => undefined)),
    );
    // Filtering in `owned` order keeps the callers' order inside each call.
    const misses = owned.filter((pending, index) => {
      const hit = hits[index];
      if (hit) pending.resolve(hit.value);
      return !hit;
    });
    await Promise.all(this.chunks(misses).map((chunk) => this.fetchChunk(chunk)));
  }

  private chunks(pending: Array<Pending<K, V>>): Array<Array<Pending<K, V>>> {
    const groups = new Map<string, Array<Pending<K, V>>>();
    for (const item of pending) {
      const group = this.options.groupOf?.(item.key) ?? '';
      const members = groups.get(group);
      if (members) members.push(item);
      else groups.set(group, [item]);
    }
    const chunks: Array<Array<Pending<K, V>>> = [];
    for (const members of groups.values()) {
      for (let start = 0; start < members.length; start += this.options.maxBatchSize) {
        chunks.push(members.slice(start, start + this.options.maxBatchSize));
      }
    }
    return chunks;
  }

  private async fetchChunk(chunk: Array<Pending<K, V>>): Promise<void> {
    let answers: Map<string, V | Error>;
    try {
      answers = await this.options.fetchBatch(chunk.map((pending) => pending.key));
    } catch (error) {
      for (const pending of chunk) pending.reject(error);
      return;
    }
    for (const pending of chunk) {
      const value = answers.get(pending.id) ?? null;
      if (value instanceof Error) {
        pending.reject(value);
        continue;
      }
      pending.resolve(value);
      void this.options.cache.set(this.cacheKey(pending.id), { value }, this.options.ttlMs).catch(() => undefined);
    }
  }
}
