/** Prometheus metrics, one registry per server instance (no module singletons: tests start many servers). */
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  observe(transaction: string, status: number, seconds: number): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Includes tessera_nodejs_eventloop_lag_{p50,p90,p99,max}_seconds from perf_hooks.monitorEventLoopDelay,
  // reset at every scrape (so: since the previous scrape). Sampled every 10 ms: fine enough for the
  // performance.md B3 budget (p99 ≤ 50 ms while large inline documents are ingested).
  collectDefaultMetrics({ register: registry, prefix: 'tessera_', eventLoopMonitoringPrecision: 10 });
  const histogram = new Histogram({
    name: 'tessera_soap_request_duration_seconds',
    help: 'SOAP request duration by transaction and HTTP status',
    labelNames: ['transaction', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    registry,
    observe: (transaction, status, seconds) => histogram.observe({ transaction, status: String(status) }, seconds),
  };
}
