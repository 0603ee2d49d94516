import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import type {
  ArchivedBatch,
  DatabaseInput,
  LeaseRef,
  RowPosition,
  TablePlan,
  TableReport,
  TableSpec,
} from '../shared';
import { batchActivities } from './activity-options';
import { pastDeadline } from './load-protection';

export interface TableCursor {
  batchSeq: number;
  afterKey: string[] | null;
  lastTimestamp: string | null;
  plan: TablePlan | null;
  report: TableReport;
  /**
   * Archive-only tables scanned in (timestamp, primary key) order: the position of the last archived row (from
   * the watermark, then from each batch), which the next batch reads after. Absent in key order.
   */
  position?: RowPosition | null;
  /**
   * Batch `batchSeq`, already archived (objects written and checked) while the batch before it was deleted and
   * verified, and not yet deleted itself. Carried across continue-as-new; absent when nothing is archived ahead.
   */
  pending?: ArchivedBatch | null;
}

export function newTableCursor(table: string): TableCursor {
  return {
    batchSeq: 0,
    afterKey: null,
    lastTimestamp: null,
    plan: null,
    report: emptyTableReport(table, 'completed'),
  };
}

/** A table's report before anything is counted. */
export function emptyTableReport(table: string, status: TableReport['status']): TableReport {
  return {
    table,
    status,
    archived: 0,
    deleted: 0,
    verified: 0,
    skippedChanged: 0,
    batches: 0,
    bytes: 0,
    durationMs: 0,
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
    ...(input.fullScan ? { fullScan: true } : {}),
  });
  if (cursor.plan.drift.length > 0) cursor.report.schemaDrift = cursor.plan.drift;
  cursor.report.watermark = cursor.plan.watermark;
  if (scanOrder(table, cursor.plan) === 'timestamp') {
    const { after, notBeforeMs } = cursor.plan;
    cursor.report.start = {
      after: after ?? null,
      notBefore: notBeforeMs === null ? null : new Date(notBeforeMs).toISOString(),
      ...(cursor.plan.fullScan ? { fullScan: true } : {}),
    };
    if (cursor.position === undefined) cursor.position = after ?? null;
  }
  return cursor.plan;
}

/**
 * Archive-only tables scan in (timestamp, primary key) order, so that the last archived row is a position every
 * later row sorts after, whatever its key. Tables whose rows are deleted scan in key order from their start. A
 * plan without `after` was made by an older version in a run still going on: it goes on in key order.
 */
export function scanOrder(table: TableSpec, plan: TablePlan): 'key' | 'timestamp' {
  return !table.delete && plan.after !== undefined ? 'timestamp' : 'key';
}

/** Where the scan goes on after a batch: its last row (in timestamp order, the one with the largest timestamp). */
function positionAfter(batch: ArchivedBatch): RowPosition {
  if (batch.maxTimestamp === null) {
    throw ApplicationFailure.nonRetryable(
      `batch ${batch.dataKey} has no timestamp to continue after`,
      'WatermarkPositionError',
    );
  }
  return { timestamp: batch.maxTimestamp, key: batch.lastKey };
}

