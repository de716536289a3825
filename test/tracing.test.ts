import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../src/datasources/fake-server.js';
import { startTracing } from '../src/tracing.js';
import { startTestApp, type TestApp } from './helpers.js';
import { startVendorFakes, type VendorFakes } from './vendor-fakes.js';

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }> }>;
  }>;
}

describe('OpenTelemetry export (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let collector: FakeServer;
  let fakes: VendorFakes;
  let app: TestApp;
  let stopTracing: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    collector = await startFakeServer(() => ({ status: 200, body: {} }));
    stopTracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'pushgraph-test' });
    fakes = await startVendorFakes();
    app = await startTestApp(fakes.env);
  });
  afterAll(async () => {
    await app?.close();
    await fakes?.close();
    await collector?.close();
  });

  it('exports a span per operation and per vendor call', async () => {
    const answer = await app.gql('query Funnels { campaigns(vendor: JPUSH, ids: ["7950000001", "7950000002"]) { id funnel { target } } }');
    expect(answer.errors).toBeUndefined();
    await stopTracing!();

    const exports = collector.requests.filter((request) => request.path === '/v1/traces').map((request) => JSON.parse(request.body) as OtlpExport);
    const resources = exports.flatMap((body) => body.resourceSpans);
    const spans = resources.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    expect(resources[0]!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'pushgraph-test' } });
    expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(['graphql.query Funnels', 'vendor JPUSH messages/detail']));
    const vendorSpan = spans.find((span) => span.name === 'vendor JPUSH messages/detail')!;
    expect(vendorSpan.attributes).toContainEqual({ key: 'pushgraph.ids', value: { intValue: 2 } });
  });
});
