import { ActivityCancellationType, proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared';

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERROR_TYPES];

/** Reads and uploads: retried with backoff, since every attempt overwrites the same deterministic keys. */
export const archiveActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  // A cancelled run waits until the activity has aborted its upload, so nothing is left half-written.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
    nonRetryableErrorTypes,
  },
});

/** Deletes get fewer attempts: a delete that keeps failing wants an operator, not a loop. */
export const deleteActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes,
  },
});

/**
 * Listing a table's archived batches, for a restore or a verification: one page of S3 keys per call, retried up
 * to ten times. Each workflow passes its own non-retryable error types.
 */
export function listingActivities(nonRetryableErrorTypes: string[]) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    retry: {
      initialInterval: '1s',
      maximumInterval: '1 minute',
      maximumAttempts: 10,
      nonRetryableErrorTypes,
    },
  });
}

/**
 * The lease holder runs for a whole database run. Its heartbeats are frequent so that its cancellation at the
 * end of the run, which releases the lease, arrives within seconds; a dead holder is noticed within 30 seconds.
 */
export const leaseActivities = proxyActivities<Activities>({
  startToCloseTimeout: '7 days',
  heartbeatTimeout: '30 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes },
});

/**
 * The batch activities with the run's own heartbeat timeout (`run.heartbeatTimeout`): how long a dead worker's
 * batch waits before another worker retries it.
 */
export function batchActivities(heartbeatTimeoutMs: number | undefined): {
  archive: typeof archiveActivities;
  remove: typeof deleteActivities;
} {
  if (heartbeatTimeoutMs === undefined) return { archive: archiveActivities, remove: deleteActivities };
  const retry: RetryPolicy = {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes,
  };
  return {
    archive: proxyActivities<Activities>({
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout: heartbeatTimeoutMs,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: { ...retry, maximumAttempts: 20 },
    }),
    remove: proxyActivities<Activities>({
      startToCloseTimeout: '30 minutes',
      heartbeatTimeout: heartbeatTimeoutMs,
      retry: { ...retry, maximumAttempts: 10 },
    }),
  };
}

/**
 * The replica-lag check: short, read-only and repeated every few seconds while the run waits, so a failing
 * check is retried only briefly; the workflow then counts it as unknown lag and checks again later.
 */
export const replicaActivities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '10s',
    maximumAttempts: 3,
    nonRetryableErrorTypes,
  },
});
