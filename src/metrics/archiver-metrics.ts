import type {
  MetricCounter,
  MetricGauge,
  MetricHistogram,
  MetricMeter,
  MetricTags,
  NumericMetricValueType,
} from '@temporalio/common';
import type { ArchivedBatch, DeleteBatchResult, VerifyBatchResult } from '../shared';
import type { ActivityContext } from './activity-context';

/** Histogram buckets of archiver_batch_duration_seconds: from a tiny batch to a large one over a slow link. */
export const BATCH_DURATION_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** The activities whose successful runs are batches, timed by archiver_batch_duration_seconds. */
const BATCH_ACTIVITIES = new Set(['archiveBatch', 'deleteBatch', 'verifyBatch', 'restoreBatch']);

type MetricDefinition =
  | { kind: 'counter'; name: string; unit: string; description: string }
  | {
      kind: 'histogram' | 'gauge';
      valueType: NumericMetricValueType;
      name: string;
      unit: string;
      description: string;
    };

/**
 * Every metric of docs/metrics.md, created in this order. Names, units and descriptions are what Prometheus
 * scrapes (and dashboards query), so a change here is a change to the documented interface.
 */
const METRICS = {
  rowsArchived: {
    kind: 'counter',
    name: 'archiver_rows_archived_total',
    unit: 'rows',
    description: 'Rows written to S3 by archiveBatch.',
  },
  bytesUploaded: {
    kind: 'counter',
    name: 'archiver_bytes_uploaded_total',
    unit: 'bytes',
    description: 'Compressed bytes of the data objects archiveBatch uploaded (sidecars not counted).',
  },
  batchesArchived: {
    kind: 'counter',
    name: 'archiver_batches_archived_total',
    unit: 'batches',
    description: 'Batches archived.',
  },
  rowsDeleted: {
    kind: 'counter',
    name: 'archiver_rows_deleted_total',
    unit: 'rows',
    description: 'Rows deleted from the source.',
  },
  rowsSkippedChanged: {
    kind: 'counter',
    name: 'archiver_rows_skipped_changed_total',
    unit: 'rows',
    description:
      'Rows kept because they changed after they were archived (picked up again by a later batch).',
  },
  rowsVerified: {
    kind: 'counter',
    name: 'archiver_rows_verified_total',
    unit: 'rows',
    description: 'Sampled deleted rows verifyBatch found gone from the source and intact in the archive.',
  },
  rowsRestored: {
    kind: 'counter',
    name: 'archiver_rows_restored_total',
    unit: 'rows',
    description: 'Rows restoreBatch inserted.',
  },
  batchDuration: {
    kind: 'histogram',
    valueType: 'float',
    name: 'archiver_batch_duration_seconds',
    unit: 's',
    description:
      'Duration of each successful batch activity (archiveBatch, deleteBatch, verifyBatch, restoreBatch).',
  },
  failures: {
    kind: 'counter',
    name: 'archiver_activity_failures_total',
    unit: 'failures',
    description: 'Failed activity attempts by error class (retried or not); cancellations are not failures.',
  },
  leaseHeld: {
    kind: 'gauge',
    valueType: 'int',
    name: 'archiver_lease_held',
    unit: '',
    description: '1 while this worker holds the lease on the resource, 0 after it released or lost it.',
  },
  leaseEvents: {
    kind: 'counter',
    name: 'archiver_lease_events_total',
    unit: 'events',
    description:
      'Lease operations by outcome: acquired, refused (held by another run), refreshed, lost, released.',
  },
} as const satisfies Record<string, MetricDefinition>;

type Instrument<Kind> = Kind extends 'counter'
  ? MetricCounter
  : Kind extends 'histogram'
    ? MetricHistogram
    : MetricGauge;
type Instruments = { readonly [Field in keyof typeof METRICS]: Instrument<(typeof METRICS)[Field]['kind']> };

function createInstrument(meter: MetricMeter, metric: MetricDefinition) {
  switch (metric.kind) {
    case 'counter':
      return meter.createCounter(metric.name, metric.unit, metric.description);
    case 'histogram':
      return meter.createHistogram(metric.name, metric.valueType, metric.unit, metric.description);
    case 'gauge':
      return meter.createGauge(metric.name, metric.valueType, metric.unit, metric.description);
  }
}

/** Creates every metric of METRICS on `meter`, keyed as in METRICS. */
function createInstruments(meter: MetricMeter): Instruments {
  const entries = Object.entries(METRICS).map(([field, metric]) => [field, createInstrument(meter, metric)]);
  return Object.fromEntries(entries) as Instruments;
}

/**
 * The archiver's own metrics (docs/metrics.md), created on the Temporal runtime's meter so that they are served by
 * the same Prometheus endpoint as the SDK's. Without a metrics exporter the meter is a no-op and so are these.
 * Labels are bounded by the configuration: database and table names, activity names and error class names.
 */
export class ArchiverMetrics {
  private readonly metrics: Instruments;

  constructor(meter: MetricMeter) {
    this.metrics = createInstruments(meter);
  }

  /** Records what a successful activity did, read from its result. */
  succeeded(activity: string, context: ActivityContext, result: unknown, seconds: number): void {
    const tags = tableTags(context);
    if (BATCH_ACTIVITIES.has(activity) && result !== null) {
      this.metrics.batchDuration.record(seconds, { activity, ...tags });
    }
    switch (activity) {
      case 'archiveBatch': {
        const batch = result as ArchivedBatch | null;
        if (!batch) return;
        this.metrics.rowsArchived.add(count(batch.rows), tags);
        this.metrics.bytesUploaded.add(count(batch.compressedBytes), tags);
        this.metrics.batchesArchived.add(1, tags);
        return;
      }
      case 'deleteBatch': {
        const deleted = result as DeleteBatchResult;
        this.metrics.rowsDeleted.add(count(deleted?.deleted), tags);
        this.metrics.rowsSkippedChanged.add(count(deleted?.skippedChanged), tags);
        return;
      }
      case 'verifyBatch':
        this.metrics.rowsVerified.add(count((result as VerifyBatchResult)?.verified), tags);
        return;
      case 'restoreBatch':
        this.metrics.rowsRestored.add(count((result as { rows?: number })?.rows), tags);
        return;
    }
  }

  failed(activity: string, context: ActivityContext, errorType: string): void {
    this.metrics.failures.add(1, { activity, database: context.database ?? '', error_type: errorType });
  }

  lease(resource: string, event: 'acquired' | 'refused' | 'refreshed' | 'lost' | 'released'): void {
    this.metrics.leaseEvents.add(1, { resource, event });
    if (event === 'acquired') this.metrics.leaseHeld.set(1, { resource });
    if (event === 'lost' || event === 'released') this.metrics.leaseHeld.set(0, { resource });
  }
}

function tableTags(context: ActivityContext): MetricTags {
  return { database: context.database ?? '', table: context.table ?? '' };
}

/** Counters take non-negative integers; anything else in a result (an older worker's shape) counts as 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
