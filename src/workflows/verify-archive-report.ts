import type {
  VerifyArchivedBatchResult,
  VerifyInput,
  VerifyProblem,
  VerifyReport,
  VerifyTableReport,
} from '../shared/verify';

/**
 * Problems listed in one report; the counts always include every problem. The report travels through history
 * (result, continue-as-new), so a thoroughly damaged archive must not make it grow without bound.
 */
export const PROBLEMS_LISTED_LIMIT = 1000;

export function emptyVerifyReport(input: VerifyInput): VerifyReport {
  return {
    status: 'ok',
    batches: 0,
    batchesWithProblems: 0,
    rows: 0,
    bytes: 0,
    problems: 0,
    databases: input.databases.map((d) => ({
      name: d.database,
      tables: d.tables.map((table) => ({
        table,
        batches: 0,
        batchesWithProblems: 0,
        rows: 0,
        bytes: 0,
        problems: [],
        problemsOmitted: 0,
      })),
    })),
  };
}

function listedProblems(report: VerifyReport): number {
  let listed = 0;
  for (const database of report.databases)
    for (const table of database.tables) listed += table.problems.length;
  return listed;
}

function addProblems(
  report: VerifyReport,
  table: VerifyTableReport,
  problems: readonly VerifyProblem[],
): void {
  const room = Math.max(0, PROBLEMS_LISTED_LIMIT - listedProblems(report));
  table.problems.push(...problems.slice(0, room));
  table.problemsOmitted += Math.max(0, problems.length - room);
  report.problems += problems.length;
}

/** Counts one checked batch into its table's entry and the totals. */
export function recordBatch(
  report: VerifyReport,
  table: VerifyTableReport,
  result: VerifyArchivedBatchResult,
): void {
  const flawed = result.problems.length > 0 ? 1 : 0;
  table.batches += 1;
  table.batchesWithProblems += flawed;
  table.rows += result.rows;
  table.bytes += result.bytes;
  report.batches += 1;
  report.batchesWithProblems += flawed;
  report.rows += result.rows;
  report.bytes += result.bytes;
  addProblems(report, table, result.problems);
}

/** A batch whose check kept failing (S3 unreachable, say) counts as checked, with that as its problem. */
export function recordUncheckedBatch(
  report: VerifyReport,
  table: VerifyTableReport,
  dataKey: string,
  reason: string,
): void {
  recordBatch(report, table, {
    dataKey,
    rows: 0,
    bytes: 0,
    problems: [{ key: dataKey, problem: `the batch could not be checked: ${reason}` }],
  });
}

/** A problem with the table as a whole, e.g. its batches could not be listed. */
export function recordTableProblem(
  report: VerifyReport,
  table: VerifyTableReport,
  key: string,
  problem: string,
): void {
  addProblems(report, table, [{ key, problem }]);
}

export function finishVerifyReport(report: VerifyReport, workflowId: string): VerifyReport {
  report.status = report.problems === 0 ? 'ok' : 'problems';
  report.workflowId = workflowId;
  return report;
}
