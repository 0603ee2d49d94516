import type {
  MetricCounter,
  MetricGauge,
  MetricHistogram,
  MetricMeter,
  MetricTags,
} from '@temporalio/common';
import type { ArchivedBatch, DeleteBatchResult, VerifyBatchResult } from '../shared';
import type { ActivityContext } from './activity-context';

/** Histogram buckets of archiver_batch_duration_seconds: from a tiny batch to a large one over a slow link. */
export const BATCH_DURATION_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** The activities whose successful runs are batches, timed by archiver_batch_duration_seconds. */
const BATCH_ACTIVITIES = new Set(['archiveBatch', 'deleteBatch', 'verifyBatch', 'restoreBatch']);

/**
 * The archiver's own metrics (docs/metrics.md), created on the Temporal runtime's meter so that they are served by
 * the same Prometheus endpoint as the SDK's. Without a metrics exporter the meter is a no-op and so are these.
 * Labels are bounded by the configuration: database and table names, activity names and error class names.
 */
export class ArchiverMetrics {
  private readonly rowsArchived: MetricCounter;
  private readonly bytesUploaded: MetricCounter;
  private readonly batchesArchived: MetricCounter;
  private readonly rowsDeleted: MetricCounter;
  private readonly rowsSkippedChanged: MetricCounter;
  private readonly rowsVerified: MetricCounter;
  private readonly rowsRestored: MetricCounter;
  private readonly batchDuration: MetricHistogram;
  private readonly failures: MetricCounter;
  private readonly leaseHeld: MetricGauge;
  private readonly leaseEvents: MetricCounter;

  constructor(meter: MetricMeter) {
    this.rowsArchived = meter.createCounter(
      'archiver_rows_archived_total',
      'rows',
      'Rows written to S3 by archiveBatch.',
    );
    this.bytesUploaded = meter.createCounter(
      'archiver_bytes_uploaded_total',
      'bytes',
      'Compressed bytes of the data objects archiveBatch uploaded (sidecars not counted).',
    );
    this.batchesArchived = meter.createCounter(
      'archiver_batches_archived_total',
      'batches',
      'Batches archived.',
    );
    this.rowsDeleted = meter.createCounter(
      'archiver_rows_deleted_total',
      'rows',
      'Rows deleted from the source.',
    );
    this.rowsSkippedChanged = meter.createCounter(
      'archiver_rows_skipped_changed_total',
      'rows',
      'Rows kept because they changed after they were archived (picked up again by a later batch).',
    );
    this.rowsVerified = meter.createCounter(
      'archiver_rows_verified_total',
      'rows',
      'Sampled deleted rows verifyBatch found gone from the source and intact in the archive.',
    );
    this.rowsRestored = meter.createCounter(
      'archiver_rows_restored_total',
      'rows',
      'Rows restoreBatch inserted.',
    );
    this.batchDuration = meter.createHistogram(
      'archiver_batch_duration_seconds',
      'float',
      's',
      'Duration of each successful batch activity (archiveBatch, deleteBatch, verifyBatch, restoreBatch).',
    );
    this.failures = meter.createCounter(
      'archiver_activity_failures_total',
      'failures',
      'Failed activity attempts by error class (retried or not); cancellations are not failures.',
    );
    this.leaseHeld = meter.createGauge(
      'archiver_lease_held',
      'int',
      '',
      '1 while this worker holds the lease on the resource, 0 after it released or lost it.',
    );
    this.leaseEvents = meter.createCounter(
      'archiver_lease_events_total',
      'events',
      'Lease operations by outcome: acquired, refused (held by another run), refreshed, lost, released.',
    );
  }

  /** Records what a successful activity did, read from its result. */
  succeeded(activity: string, context: ActivityContext, result: unknown, seconds: number): void {
    const tags = tableTags(context);
    if (BATCH_ACTIVITIES.has(activity) && result !== null) {
      this.batchDuration.record(seconds, { activity, ...tags });
    }
    switch (activity) {
      case 'archiveBatch': {
        const batch = result as ArchivedBatch | null;
        if (!batch) return;
        this.rowsArchived.add(count(batch.rows), tags);
        this.bytesUploaded.add(count(batch.compressedBytes), tags);
        this.batchesArchived.add(1, tags);
        return;
      }
      case 'deleteBatch': {
        const deleted = result as DeleteBatchResult;
        this.rowsDeleted.add(count(deleted?.deleted), tags);
        this.rowsSkippedChanged.add(count(deleted?.skippedChanged), tags);
        return;
      }
      case 'verifyBatch':
        this.rowsVerified.add(count((result as VerifyBatchResult)?.verified), tags);
        return;
      case 'restoreBatch':
        this.rowsRestored.add(count((result as { rows?: number })?.rows), tags);
        return;
    }
  }

  failed(activity: string, context: ActivityContext, errorType: string): void {
    this.failures.add(1, { activity, database: context.database ?? '', error_type: errorType });
  }

  lease(resource: string, event: 'acquired' | 'refused' | 'refreshed' | 'lost' | 'released'): void {
    this.leaseEvents.add(1, { resource, event });
    if (event === 'acquired') this.leaseHeld.set(1, { resource });
    if (event === 'lost' || event === 'released') this.leaseHeld.set(0, { resource });
  }
}

function tableTags(context: ActivityContext): MetricTags {
  return { database: context.database ?? '', table: context.table ?? '' };
}

/** Counters take non-negative integers; anything else in a result (an older worker's shape) counts as 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
