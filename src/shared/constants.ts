/** Names shared by the client, the worker and the workflows. */

export const DEFAULT_TASK_QUEUE = 'archiver';

/**
 * One child workflow id per database: Temporal refuses a second running execution with the same id,
 * which keeps two fleet runs from archiving the same database at once.
 */
export function databaseWorkflowId(database: string): string {
  return `archive-db-${database}`;
}

export function fleetWorkflowId(startedAtMs: number): string {
  return `archive-fleet-${new Date(startedAtMs).toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Failure types that a retry cannot fix. They are the class names of the errors in src/errors (Temporal uses the
 * class name as the failure type), listed here so workflows can refer to them without importing Node code.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'ConfigError',
  'UnknownDatabaseError',
  'TableNotFoundError',
  'ColumnNotFoundError',
  'MissingPrimaryKeyError',
  'ChecksumMismatchError',
  'VerificationFailedError',
  'BatchAlreadyDeletedError',
  'QueryFailedError',
  'SchemaDriftError',
  'TimestampColumnTypeError',
  'BucketNotFoundError',
  'ConditionalWritesIgnoredError',
  // Not LeaseLostError: a lease lost for a moment (the lock backend restarted, its session was killed) is taken
  // again by the holder's retry, and the delete, which checks the lease under its row locks, waits for that.
  'LeaseHeldError',
  'LeaseTakenError',
  // Load protection's replica check (src/engines/replica-errors.ts): a misconfigured replica stays misconfigured.
  'ReplicaNotConfiguredError',
  'NotAReplicaError',
  'ReplicaCheckError',
] as const;
