import type { FleetReport } from '../shared';

/** A short human summary of a finished run, on stderr. */
export function printReportSummary(report: FleetReport): void {
  const lines = [`run ${report.runId}: ${report.status}${report.dryRun ? ' (dry run)' : ''}`];
  for (const db of report.databases) {
    lines.push(`  ${db.name}: ${db.status}${db.error ? ` (${db.error})` : ''}`);
    for (const t of db.tables) {
      lines.push(
        `    ${t.table}: ${t.status} archived=${t.archived} deleted=${t.deleted} skippedChanged=${t.skippedChanged} ` +
          `batches=${t.batches} bytes=${t.bytes}${t.error ? ` error: ${t.error}` : ''}`,
      );
    }
  }
  process.stderr.write(lines.join('\n') + '\n');
}
