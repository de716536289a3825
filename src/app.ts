import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { Archive } from './archive/index.js';
import { countingCache, LruAnswerCache } from './cache.js';
import { readConfig, type Config, type Env } from './config.js';
import { createContext, type Context } from './context.js';
import { closeVendors, startVendors, vendorModes, type Vendors } from './datasources/index.js';
import { localSlotClocks } from './datasources/slot-clock.js';
import { graphiqlAsset, graphiqlPage } from './graphiql.js';
import { apiKeyCheck, applyCors } from './http-guards.js';
import { ErrorCode } from './errors.js';
import { serveReport } from './report.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { RedisAnswerCache, RedisKeyValueCache, RedisLink, redisQuotas, redisSlotClocks } from './redis.js';
import { buildServer } from './server.js';

export interface App {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  config: Config;
  vendors: Vendors;
  metrics: Metrics;
  /** The campaign archive (tests flush its write queue). */
  archive: Archive;
  close(): Promise<void>;
}

export interface AppOptions {
  env?: Env;
  logger?: Logger;
  /** Overrides `PORT` (tests use 0). */
  port?: number;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Starts the vendors (live or simulated), Apollo, and the HTTP routes of the contract. */
export async function startApp(options: AppOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  const config = readConfig(env);
  const logger = options.logger ?? createLogger();
  const metrics = new Metrics();
  const redis = config.redisUrl ? new RedisLink(config.redisUrl, logger, metrics) : undefined;
  const local = new LruAnswerCache();
  const cache = countingCache(redis ? new RedisAnswerCache(redis, local) : local, (outcome) => metrics.cacheLookups.inc({ outcome }));
  const slotClocks = redis ? redisSlotClocks(redis) : localSlotClocks;
  const sharedQuotas = redis ? redisQuotas(redis) : undefined;
  const vendors = await startVendors({ config, env, cache, logger, metrics, slotClocks, sharedQuotas });
  const apollo = buildServer({ logger, config, persistedQueries: redis ? new RedisKeyValueCache(redis) : undefined });
  await apollo.start();
  // Opens its store in the background: the service answers live while it starts (or is down).
  const archive = new Archive({ config: config.archive, vendors, logger, metrics });

  const deps: Deps = { apollo, vendors, archive, metrics, config, authorized: apiKeyCheck(config.apiKeys) };
  const server = createServer((req, res) => {
    route(req, res, deps).catch((error: unknown) => {
      logger.error({ err: error }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? config.port, resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  logger.info({ url, vendors: vendorModes(vendors) }, 'pushgraph listening');

  return {
    url,
    config,
    vendors,
    metrics,
    archive,
    close: async () => {
      // Stop accepting, let in-flight requests finish (bounded by SHUTDOWN_TIMEOUT_MS), then cut the rest.
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets turn idle as their last answer goes out: close them then, not at their timeout.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await drained;
      clearInterval(sweep);
      clearTimeout(deadline);
      await apollo.stop();
      // Before the vendors: the refresher calls them, and queued snapshots are written.
      await archive.close();
      await closeVendors(vendors);
      await redis?.close();
    },
  };
}

interface Deps {
  apollo: ApolloServer<Context>;
  vendors: Vendors;
  archive: Archive;
  metrics: Metrics;
  config: Config;
  authorized(req: IncomingMessage): boolean;
}

async function route(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/health') {
    // The archive is reported, never the DATABASE_URL (it may carry a password).
    return sendJson(res, 200, { status: 'ok', vendors: vendorModes(deps.vendors), archive: deps.archive.health() });
  }
  if (req.method === 'GET' && url.pathname === '/metrics') {
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    return void res.end(await deps.metrics.registry.metrics());
  }
  if (deps.config.graphiql && req.method === 'GET' && url.pathname.startsWith('/graphiql/')) {
    const asset = await graphiqlAsset(url.pathname.slice('/graphiql/'.length));
    if (!asset) return sendJson(res, 404, { error: 'not found' });
    res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': 'public, max-age=86400' });
    return void res.end(asset.body);
  }
  if (url.pathname === '/report' || url.pathname.startsWith('/report/')) {
    return serveReport(req, res, url.pathname);
  }
  if (url.pathname === '/graphql') {
    if (applyCors(deps.config.corsOrigins, req, res)) return;
    // The IDE page is static and carries no data; its queries need a key like any other.
    if (deps.config.graphiql && req.method === 'GET' && !url.searchParams.has('query') && prefersHtml(req)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(graphiqlPage());
    }
    if (!deps.authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, {
        errors: [{ message: 'A valid API key is required: Authorization: Bearer <key>', extensions: { code: ErrorCode.UNAUTHENTICATED } }],
      });
    }
    return graphql(req, res, url, deps);
  }
  sendJson(res, 404, { error: 'not found' });
}

function prefersHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

async function graphql(req: IncomingMessage, res: ServerResponse, url: URL, deps: Deps): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  try {
    body = await readJsonBody(req);
  } catch (error) {
    return sendJson(res, 400, { errors: [{ message: (error as Error).message, extensions: { code: 'BAD_REQUEST' } }] });
  }
  // The client going away before its answer aborts the vendor work only it waited for.
  const gone = new AbortController();
  setMaxListeners(0, gone.signal); // every key the request waits on listens to it
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  const result = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: async () => createContext(deps.vendors, deps.archive, gone.signal),
  });
  res.statusCode = result.status ?? 200;
  for (const [key, value] of result.headers) res.setHeader(key, value);
  if (result.body.kind === 'complete') {
    countOperation(deps.metrics, result.status, result.body.string);
    return void res.end(result.body.string);
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

function countOperation(metrics: Metrics, status: number | undefined, body: string): void {
  const hasErrors = body.includes('"errors":');
  const outcome = (status ?? 200) >= 400 ? 'error' : hasErrors ? 'partial' : 'ok';
  metrics.operations.inc({ outcome });
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  if (!(req.headers['content-type'] ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('request body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}


