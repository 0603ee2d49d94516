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
 * Archives one batch and deletes what it archived. Returns false when the table has no candidate rows left.
 * The delete runs only after archiveBatch returned, and archiveBatch returns only after S3's stored checksum
 * matched what was sent.
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
  if (batch.rows === 0 || batch.manifestKey === null) return false;
  cursor.report.archived += batch.rows;
  cursor.report.batches += 1;
  cursor.report.bytes += batch.compressedBytes;
  if (table.delete) {
    const result = await deleteActivities.deleteBatch({
      database: input.database,
      table,
      manifestKey: batch.manifestKey,
      cutoffMs,
    });
    cursor.report.deleted += result.deleted;
    cursor.report.skippedChanged += result.skippedChanged;
  }
  cursor.batchSeq += 1;
  cursor.afterKey = batch.lastKey;
  return batch.rows >= table.batchSize;
}
