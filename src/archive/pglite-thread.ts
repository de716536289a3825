import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/**
 * PGlite runs Postgres as WebAssembly, synchronously: creating a cluster takes seconds of CPU and
 * every query runs to completion. On the request thread that would stall live answers (and the
 * arrival times a rate-limited vendor judges us by), so PGlite lives in a worker thread and the
 * archive talks to it by messages. The worker is plain JavaScript (evaluated, so it needs no
 * build step) and loads PGlite's CommonJS build from the path resolved here.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
PGlite.create(workerData.dataDir).then(
  (db) => {
    parentPort.on('message', async (message) => {
      if (message.close) {
        await db.close().catch(() => undefined);
        parentPort.postMessage({ id: message.id, rows: [] });
        return;
      }
      try {
        const result = await db.query(message.sql, message.params);
        parentPort.postMessage({ id: message.id, rows: result.rows, affectedRows: result.affectedRows });
      } catch (error) {
        parentPort.postMessage({ id: message.id, error: { message: String(error && error.message), code: error && error.code } });
      }
    });
    parentPort.postMessage({ id: 0, rows: [] });
  },
  (error) => parentPort.postMessage({ id: 0, error: { message: String(error && error.message) } }),
);
`;

interface Reply {
  id: number;
  rows?: unknown[];
  affectedRows?: number;
  error?: { message: string; code?: string };
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'id') === 'number';
}

/** A database error from the worker, with Postgres's SQLSTATE (kysely's Migrator reads `code`). */
export class PGliteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PGliteError';
  }
}

/** One PGlite cluster in a worker thread. */
export class PGliteThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  private nextId = 1;
  private failure: Error | undefined;
  /** Resolves once the cluster is open (created on first use: initdb). */
  readonly ready: Promise<void>;

  /**
   * @param dataDir PGlite's data directory, or `memory://`.
   * @param keepsProcessAlive false for an in-memory cluster: nothing is lost if the process ends.
   */
  constructor(dataDir: string, keepsProcessAlive: boolean) {
    const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pglite, dataDir } });
    if (!keepsProcessAlive) this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => this.pending.set(0, { resolve: () => resolve(), reject }));
    this.worker.on('message', (message: unknown) => {
      if (!isReply(message)) return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiting?.reject(new PGliteError(message.error.message, message.error.code));
      else waiting?.resolve(message);
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the PGlite worker stopped (exit code ${code})`)));
  }

  /** Runs one statement; rows come back as PGlite parsed them (Date, JSON, numbers). */
  query(sql: string, params: readonly unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }> {
    return this.send({ sql, params }).then((reply) => ({ rows: reply.rows ?? [], affectedRows: reply.affectedRows }));
  }

  /** Closes the cluster cleanly (a checkpoint on disk), then stops the thread. */
  async close(): Promise<void> {
    if (!this.failure) await this.send({ close: true }).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(message: { sql: string; params: readonly unknown[] } | { close: true }): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }
}

class ThreadConnection implements DatabaseConnection {
  constructor(private readonly thread: PGliteThread) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.thread.query(compiledQuery.sql, compiledQuery.parameters);
    // The driver boundary: kysely types rows by the query that asked for them.
    const rows = result.rows as R[];
    return result.affectedRows ? { rows, numAffectedRows: BigInt(result.affectedRows) } : { rows };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiledQuery);
  }
}

/** PGlite serves one session: callers take turns, so a transaction's statements are never interleaved. */
class ThreadDriver implements Driver {
  private readonly connection: ThreadConnection;
  private busy = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly thread: PGliteThread) {
    this.connection = new ThreadConnection(thread);
  }

  async init(): Promise<void> {
    await this.thread.ready;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    await this.thread.close();
  }
}

/** A kysely dialect over a {@link PGliteThread}: PostgreSQL's SQL, adapter and introspection. */
export class PGliteThreadDialect implements Dialect {
  constructor(private readonly thread: PGliteThread) {}

  createAdapter(): PostgresAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new ThreadDriver(this.thread);
  }

  createQueryCompiler(): PostgresQueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): PostgresIntrospector {
    return new PostgresIntrospector(db);
  }
}
