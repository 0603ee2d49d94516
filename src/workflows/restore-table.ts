import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared';
import type {
  BatchDescriptor,
  RestoreBatchResult,
  RestoreInput,
  RestoreObjectReport,
  RestoreReport,
  SkippedObject,
} from '../shared/restore';
import { failureMessage } from './failure-message';
import { commonKeyPrefix, planSteps, type RestoreStep } from './restore-plan';

const nonRetryableErrorTypes = [
  ...NON_RETRYABLE_ERROR_TYPES,
  'ArchivedTableNotFoundError',
  'RestoreMappingError',
];

const listing = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes },
});

/** A batch that keeps failing for a reason other than its checksum is given up after a few attempts. */
const restoring = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '5 minutes',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes },
});

const HISTORY_EVENTS_LIMIT = 10_000;
/** Per-object entries kept in the report besides the failed ones; the totals always count every object. */
const OBJECT_REPORTS_LIMIT = 500;

/** Where a restore stands; carried across continue-as-new. Holds object keys and counts, never rows. */
export interface RestoreProgress {
  report: RestoreReport;
  /** What every step's key starts with, kept once so the carried plan stays small. */
  keyPrefix: string;
  /** Steps still to run, their keys without `keyPrefix`. */
  steps: RestoreStep[];
}

function emptyReport(input: RestoreInput): RestoreReport {
  return {
    status: 'completed',
    database: input.database,
    table: input.table,
    target: input.into ?? input.table,
    targetCreated: false,
    ...(input.from ? { from: input.from } : {}),
    ...(input.to ? { to: input.to } : {}),
    objects: 0,
    objectsRestored: 0,
    objectsFailed: 0,
    objectsSkipped: 0,
    rowsInserted: 0,
    rowsSkippedExisting: 0,
    rowsOutOfRange: 0,
    unmappedColumns: [],
    missingColumns: [],
    objectReports: [],
    objectReportsOmitted: 0,
  };
}

async function listBatches(input: RestoreInput, report: RestoreReport): Promise<BatchDescriptor[]> {
  const batches: BatchDescriptor[] = [];
  const skipped: SkippedObject[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await listing.listArchivedBatches({
      database: input.database,
      table: input.table,
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
      ...(continuationToken ? { continuationToken } : {}),
    });
    report.table = page.table;
    batches.push(...page.batches);
    skipped.push(...page.skipped);
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken);
  report.objects = batches.length;
  report.objectsSkipped = skipped.length;
  for (const s of skipped) {
    addObjectReport(report, {
      dataKey: s.dataKey,
      status: s.status,
      rows: 0,
      inserted: 0,
      skippedExisting: 0,
      outOfRange: 0,
    });
  }
  return batches;
}

function addObjectReport(report: RestoreReport, entry: RestoreObjectReport): RestoreObjectReport | null {
  const existing = report.objectReports.find((r) => r.dataKey === entry.dataKey);
  if (existing) return existing;
  if (entry.status !== 'failed' && report.objectReports.length >= OBJECT_REPORTS_LIMIT) return null;
  report.objectReports.push(entry);
  return entry;
}

function recordSuccess(report: RestoreReport, result: RestoreBatchResult): void {
  report.rowsInserted += result.inserted;
  report.rowsSkippedExisting += result.skippedExisting;
  report.rowsOutOfRange += result.outOfRange;
  for (const c of result.unmappedColumns)
    if (!report.unmappedColumns.includes(c)) report.unmappedColumns.push(c);
  for (const c of result.missingColumns)
    if (!report.missingColumns.includes(c)) report.missingColumns.push(c);
  const entry = addObjectReport(report, {
    dataKey: result.dataKey,
    status: 'restored',
    rows: 0,
    inserted: 0,
    skippedExisting: 0,
    outOfRange: 0,
  });
  if (!entry) return;
  entry.rows += result.rows;
  entry.inserted += result.inserted;
  entry.skippedExisting += result.skippedExisting;
  entry.outOfRange += result.outOfRange;
}

