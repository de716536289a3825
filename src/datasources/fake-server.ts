import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a fake vendor saw it; tests assert traffic (counts, ids, auth) from these. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** `performance.now()` when the request arrived: vendors measure rate limits by arrival. */
  arrivedAt: number;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is (e.g. an HTML error page); anything else as JSON. */
  body: unknown;
}

/** Ways a vendor misbehaves, for resilience tests and demos. */
export type Fault =
  /** An HTTP error status, e.g. 500 or 502 (with an optional body). */
  | { kind: 'status'; status: number; body?: unknown }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** HTTP 200 with an HTML error page, as a proxy in front of a vendor sends. */
  | { kind: 'html' }
  /** HTTP 200 with JSON of the wrong shape. */
  | { kind: 'malformed' }
  /** Answers normally after a delay. */
  | { kind: 'slow'; ms: number }
  /** Any reply, e.g. the vendor's own error body. */
  | { kind: 'reply'; reply: FakeReply }
  /** An echoing vendor or proxy: `reply` gets the request as text (method, URL with query, headers, body) to put in its error. */
  | { kind: 'echo'; reply: (echo: string) => FakeReply }
  /** HTTP 200 with a JSON-looking body of `bytes` bytes, streamed in chunks (the fake never holds it whole). */
  | { kind: 'huge'; bytes: number };

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Added to every answer, to imitate a vendor's latency. */
  latencyMs: number;
  /** Requests being answered right now, and the most there ever were at once. */
  inFlight: number;
  peakInFlight: number;
  /** Makes the next `times` requests (default: all) misbehave; `times: 1` is a flaky-once vendor. */
  injectFault(fault: Fault, options?: { times?: number }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const MAX_RECORDED = 20_000;

const HUGE_CHUNK = Buffer.alloc(64 * 1024, '1');

/** Writes `bytes` bytes of `[1111…` at the pace the client reads them, until done or the client goes. */
function streamHugeBody(res: ServerResponse, bytes: number, done: () => void): void {
  res.once('close', done);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.write('[');
  let left = bytes - 1;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const chunk = left >= HUGE_CHUNK.length ? HUGE_CHUNK : HUGE_CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

const HTML_ERROR_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

/**
 * A loopback HTTP server speaking a vendor's wire format. The built-in simulators and the test
 * fakes are both made with it, so demo mode and tests run the live client code path.
 */
export async function startFakeServer(
  handle: (request: RecordedRequest) => FakeReply | Promise<FakeReply>,
  options: { latencyMs?: number; port?: number } = {},
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  let faults: Array<{ fault: Fault; remaining: number }> = [];
  const nextFault = (): Fault | undefined => {
    const next = faults[0];
    if (!next) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) faults.shift();
    return next.fault;
  };
  const fake: FakeServer = {
    url: '',
    requests,
    latencyMs: options.latencyMs ?? 0,
    inFlight: 0,
    peakInFlight: 0,
    injectFault: (fault, { times = Infinity } = {}) => {
      faults.push({ fault, remaining: times });
    },
    clearFaults: () => {
      faults = [];
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const reply = async (request: RecordedRequest, fault: Fault | undefined): Promise<FakeReply | undefined> => {
    switch (fault?.kind) {
      case 'hang':
        return undefined;
      case 'status':
        return { status: fault.status, body: fault.body ?? HTML_ERROR_PAGE };
      case 'html':
        return { status: 200, body: HTML_ERROR_PAGE };
      case 'malformed':
        return { status: 200, body: { unexpected: [1, 'two', null] } };
      case 'reply':
        return fault.reply;
      case 'echo':
        return fault.reply(
          [
            `${request.method} ${request.path}?${request.query.toString()}`,
            ...Object.entries(request.headers).map(([k, v]) => `${k}: ${String(v)}`),
            request.body,
          ].join('\n'),
        );
      case 'huge':
        return undefined;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    return handle(request);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        arrivedAt: performance.now(),
      };
      requests.push(recorded);
      // A simulator serving `npm start` runs for weeks: keep only the recent requests.
      if (requests.length > 2 * MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);
      const fault = nextFault();
      fake.inFlight += 1;
      fake.peakInFlight = Math.max(fake.peakInFlight, fake.inFlight);
      void (async () => {
        if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));
        let answer: FakeReply | undefined;
        try {
          answer = await reply(recorded, fault);
        } catch (error) {
          answer = { status: 500, body: { error: String(error) } };
        }
        if (fault?.kind === 'huge') {
          streamHugeBody(res, fault.bytes, () => (fake.inFlight -= 1));
          return;
        }
        if (!answer) {
          // A hanging vendor: the socket stays open until the client gives up.
          res.on('close', () => (fake.inFlight -= 1));
          return;
        }
        fake.inFlight -= 1;
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          'content-type': typeof answer.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
          ...answer.headers,
        });
        res.end(text);
      })();
    });
  });
  // Keep-alive sockets would hold close() open; fakes are short-lived.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = fake.close;
  fake.close = async () => {
    server.closeAllConnections();
    await closeServer();
  };
  return fake;
}
