import type { MetricsExporterConfig } from '@temporalio/worker';
import type { MetricsConfig } from '../config';
import { ArchiverError } from '../errors';
import { BATCH_DURATION_BUCKETS_SECONDS } from './archiver-metrics';

/** The Temporal runtime's Prometheus exporter for `worker.metrics`: one endpoint, SDK and archiver metrics. */
export function prometheusExporter(config: MetricsConfig): MetricsExporterConfig {
  return {
    prometheus: {
      bindAddress: bindAddress(config),
      // The SDK's durations in seconds, like the archiver's own histogram and Prometheus' conventions.
      useSecondsForDurations: true,
      histogramBucketOverrides: { archiver_batch_duration_seconds: BATCH_DURATION_BUCKETS_SECONDS },
    },
  };
}

/** `host:port`, with an IPv6 host in brackets. */
export function bindAddress(config: MetricsConfig): string {
  return config.host.includes(':') ? `[${config.host}]:${config.port}` : `${config.host}:${config.port}`;
}

/** The endpoint could not listen (port taken, address not on this host); names the key to change. */
export class MetricsEndpointError extends ArchiverError {
  constructor(
    readonly address: string,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `worker.metrics: cannot serve metrics on ${address} (${reason}); choose another worker.metrics.port or ` +
        `worker.metrics.host (or --metrics-port/--metrics-host), stop what listens there, or turn metrics off ` +
        `(worker.metrics: false or --metrics-port 0).`,
      options,
    );
  }
}
