/**
 * Worker observability: the archiver's Prometheus metrics (served by the Temporal runtime's exporter next to the
 * SDK's) and the activity interceptor that feeds them and puts database, table, run and batch on activity logs.
 */
export { ArchiverMetrics, BATCH_DURATION_BUCKETS_SECONDS } from './archiver-metrics';
export { archiverActivityInterceptors } from './activity-interceptor';
export { withLeaseMetrics } from './lease-metrics';
export { prometheusExporter, bindAddress, MetricsEndpointError } from './prometheus';
