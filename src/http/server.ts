import { createHash, timingSafeEqual } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyUnderPressure from '@fastify/under-pressure';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RedisLink } from '../redis.js';
import { GRAPHIQL_ASSETS, graphiqlPage } from './graphiql.js';
import { operationOutcomes } from './status-codes.js';

/** Where `npm run build:report` (report/build.ts) puts the page; the same path from src/http/ and dist/http/. */
const REPORT_DIST = fileURLToPath(new URL('../../report/dist/', import.meta.url));
/** Built file names are content-hashed (`app-<hash>.js`), so browsers may keep them for good. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;
/** Only plain names of files in the build directory: no subdirectories, no dot files, no precompressed twins. */
const REPORT_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(html|js|css|map)$/;

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * The pages may load only their own files and call only this server: no CDN, no inline script.
 * GraphiQL (CodeMirror) and ECharts set inline styles on their elements, hence 'unsafe-inline' for styles only.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  // GraphiQL's stylesheet embeds its fonts as data: URLs.
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export interface HttpDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  apollo: ApolloServer<Context>;
  /** Shares the rate-limit counters between replicas. */
  redis?: RedisLink;
  createContext(signal: AbortSignal): Context;
  health(): Record<string, unknown>;
}

/** A refusal that is already a GraphQL-shaped answer (429 RATE_LIMITED, 503 OVERLOADED). */
class Refusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const graphqlError = (message: string, code: string): { errors: Array<{ message: string; extensions: { code: string } }> } => ({
  errors: [{ message, extensions: { code } }],
});

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
const bearer = (request: FastifyRequest): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];

/**
 * `Authorization: Bearer <key>` against `API_KEYS`. Keys are compared as SHA-256 digests with
 * timingSafeEqual, so neither a key's content nor its length leaks through timing.
 */
function apiKeyCheck(apiKeys: readonly string[]): (request: FastifyRequest) => boolean {
  const expected = apiKeys.map(digest);
  return (request) => {
    if (expected.length === 0) return true;
    const key = bearer(request);
    if (!key) return false;
    const presented = digest(key);
    // Check every key (no early exit), so timing does not reveal which one matched.
    return expected.reduce((found, known) => timingSafeEqual(known, presented) || found, false);
  };
}

const isGraphql = (request: FastifyRequest): boolean => request.url === '/graphql' || request.url.startsWith('/graphql?');

