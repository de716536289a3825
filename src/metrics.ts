import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process (`GET /metrics`). One registry per app, so tests can run several. */
export class Metrics {
  readonly registry = new Registry();

  /** Vendor HTTP calls by outcome: `ok` or the contract error code. */
  readonly vendorCalls = new Counter({
    name: 'pushgraph_vendor_calls_total',
    help: 'Vendor HTTP calls, by vendor, endpoint and outcome',
    labelNames: ['vendor', 'app', 'endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Ids carried per vendor call: shows batching at work. */
  readonly idsPerCall = new Histogram({
    name: 'pushgraph_vendor_ids_per_call',
    help: 'Ids carried by one vendor call',
    labelNames: ['vendor', 'app', 'endpoint'] as const,
    buckets: [1, 2, 5, 10, 25, 50, 75, 100],
    registers: [this.registry],
  });

  readonly vendorLatency = new Histogram({
    name: 'pushgraph_vendor_call_seconds',
    help: 'Vendor HTTP call latency',
    labelNames: ['vendor', 'app', 'endpoint'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly operations = new Counter({
    name: 'pushgraph_graphql_operations_total',
    help: 'GraphQL operations, by outcome (ok, partial, error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: 'pushgraph_cache_lookups_total',
    help: 'Vendor-answer cache lookups, by outcome (hit, miss)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly responseCacheLookups = new Counter({
    name: 'pushgraph_response_cache_lookups_total',
    help: 'Whole-answer cache lookups of queries, by outcome (hit, miss)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Time a vendor call waited for its quota slot (Tencent 1/s, JPush per-minute, Alibaba concurrency). */
  readonly quotaWait = new Histogram({
    name: 'pushgraph_vendor_quota_wait_seconds',
    help: 'Time a vendor call waited for its quota slot',
    labelNames: ['vendor', 'app', 'endpoint'] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly circuitState = new Gauge({
    name: 'pushgraph_vendor_circuit_state',
    help: 'Circuit breaker per vendor endpoint: 0 closed, 1 half-open, 2 open',
    labelNames: ['vendor', 'app', 'endpoint'] as const,
    registers: [this.registry],
  });

  readonly redisUp = new Gauge({
    name: 'pushgraph_redis_up',
    help: '1 while the shared Redis is reachable (only with REDIS_URL)',
    registers: [this.registry],
  });

  /** 1 while the campaign archive's store answers, 0 while it is starting or down. */
  readonly archiveStoreUp = new Gauge({
    name: 'pushgraph_archive_store_up',
    help: 'Whether the campaign archive store answers (1) or is starting or down (0), by store (sqlite, postgres)',
    labelNames: ['store'] as const,
    registers: [this.registry],
  });

  /** Failed archive operations; the live answer went on without the archive. */
  readonly archiveStoreErrors = new Counter({
    name: 'pushgraph_archive_store_errors_total',
    help: 'Campaign archive store failures and timeouts, by operation (open, read, write, refresh, lock)',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  /** Campaign snapshots by what became of them. */
  readonly archiveSnapshots = new Counter({
    name: 'pushgraph_archive_snapshots_total',
    help: 'Campaign snapshots: written, unchanged (not written again yet), dropped (write queue full), lost (not written by the shutdown deadline)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly archiveQueueSize = new Gauge({
    name: 'pushgraph_archive_queue_size',
    help: 'Campaign snapshots waiting to be written to the archive',
    registers: [this.registry],
  });

  /** Campaigns answered from the archive: `forgotten` (the vendor no longer knew the id) or `expired` (known past retention, vendor not asked). */
  readonly archiveAnswers = new Counter({
    name: 'pushgraph_archive_answers_total',
    help: 'Campaigns and fields answered from the archive instead of the vendor, by vendor and reason',
    labelNames: ['vendor', 'reason'] as const,
    registers: [this.registry],
  });

  readonly archiveRefreshes = new Counter({
    name: 'pushgraph_archive_refreshes_total',
    help: 'Campaigns re-fetched by the archive refresher, by vendor and outcome (ok, partial, gone, final, error)',
    labelNames: ['vendor', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
