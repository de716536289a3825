import { createServer, type IncomingHttpHeaders } from 'node:http';
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

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Added to every answer, to imitate a vendor's latency. */
  latencyMs: number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server speaking a vendor's wire format. The built-in simulators and the test
 * fakes are both made with it, so demo mode and tests run the live client code path.
 */
export async function startFakeServer(
  handle: (request: RecordedRequest) => FakeReply | Promise<FakeReply>,
  options: { latencyMs?: number; port?: number } = {},
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const fake: FakeServer = {
    url: '',
    requests,
    latencyMs: options.latencyMs ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
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
      void (async () => {
        if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));
        let reply: FakeReply;
        try {
          reply = await handle(recorded);
        } catch (error) {
          reply = { status: 500, body: { error: String(error) } };
        }
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': typeof reply.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
          ...reply.headers,
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
