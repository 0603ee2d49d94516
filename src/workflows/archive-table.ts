import { CancellationScope } from '@temporalio/workflow';
import type { DatabaseInput, TableReport, TableSpec } from '../shared';
import { archiveActivities, deleteActivities } from './activity-options';

export interface TableCursor {
  batchSeq: number;
  afterKey: string[] | null;
  report: TableReport;
}

export function emptyTableReport(table: string): TableReport {
  return {
    table,
    status: 'completed',
    archived: 0,
    deleted: 0,
    verified: 0,
    skippedChanged: 0,
    batches: 0,
    bytes: 0,
    durationMs: 0,
  };
}

/**
 * One batch: archive, then the guarded delete, then the sample verification. Returns false when the table has
 * no candidate rows left. The delete is scheduled only after archiveBatch returned, and archiveBatch returns only
 * after S3 reported the checksum that was sent; the delete checks it once more before touching the source.
 * Cancelling during archiveBatch aborts its upload and deletes nothing; once a batch is archived, its delete and
 * verification run to the end whatever happens, so a cancel never leaves a batch half-processed.
 */
export async function runBatch(
  input: DatabaseInput,
  table: TableSpec,
  cursor: TableCursor,
): Promise<boolean> {
  const cutoffMs = input.startedAtMs - table.olderThanMs;
  const batch = await archiveActivities.archiveBatch({
    database: input.database,
    runId: input.runId,
    table,
    cutoffMs,
    batchSeq: cursor.batchSeq,
    afterKey: cursor.afterKey,
  });
  if (batch === null) return false;
  const ref = { database: input.database, table, cutoffMs, dataKey: batch.dataKey };
  cursor.report.archived += batch.rows;
  cursor.report.batches += 1;
  cursor.report.bytes += batch.compressedBytes;
  await CancellationScope.nonCancellable(async () => {
    if (table.delete) {
      const result = await deleteActivities.deleteBatch(ref);
      cursor.report.deleted += result.deleted;
      cursor.report.skippedChanged += result.skippedChanged;
    }
    const verified = await archiveActivities.verifyBatch(ref);
    cursor.report.verified += verified.verified;
    cursor.batchSeq += 1;
    cursor.afterKey = batch.lastKey;
  });
  return batch.rows >= table.batchSize;
}
