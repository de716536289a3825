// Loaded into the service by bench/cold-trace.ts (node --import): for every /graphql request, when
// its vendor call was created and finished and when its answer was written (process.hrtime, µs:
// the clock of V8's CPU profiles), and the event loop's busy time during the request and in the
// 150 ms after its answer (work the request left behind). One JSON line per request in TRACE_OUT.
import dc from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const out = process.env.TRACE_OUT;
const micros = () => Number(process.hrtime.bigint() / 1000n);
let current;

dc.subscribe('http.server.request.start', ({ request }) => {
  if (!request.url.startsWith('/graphql')) return;
  current = { start: micros(), elu: performance.eventLoopUtilization() };
  request.trace = current;
});
dc.subscribe('undici:request:create', ({ request }) => {
  if (!current) return;
  current.vendorCreated ??= micros();
  request.trace = current;
});
dc.subscribe('undici:request:trailers', ({ request }) => {
  if (request.trace) request.trace.vendorDone = micros();
});
dc.subscribe('http.server.response.finish', ({ request }) => {
  const trace = request.trace;
  if (!trace) return;
  trace.finish = micros();
  trace.busyMs = performance.eventLoopUtilization(trace.elu).active;
  const after = performance.eventLoopUtilization();
  setTimeout(() => {
    const { elu: _, ...line } = trace;
    appendFileSync(out, `${JSON.stringify({ ...line, busyAfterMs: performance.eventLoopUtilization(after).active })}\n`);
  }, 150).unref();
});
