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
