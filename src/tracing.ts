import { trace, type Span, type Tracer } from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { nonEmpty, type Env } from './config.js';

/**
 * The tracer of every span pushgraph makes. Without an exporter configured it is OpenTelemetry's
 * no-op, so spans cost nothing; `startTracing` makes them real.
 */
export const tracer = (): Tracer => trace.getTracer('pushgraph');

/**
 * Optional OpenTelemetry export (OTLP over HTTP) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, the
 * standard variable. One provider per process; returns its shutdown (flushes what is buffered).
 */
export function startTracing(env: Env): (() => Promise<void>) | undefined {
  const endpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (!endpoint) return undefined;
  const provider = new BasicTracerProvider({
    resource: new Resource({
      'service.name': nonEmpty(env.OTEL_SERVICE_NAME) ?? 'pushgraph',
    }),
  });
  provider.addSpanProcessor(
    new BatchSpanProcessor(
      new OTLPTraceExporter({
        url: `${endpoint.replace(/\/$/, '')}/v1/traces`,
      }),
    ),
  );
  provider.register();
  return () => provider.shutdown();
}

/** A span per GraphQL operation: its name, type, outcome and error codes. */
export function operationSpans(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const span: Span = tracer().startSpan('graphql.request');
      return {
        async didResolveOperation({ operationName, operation }) {
          span.updateName(`graphql.${operation?.operation ?? 'operation'} ${operationName ?? ''}`.trim());
          span.setAttribute('graphql.operation.type', operation?.operation ?? 'unknown');
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
        async willSendResponse({ errors, response }) {
          const codes = (errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          if (codes.length > 0) span.setAttribute('graphql.error.codes', [...new Set(codes)]);
          if (response.http.status !== undefined) span.setAttribute('http.response.status_code', response.http.status);
          span.end();
        },
      };
    },
  };
}
