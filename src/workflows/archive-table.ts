import { CancellationScope } from '@temporalio/workflow';
import type { DatabaseInput, LeaseRef, TablePlan, TableReport, TableSpec } from '../shared';
import { batchActivities } from './activity-options';

export interface TableCursor {
  batchSeq: number;
  afterKey: string[] | null;
  lastTimestamp: string | null;
  plan: TablePlan | null;
  report: TableReport;
}

export function newTableCursor(table: string): TableCursor {
  return {
    batchSeq: 0,
    afterKey: null,
    lastTimestamp: null,
    plan: null,
    report: {
      table,
      status: 'completed',
      archived: 0,
      deleted: 0,
      verified: 0,
      skippedChanged: 0,
      batches: 0,
      bytes: 0,
      durationMs: 0,
    },
  };
}

/** Before a table's first batch: schema drift check and, for archive-only tables, the incremental start. */
export async function planTable(
  input: DatabaseInput,
  table: TableSpec,
  cursor: TableCursor,
): Promise<TablePlan> {
  cursor.plan ??= await batchActivities(input.heartbeatTimeoutMs).archive.prepareTable({
    database: input.database,
    table,
    dryRun: input.dryRun,
  });
  if (cursor.plan.drift.length > 0) cursor.report.schemaDrift = cursor.plan.drift;
  cursor.report.watermark = cursor.plan.watermark;
  return cursor.plan;
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
  lease?: LeaseRef,
): Promise<boolean> {
  const plan = await planTable(input, table, cursor);
  const cutoffMs = input.startedAtMs - table.olderThanMs;
  const { archive, remove } = batchActivities(input.heartbeatTimeoutMs);
  const batch = await archive.archiveBatch({
    database: input.database,
    runId: input.runId,
    table,
    cutoffMs,
    batchSeq: cursor.batchSeq,
    afterKey: cursor.afterKey,
    notBeforeMs: plan.notBeforeMs,
  });
  if (batch === null) return false;
  const ref = {
    database: input.database,
    table,
    cutoffMs,
    dataKey: batch.dataKey,
    ...(lease ? { lease } : {}),
  };
  cursor.report.archived += batch.rows;
  cursor.report.batches += 1;
  cursor.report.bytes += batch.compressedBytes;
  await CancellationScope.nonCancellable(async () => {
    if (table.delete) {
      const result = await remove.deleteBatch(ref);
      cursor.report.deleted += result.deleted;
      cursor.report.skippedChanged += result.skippedChanged;
    }
    const verified = await archive.verifyBatch(ref);
    cursor.report.verified += verified.verified;
    cursor.batchSeq += 1;
    cursor.afterKey = batch.lastKey;
    cursor.lastTimestamp = batch.maxTimestamp ?? cursor.lastTimestamp;
    await saveWatermark(input, table, cursor, false);
  });
  return batch.rows >= table.batchSize;
}

/**
 * Records progress after a batch; when the scan completes, advances `archivedBefore` to this run's cutoff, which
 * is where the next run of an archive-only table starts.
 */
export async function saveWatermark(
  input: DatabaseInput,
  table: TableSpec,
  cursor: TableCursor,
  completed: boolean,
): Promise<void> {
  const previous = cursor.plan?.notBeforeMs ?? null;
  const archivedBeforeMs = completed ? input.startedAtMs - table.olderThanMs : previous;
  await batchActivities(input.heartbeatTimeoutMs).archive.saveWatermark({
    database: input.database,
    runId: input.runId,
    table,
    lastKey: cursor.afterKey,
    lastTimestamp: cursor.lastTimestamp,
    archivedBefore: archivedBeforeMs === null ? null : new Date(archivedBeforeMs).toISOString(),
    completed,
  });
}
