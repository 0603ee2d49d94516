/**
 * Payload types of `archiver verify` (docs/verify.md): the verifyArchive workflow and its activities. Like the
 * rest of src/shared they are sandbox-safe plain data: object keys, counts and sentences cross the border, rows
 * and key values never do.
 */
import { defineQuery } from '@temporalio/workflow';

export interface VerifyInput {
  /** Configured databases and, per database, the archived tables (`schema.table`, as in object keys). */
  databases: { database: string; tables: string[] }[];
  /** Batches per listing activity; default 200. Tests lower it to exercise paging and continue-as-new. */
  pageSize?: number;
  /** Batches checked at once; default 4. */
  concurrency?: number;
  /** Continue-as-new once history passes this many events (default 10 000); tests set it low. */
  historyEventsLimit?: number;
}

export interface ListBatchesToVerifyInput {
  database: string;
  /** `schema.table`, as in object keys. */
  table: string;
  /** The last key of the previous page; absent for the first. */
  startAfter?: string;
  /** Batches per page. */
  limit: number;
}

export interface ListBatchesToVerifyResult {
  /**
   * The data key of every batch on the page (`….jsonl.gz` or `….jsonl.zst`), whether or not that object exists: a
   * batch is listed when any of its objects (data, manifest, metadata, deletion record) is there, by its gzip key
   * when its data object is gone (the check then takes the key the metadata names). A batch with a data object of
   * each compression is listed by both keys.
   */
  dataKeys: string[];
  /** Where the next page starts; null when this was the last. */
  startAfter: string | null;
}

export interface VerifyArchivedBatchInput {
  database: string;
  table: string;
  dataKey: string;
}

/** One thing wrong: the object it was found in (or the table, for a table that could not be listed). */
export interface VerifyProblem {
  key: string;
  /** One plain sentence. */
  problem: string;
}

export interface VerifyArchivedBatchResult {
  dataKey: string;
  /** Lines read from the data object. */
  rows: number;
  /** The data object's size as S3 stores it; 0 when it is missing. */
  bytes: number;
  /** Every problem found in the batch; empty when it checks out. */
  problems: VerifyProblem[];
}

export interface VerifyTableReport {
  table: string;
  batches: number;
  batchesWithProblems: number;
  rows: number;
  bytes: number;
  /** Problems in the order found, up to the report's limit; problemsOmitted counts the rest. */
  problems: VerifyProblem[];
  problemsOmitted: number;
}

export interface VerifyDatabaseReport {
  name: string;
  tables: VerifyTableReport[];
}

export interface VerifyReport {
  status: 'ok' | 'problems';
  workflowId?: string;
  batches: number;
  batchesWithProblems: number;
  rows: number;
  bytes: number;
  /** Every problem found, including those left out of the lists. */
  problems: number;
  databases: VerifyDatabaseReport[];
}

/** The report so far, while the workflow runs. */
export const verifyProgressQuery = defineQuery<VerifyReport>('verifyProgress');

/** `verify-archive-<timestamp>`: one id per verification request, readable in the Web UI. */
export function verifyWorkflowId(startedAtMs: number): string {
  return `verify-archive-${new Date(startedAtMs).toISOString().replace(/[:.]/g, '-')}`;
}
