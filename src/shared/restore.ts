/**
 * Payload types of the restore workflow and its activities. Like the rest of src/shared they are sandbox-safe
 * plain data: object keys, counts and column names cross the border, rows never do.
 */

export interface RestoreInput {
  /** Configured database name; the worker resolves it to a connection. */
  database: string;
  /** The archived table as given: `schema.table`, or a bare name when only one archived schema has it. */
  table: string;
  /** Table to restore into (`schema.table` or bare); the original table when absent. */
  into?: string;
  /** Only rows whose timestamp column is in [from, to); ISO 8601, validated by the client. */
  from?: string;
  to?: string;
  /** Continue-as-new once history passes this many events (default 10 000); tests set it low. */
  historyEventsLimit?: number;
}

/** One archived batch as the workflow plans with it: a key and a few numbers, never rows. */
export interface BatchDescriptor {
  dataKey: string;
  /** When the batch was archived (ISO 8601); newer batches hold newer versions of a key. */
  createdAt: string;
  rows: number;
  /** Keys its deletion record lists as deleted; null when there is no deletion record. */
  deletedRows: number | null;
}

/** An object listed under the table that is not restored, and why (no metadata, outside the time range). */
export interface SkippedObject {
  dataKey: string;
  status: 'incomplete' | 'outOfRange';
  reason: string;
}

export interface ListBatchesInput {
  database: string;
  table: string;
  from?: string;
  to?: string;
  /** From the previous page; absent for the first. */
  continuationToken?: string;
}

export interface ListBatchesResult {
  /** The archived table's `schema.table`, as in its object keys. */
  table: string;
  batches: BatchDescriptor[];
  skipped: SkippedObject[];
  continuationToken: string | null;
}

export interface PrepareTargetInput {
  database: string;
  /** `schema.table` to create the target from when it is missing. */
  target: string;
  /** The newest batch: its metadata holds the schema the target is created from. */
  schemaFrom: string;
}

export interface PrepareTargetResult {
  /** The target's `schema.table` as the catalog names it. */
  target: string;
  created: boolean;
}

/**
 * Which rows of a batch one restore step inserts. A restore first takes every key's deleted version
 * (`deleted`), newest batch first, then the rows no deletion record claims (`kept`), newest first; a key already
 * present in the target is never overwritten, so each key ends up with exactly the version the rules choose.
 */
export type RestorePart = 'deleted' | 'kept';

export interface RestoreBatchInput {
  database: string;
  target: string;
  dataKey: string;
  part: RestorePart;
  from?: string;
  to?: string;
}

export interface RestoreBatchResult {
  dataKey: string;
  /** Rows of this part inside the time range. */
  rows: number;
  inserted: number;
  /** Rows whose key was already in the target: still in the source, restored before, or a newer version won. */
  skippedExisting: number;
  /** Rows of this part outside the time range. */
  outOfRange: number;
  /** Archived columns the target does not have; their values were not restored. */
  unmappedColumns: string[];
  /** Target columns the archive does not have; restored rows got their defaults. */
  missingColumns: string[];
}

export interface RestoreObjectReport {
  dataKey: string;
  status: 'restored' | 'failed' | 'incomplete' | 'outOfRange';
  rows: number;
  inserted: number;
  skippedExisting: number;
  outOfRange: number;
  /** Why a failed object was refused. */
  error?: string;
  /** Why an object was skipped (incomplete, outside the time range). */
  reason?: string;
}

export interface RestoreReport {
  status: 'completed' | 'partial' | 'failed';
  /** Set when the restore could not start (no archived objects, unknown table); nothing was inserted. */
  error?: string;
  database: string;
  /** The archived `schema.table`. */
  table: string;
  target: string;
  targetCreated: boolean;
  from?: string;
  to?: string;
  objects: number;
  objectsRestored: number;
  objectsFailed: number;
  objectsSkipped: number;
  rowsInserted: number;
  rowsSkippedExisting: number;
  rowsOutOfRange: number;
  unmappedColumns: string[];
  missingColumns: string[];
  /** Every failed object, then the others up to a limit that keeps the report small. */
  objectReports: RestoreObjectReport[];
  objectReportsOmitted: number;
}

/** `restore-<database>-<table>-<timestamp>`: one id per restore request, readable in the Web UI. */
export function restoreWorkflowId(database: string, table: string, startedAtMs: number): string {
  return `restore-${database}-${table}-${new Date(startedAtMs).toISOString().replace(/[:.]/g, '-')}`;
}
