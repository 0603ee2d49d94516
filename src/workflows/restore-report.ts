import type {
  RestoreBatchResult,
  RestoreInput,
  RestoreObjectReport,
  RestoreReport,
  SkippedObject,
} from '../shared/restore';

/** Per-object entries kept in the report besides the failed ones; the totals always count every object. */
const OBJECT_REPORTS_LIMIT = 500;

export function emptyReport(input: RestoreInput): RestoreReport {
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

/** The object's entry, created when there is room (a failed object always gets one); null when left out. */
function objectEntry(
  report: RestoreReport,
  dataKey: string,
  status: RestoreObjectReport['status'],
): RestoreObjectReport | null {
  const existing = report.objectReports.find((r) => r.dataKey === dataKey);
  if (existing) return existing;
  if (status !== 'failed' && report.objectReports.length >= OBJECT_REPORTS_LIMIT) return null;
  const entry: RestoreObjectReport = {
    dataKey,
    status,
    rows: 0,
    inserted: 0,
    skippedExisting: 0,
    outOfRange: 0,
  };
  report.objectReports.push(entry);
  return entry;
}

export function recordListing(
  report: RestoreReport,
  batches: number,
  skipped: readonly SkippedObject[],
): void {
  report.objects = batches;
  report.objectsSkipped = skipped.length;
  for (const s of skipped) {
    const entry = objectEntry(report, s.dataKey, s.status);
    if (entry) entry.reason = s.reason;
  }
}

function addOnce(list: string[], items: readonly string[]): void {
  for (const item of items) if (!list.includes(item)) list.push(item);
}

export function recordSuccess(report: RestoreReport, result: RestoreBatchResult): void {
  report.rowsInserted += result.inserted;
  report.rowsSkippedExisting += result.skippedExisting;
  report.rowsOutOfRange += result.outOfRange;
  addOnce(report.unmappedColumns, result.unmappedColumns);
  addOnce(report.missingColumns, result.missingColumns);
  const entry = objectEntry(report, result.dataKey, 'restored');
  if (!entry) return;
  entry.rows += result.rows;
  entry.inserted += result.inserted;
  entry.skippedExisting += result.skippedExisting;
  entry.outOfRange += result.outOfRange;
}

export function recordFailure(report: RestoreReport, dataKey: string, error: string): void {
  const entry = objectEntry(report, dataKey, 'failed')!;
  entry.status = 'failed';
  entry.error = error;
  report.objectsFailed += 1;
}

export function failedObjects(report: RestoreReport): Set<string> {
  return new Set(report.objectReports.filter((r) => r.status === 'failed').map((r) => r.dataKey));
}

/** Completes the totals and the status: failed when nothing could start or every object failed. */
export function finishReport(report: RestoreReport): RestoreReport {
  report.objectsRestored = report.objects - report.objectsFailed;
  report.objectReportsOmitted = report.objects + report.objectsSkipped - report.objectReports.length;
  // Failed objects first: they are what the reader must act on.
  report.objectReports.sort((a, b) => (a.status === 'failed' ? 0 : 1) - (b.status === 'failed' ? 0 : 1));
  if (report.error) report.status = 'failed';
  else if (report.objectsFailed === 0) report.status = 'completed';
  else report.status = report.objectsFailed === report.objects ? 'failed' : 'partial';
  return report;
}