/** The HTTP routes of the contract on Fastify and its maintained plugins; listening is the caller's. */
export async function buildHttp(deps: HttpDeps) {
  const { config, metrics } = deps;
  const app = Fastify<Server, IncomingMessage, ServerResponse, Logger>({
    loggerInstance: deps.logger,
    // One line per request would cost throughput; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    // Slow clients: the whole request (headers and body) within REQUEST_TIMEOUT_MS, idle sockets closed.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    keepAliveTimeout: Math.min(5_000, config.requestTimeoutMs),
    // Stop accepting at close; keep-alive sockets go as soon as they turn idle.
    forceCloseConnections: 'idle',
  });
  app.server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000);
  app.server.maxConnections = config.maxConnections;

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof Refusal) return reply.status(error.statusCode).send(graphqlError(error.message, error.code));
    const status = error.statusCode ?? 500;
    if (status < 500) {
      // Fastify's own refusals (malformed JSON, body too large, unsupported media type) in GraphQL's shape.
      return reply.status(status).send(graphqlError(error.message, 'BAD_REQUEST'));
    }
    request.log.error({ err: error }, 'unhandled error in HTTP handler');
    return reply.status(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not found' }));

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // Pages and API answers are for this origin's pages and CORS callers, never for embedding.
    crossOriginResourcePolicy: false,
    hsts: false,
  });

  const corsOrigins = new Set(config.corsOrigins);
  // Preflights from any other origin are refused outright, as the browser would refuse them anyway.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' && isGraphql(request) && !corsOrigins.has(request.headers.origin ?? '')) {
      return reply.status(403).header('vary', 'Origin').send();
    }
  });
  await app.register(fastifyCors, {
    origin: [...corsOrigins],
    credentials: true,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'],
    maxAge: 600,
  });

  const authorized = apiKeyCheck(config.apiKeys);
  app.addHook('onRequest', async (request, reply) => {
    if (!isGraphql(request) || request.method === 'OPTIONS') return;
    // The IDE page is static and carries no data; its queries need a key like any other.
    const query = request.query as Record<string, unknown>;
    if (config.graphiql && request.method === 'GET' && query.query === undefined && (request.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html; charset=utf-8').send(graphiqlPage());
    }
    if (!authorized(request)) {
      // Answered before the body is read; the connection goes with it, so a refused caller cannot trickle one.
      return reply
        .status(401)
        .headers({ 'www-authenticate': 'Bearer', connection: 'close' })
        .send(graphqlError('A valid API key is required: Authorization: Bearer <key>', ErrorCode.UNAUTHENTICATED));
    }
  });

  const retryAfterSeconds = Math.max(1, Math.ceil(config.maxEventLoopDelayMs / 1000));
  // Sampled at most once a second. A sample with no tick at all reads as an infinite delay: it only
  // proves the loop stalled for a whole sample, which is past the limit only when the sample is as long.
  const sampleInterval = Math.max(20, Math.min(config.maxEventLoopDelayMs, 1000));
  const overloaded = (delayMs: number): boolean =>
    delayMs > config.maxEventLoopDelayMs && (Number.isFinite(delayMs) || sampleInterval >= config.maxEventLoopDelayMs);
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    sampleInterval,
    // Only new GraphQL work is shed; /health, /metrics and the pages answer, and requests in flight finish.
    pressureHandler: (request, reply, _type, delayMs) => {
      if (!isGraphql(request) || !overloaded(delayMs ?? 0)) return;
      reply.header('retry-after', String(retryAfterSeconds));
      throw new Refusal(503, ErrorCode.OVERLOADED, 'The service is overloaded; retry after the Retry-After delay');
    },
  });

  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    ...(deps.redis ? { redis: deps.redis.client, nameSpace: 'pushgraph:rate-limit:' } : {}),
    // Redis away: every replica serves rather than refusing everybody.
    skipOnError: true,
    // While Redis is away (or stalled) requests pass uncounted rather than each waiting out its command timeout.
    allowList: (request) => !isGraphql(request) || request.method === 'OPTIONS' || deps.redis?.ready === false,
    // Per API key (its digest: the key itself never reaches Redis), or per client address without keys.
    keyGenerator: (request) => {
      const key = config.apiKeys.length > 0 ? bearer(request) : undefined;
      return key ? `key:${digest(key).toString('hex')}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new Refusal(429, ErrorCode.RATE_LIMITED, `Rate limit of ${context.max} requests a minute reached; retry after ${context.after}`),
  });

  await app.register(fastifyStatic, {
    root: REPORT_DIST,
    serve: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      const fromReport = path.startsWith(REPORT_DIST);
      reply.header(
        'cache-control',
        !fromReport ? 'public, max-age=86400' : HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  app.get('/health', async () => ({ ...deps.health(), ...(overloaded(app.memoryUsage().eventLoopDelay) ? { overloaded: true } : {}) }));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  if (config.graphiql) {
    app.get<{ Params: { name: string } }>('/graphiql/:name', async (request, reply) => {
      const file = Object.hasOwn(GRAPHIQL_ASSETS, request.params.name) ? GRAPHIQL_ASSETS[request.params.name] : undefined;
      if (!file) {
        reply.callNotFound();
        return reply;
      }
      return reply.sendFile(basename(file), dirname(file));
    });
  }

  // The report page is static and carries no data; its GraphQL calls need an API key like any other client.
  const report = async (request: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
    const name = request.params['*'] || 'index.html';
    if (!REPORT_FILE.test(name)) {
      reply.callNotFound();
      return reply;
    }
    if (name === 'index.html' && !existsSync(join(REPORT_DIST, name))) {
      return reply.status(503).type('text/plain; charset=utf-8').send('The report page is not built yet: run `npm run build:report`.');
    }
    return reply.sendFile(name);
  };
  app.get('/report', report);
  app.get('/report/*', report);
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/report',
    handler: async (_request, reply) =>
      reply.status(405).header('allow', 'GET, HEAD').type('text/plain; charset=utf-8').send('method not allowed'),
  });

  const apollo = fastifyApolloHandler(deps.apollo, {
    context: async (request, reply) => {
      // Aborts when the client goes before its answer is sent, so vendor work nobody waits for can be dropped.
      const controller = new AbortController();
      setMaxListeners(0, controller.signal); // one listener per vendor app and endpoint the request asks (Interest); a company may have many apps
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      executed.set(request, controller.signal);
      return deps.createContext(controller.signal);
    },
  });
  /** Each GraphQL request's abort signal, which also keys what its operation came to. */
  const executed = new WeakMap<FastifyRequest, AbortSignal>();
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: apollo,
    onSend: async (request, reply, payload) => {
      const signal = executed.get(request);
      if (signal) metrics.operations.inc({ outcome: reply.statusCode >= 400 ? 'error' : (operationOutcomes.get(signal) ?? 'error') });
      return payload;
    },
  });

  return app;
}