function recordFailure(report: RestoreReport, dataKey: string, error: string): void {
  const entry = addObjectReport(report, {
    dataKey,
    status: 'failed',
    rows: 0,
    inserted: 0,
    skippedExisting: 0,
    outOfRange: 0,
  });
  entry!.status = 'failed';
  entry!.error = error;
  report.objectsFailed += 1;
  log.error('Archived object not restored', {
    database: report.database,
    table: report.table,
    dataKey,
    error,
  });
}

function finish(report: RestoreReport): RestoreReport {
  report.objectsRestored = report.objects - report.objectsFailed;
  report.objectReportsOmitted = report.objects + report.objectsSkipped - report.objectReports.length;
  // Failed objects first: they are what the reader must act on.
  report.objectReports.sort((a, b) => (a.status === 'failed' ? 0 : 1) - (b.status === 'failed' ? 0 : 1));
  if (report.error) report.status = 'failed';
  else if (report.objectsFailed === 0) report.status = 'completed';
  else report.status = report.objectsFailed === report.objects ? 'failed' : 'partial';
  return report;
}

async function start(input: RestoreInput): Promise<RestoreProgress | RestoreReport> {
  const report = emptyReport(input);
  const batches = await listBatches(input, report);
  if (batches.length === 0) {
    if (report.objectsSkipped === 0)
      report.error = `No archived batches of ${report.table} in database ${input.database}.`;
    return finish(report);
  }
  const steps = planSteps(batches);
  const target = await listing.prepareRestoreTarget({
    database: input.database,
    target: input.into ?? report.table,
    schemaFrom: steps[0]!.dataKey,
  });
  report.target = target.target;
  report.targetCreated = target.created;
  log.info('Restore planned', {
    database: input.database,
    table: report.table,
    target: report.target,
    batches: batches.length,
  });
  const keyPrefix = commonKeyPrefix(steps.map((s) => s.dataKey));
  return {
    report,
    keyPrefix,
    steps: steps.map((s) => ({ ...s, dataKey: s.dataKey.slice(keyPrefix.length) })),
  };
}

/**
 * Restores a table's archived rows (docs/restore.md): lists its batches, plans the order that gives every key
 * its right version, and restores batch by batch, each verified against its checksums before a row is inserted.
 * A batch that fails is reported and the others continue.
 */
export async function restoreTable(input: RestoreInput, carried?: RestoreProgress): Promise<RestoreReport> {
  let progress: RestoreProgress;
  if (carried) {
    progress = carried;
  } else {
    try {
      const started = await start(input);
      if (!('steps' in started)) return started;
      progress = started;
    } catch (error) {
      const report = emptyReport(input);
      report.error = failureMessage(error);
      log.error('Restore could not start', {
        database: input.database,
        table: input.table,
        error: report.error,
      });
      return finish(report);
    }
  }
  const { report, keyPrefix, steps } = progress;
  const failed = new Set(report.objectReports.filter((r) => r.status === 'failed').map((r) => r.dataKey));
  while (steps.length > 0) {
    const step = steps.shift()!;
    const dataKey = keyPrefix + step.dataKey;
    if (failed.has(dataKey)) continue;
    try {
      const result = await restoring.restoreBatch({
        database: input.database,
        target: report.target,
        dataKey,
        part: step.part,
        ...(input.from ? { from: input.from } : {}),
        ...(input.to ? { to: input.to } : {}),
      });
      recordSuccess(report, result);
    } catch (error) {
      failed.add(dataKey);
      recordFailure(report, dataKey, failureMessage(error));
    }
    const info = workflowInfo();
    if (
      steps.length > 0 &&
      (info.continueAsNewSuggested || info.historyLength > (input.historyEventsLimit ?? HISTORY_EVENTS_LIMIT))
    ) {
      await continueAsNew<typeof restoreTable>(input, { report, keyPrefix, steps });
    }
  }
  return finish(report);
}
