import type { FleetReport } from '../shared';

/** A short human summary of a finished run, on stderr. */
export function printReportSummary(report: FleetReport): void {
  const lines = [
    `run ${report.runId}: ${report.status}${report.dryRun ? ' (dry run)' : ''}${stopNote(report)}`,
  ];
  for (const db of report.databases) {
    lines.push(`  ${db.name}: ${db.status}${db.error ? ` (${db.error})` : ''}`);
    for (const t of db.tables) {
      lines.push(
        `    ${t.table}: ${t.status} archived=${t.archived} deleted=${t.deleted} skippedChanged=${t.skippedChanged} ` +
          `batches=${t.batches} bytes=${t.bytes}` +
          (t.alreadyArchived !== undefined ? ` alreadyArchived=${t.alreadyArchived}` : '') +
          (t.error ? ` error: ${t.error}` : '') +
          (t.stopReason ? ` (stopped: ${t.stopReason} reached)` : ''),
      );
    }
  }
  process.stderr.write(lines.join('\n') + '\n');
}

function stopNote(report: FleetReport): string {
  if (report.stopReason !== 'maxRunTime') return '';
  return ' (the run time limit, run.maxRunTime, was reached: it stopped between batches; the next run archives the rest)';
}
