/**
 * The archiver's error classes. Temporal reports an error's class name as its failure type, so these names are
 * part of the interface: keep them stable, and list the ones a retry cannot fix in NON_RETRYABLE_ERROR_TYPES.
 */

export class ArchiverError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnknownDatabaseError extends ArchiverError {
  constructor(readonly database: string) {
    super(
      `Database "${database}" is not in this worker's configuration; start the worker with the same config file.`,
    );
  }
}

export class TableNotFoundError extends ArchiverError {
  constructor(
    readonly engine: string,
    readonly table: string,
  ) {
    super(`Table ${table} does not exist in the ${engine} database.`);
  }
}

export class ColumnNotFoundError extends ArchiverError {
  constructor(
    readonly table: string,
    readonly column: string,
  ) {
    super(`Column "${column}" does not exist in table ${table}.`);
  }
}

export class MissingPrimaryKeyError extends ArchiverError {
  constructor(readonly table: string) {
    super(
      `Table ${table} has no primary key; the archiver needs one to page through rows and to delete exactly what it archived.`,
    );
  }
}

export class ChecksumMismatchError extends ArchiverError {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Object ${key} has SHA-256 ${actual} but ${expected} was recorded; it is not trusted.`);
  }
}

/**
 * An archive would overwrite a batch whose rows were already deleted from the source (its deletion record
 * exists): the object is their only copy. Happens when a workflow is reset to before a batch's delete.
 */
export class BatchAlreadyDeletedError extends ArchiverError {
  constructor(
    readonly key: string,
    readonly batch: number,
  ) {
    super(
      `Batch ${batch} (${key}) already deleted rows from the source, so it is not archived again over their only copy; start a new run instead of resetting this one to before that batch's delete.`,
    );
  }
}

export class VerificationFailedError extends ArchiverError {
  constructor(
    readonly key: string,
    readonly problems: string[],
  ) {
    super(`Verification of ${key} failed: ${problems.join('; ')}.`);
  }
}

/**
 * A statement the database rejected for a reason a retry cannot change: bad SQL in a `where`, a missing
 * column, a value the expression cannot handle. The connection is fine; the configuration or data needs a look.
 */
export class QueryFailedError extends ArchiverError {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The lease on `resource` expired or was taken over; whoever held `token` must stop before deleting anything. */
export class LeaseLostError extends ArchiverError {
  constructor(
    readonly resource: string,
    readonly token: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The lease on ${resource} is no longer held by this run; it stops before deleting anything.`,
      options,
    );
  }
}

/**
 * Another run holds the lease this run held: it is doing the work now, so this run's delete stops for good (a
 * lease merely missing, after a lock backend restart, is a LeaseLostError, retried until the holder takes it
 * again).
 */
export class LeaseTakenError extends ArchiverError {
  constructor(
    readonly resource: string,
    readonly holder: string,
  ) {
    super(
      `The lease on ${resource} is now held by another run (${holder}); this run stops before deleting anything.`,
    );
  }
}

/** Someone else holds a live lease on `resource` (`expiresAt`: milliseconds since the epoch). */
export class LeaseHeldError extends ArchiverError {
  constructor(
    readonly resource: string,
    readonly holder: { readonly id: string; readonly host: string; readonly pid: number },
    readonly expiresAt: number,
  ) {
    super(
      `The lease on ${resource} is held by ${holder.id} on ${holder.host} (pid ${holder.pid}) until ${new Date(expiresAt).toISOString()}.`,
    );
  }
}

/** The lock backend could not be reached or failed; nobody can tell who holds a lease, so nothing is deleted. */
export class LockBackendUnavailableError extends ArchiverError {
  constructor(
    readonly backend: string,
    override readonly cause: unknown,
  ) {
    super(`The ${backend} lock backend is unavailable: ${describeCause(cause)}.`, { cause });
  }
}

function describeCause(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(/[.\s]+$/, '') || 'unknown error';
}

export class SchemaDriftError extends ArchiverError {
  constructor(
    readonly table: string,
    readonly differences: string[],
  ) {
    super(
      `Table ${table} changed since its last archive and drift is set to fail: ${differences.join('; ')}.`,
    );
  }
}

export class TimestampColumnTypeError extends ArchiverError {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly dataType: string,
  ) {
    super(
      `Column "${column}" of table ${table} has type ${dataType}; timestampColumn must be a date or timestamp column.`,
    );
  }
}

export class BucketNotFoundError extends ArchiverError {
  constructor(
    readonly bucket: string,
    options?: { cause?: unknown },
  ) {
    super(`S3 bucket ${bucket} does not exist; create it or fix storage.bucket.`, options);
  }
}

export class ConditionalWritesIgnoredError extends ArchiverError {
  constructor(
    readonly bucket: string,
    readonly detail: string,
  ) {
    super(
      `The object store behind storage.endpoint does not honour conditional writes (If-None-Match: *) in bucket ` +
        `${bucket}: ${detail}. db-archiver writes every batch object once, so that no retried or stale attempt ` +
        `can replace the archived copy of rows already deleted; it will not archive to a store that cannot ` +
        `refuse an overwrite. Use AWS S3, a current MinIO, or another store that supports If-None-Match ` +
        `on PutObject and CompleteMultipartUpload.`,
    );
  }
}
