import type { RestoreReport } from '../shared/restore';

/** A short human summary of a finished restore, on stderr; failed objects are listed one per line. */
export function printRestoreSummary(report: RestoreReport): void {
  const lines = [
    `restore ${report.database} ${report.table} into ${report.target}${report.targetCreated ? ' (created)' : ''}: ${report.status}`,
  ];
  if (report.error) lines.push(`  error: ${report.error}`);
  lines.push(
    `  objects=${report.objects} restored=${report.objectsRestored} failed=${report.objectsFailed} skipped=${report.objectsSkipped}`,
    `  rows inserted=${report.rowsInserted} skippedExisting=${report.rowsSkippedExisting} outOfRange=${report.rowsOutOfRange}`,
  );
  if (report.unmappedColumns.length > 0) {
    lines.push(`  archived columns not in the target, not restored: ${report.unmappedColumns.join(', ')}`);
  }
  if (report.missingColumns.length > 0) {
    lines.push(
      `  target columns not in the archive, left to their defaults: ${report.missingColumns.join(', ')}`,
    );
  }
  for (const object of report.objectReports.filter((o) => o.status === 'failed')) {
    lines.push(`  FAILED ${object.dataKey}: ${object.error ?? 'unknown error'}`);
  }
  process.stderr.write(lines.join('\n') + '\n');
}