/** A promise's outcome without a rejection left unhandled while the workflow awaits something else. */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/**
 * One batch: archive, then the guarded delete, then the sample verification. Returns false when the table has
 * no candidate rows left. The delete is scheduled only after archiveBatch returned, and archiveBatch returns only
 * after S3 reported the checksum that was sent; the delete checks it once more before touching the source.
 *
 * Once the run's time limit has passed, no batch is archived ahead; the caller then stops at the boundary. One
 * archived ahead before the limit passed is left archived and not deleted (see stopAtTimeLimit).
 *
 * Batches overlap: while batch N is deleted and verified, batch N+1 is already extracted and archived (its keys
 * all sort after N's last key, so the two never touch the same rows, and N+1's rows are deleted only by its own
 * guarded delete, later). The archived N+1 waits in the cursor for the next call. Cancelling aborts an archive
 * in flight and deletes nothing of it; once a batch's delete has started, its delete and verification run to the
 * end whatever happens, so a cancel never leaves a batch half-processed.
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
  const order = scanOrder(table, plan);
  // Runs of older versions sent neither field; key order keeps their inputs as they were.
  const archiveAt = (batchSeq: number, afterKey: string[] | null, after: RowPosition | null) =>
    archive.archiveBatch({
      database: input.database,
      runId: input.runId,
      table,
      cutoffMs,
      batchSeq,
      afterKey,
      notBeforeMs: plan.notBeforeMs,
      ...(order === 'timestamp' ? { order, after, ...(plan.fullScan ? { fullScan: true } : {}) } : {}),
    });
  const batch =
    cursor.pending ?? (await archiveAt(cursor.batchSeq, cursor.afterKey, cursor.position ?? null));
  delete cursor.pending;
  if (batch === null) return false;
  if (batch.scan) {
    cursor.report.alreadyArchived = (cursor.report.alreadyArchived ?? 0) + batch.scan.alreadyArchived;
  }
  // A full scan's batch whose rows were all archived before wrote nothing: the scan (and the watermark) moves on
  // after its last row, and its batch number goes to the next batch that archives a row.
  if (batch.rows === 0 && batch.scan) {
    const { position, read } = batch.scan;
    await CancellationScope.nonCancellable(async () => {
      await saveWatermark(input, table, { ...cursor, afterKey: position.key, position }, false);
      cursor.afterKey = position.key;
      cursor.position = position;
    });
    return read >= table.batchSize;
  }
  cursor.report.archived += batch.rows;
  cursor.report.batches += 1;
  cursor.report.bytes += batch.compressedBytes;
  // A full scan reads batchSize rows and may archive fewer: the rows read say whether more may follow.
  const full = (batch.scan?.read ?? batch.rows) >= table.batchSize;
  const reached = order === 'timestamp' ? (batch.scan?.position ?? positionAfter(batch)) : null;
  // Past the run's time limit nothing more is archived ahead: the run stops after this batch.
  const next =
    full && !pastDeadline(input) ? settle(archiveAt(cursor.batchSeq + 1, batch.lastKey, reached)) : null;
  const ref = {
    database: input.database,
    table,
    cutoffMs,
    dataKey: batch.dataKey,
    ...(lease ? { lease } : {}),
  };
  const finished = await settle(
    CancellationScope.nonCancellable(async () => {
      if (table.delete) {
        const result = await remove.deleteBatch(ref);
        cursor.report.deleted += result.deleted;
        cursor.report.skippedChanged += result.skippedChanged;
      }
      const position = {
        afterKey: batch.lastKey,
        lastTimestamp: batch.maxTimestamp ?? cursor.lastTimestamp,
        ...(reached ? { position: reached } : {}),
      };
      // The per-batch watermark is this batch's last row, whose objects are written and checked: saved beside
      // the verification rather than after it, sparing a round trip (the verification re-reads, it changes
      // nothing the position depends on). A table whose rows are deleted never starts from a watermark, so it
      // records one only at the end of its scan.
      const [verified] = await Promise.all([
        archive.verifyBatch(ref),
        table.delete ? undefined : saveWatermark(input, table, { ...cursor, ...position }, false),
      ]);
      cursor.report.verified += verified.verified;
      cursor.batchSeq += 1;
      cursor.afterKey = position.afterKey;
      cursor.lastTimestamp = position.lastTimestamp;
      if (reached) cursor.position = reached;
    }),
  );
  // The next archive is never left running unawaited, not even when this batch failed.
  const archived = next ? await next : null;
  if (!finished.ok) throw finished.error;
  // A full batch not followed by one archived ahead (the time limit) may still have rows after it.
  if (archived === null) return full;
  // This batch is done; a failure (or cancellation) of the next one is the next batch's, as the cursor says.
  if (!archived.ok) throw archived.error;
  if (archived.value === null) return false;
  cursor.pending = archived.value;
  return true;
}

/**
 * Records progress after a batch and when the scan completes. In timestamp order the watermark is the position of
 * the last archived row, and a migrated `archivedBefore` is carried until the first row is archived. A run that
 * an older version started in key order keeps that version's watermark: `archivedBefore` advances to this run's
 * cutoff when the scan completes (the next run migrates it).
 */
export async function saveWatermark(
  input: DatabaseInput,
  table: TableSpec,
  cursor: Pick<TableCursor, 'plan' | 'afterKey' | 'lastTimestamp' | 'position'>,
  completed: boolean,
): Promise<void> {
  const previous = cursor.plan?.notBeforeMs ?? null;
  const legacy = cursor.plan?.after === undefined;
  const position = cursor.position ?? null;
  const archivedBeforeMs = legacy
    ? completed
      ? input.startedAtMs - table.olderThanMs
      : previous
    : position === null && !table.delete
      ? previous
      : null;
  await batchActivities(input.heartbeatTimeoutMs).archive.saveWatermark({
    database: input.database,
    runId: input.runId,
    table,
    lastKey: cursor.afterKey,
    lastTimestamp: cursor.lastTimestamp,
    ...(legacy ? {} : { position: table.delete ? null : position }),
    archivedBefore: archivedBeforeMs === null ? null : new Date(archivedBeforeMs).toISOString(),
    ...(cursor.plan?.fullScan ? { fullScan: true } : {}),
    completed,
  });
}
