import { executeChild, isCancellation, workflowInfo } from '@temporalio/workflow';
import { databaseWorkflowId, type DatabaseReport, type FleetInput, type FleetReport } from '../shared';
import { archiveActivities } from './activity-options';
import { archiveDatabase } from './archive-database';
import { failureMessage } from './failure-message';

/**
 * Runs one archiveDatabase child per database, at most `concurrency` at once. A failing database is recorded
 * and never stops the others.
 */
export async function archiveFleet(input: FleetInput): Promise<FleetReport> {
  const runId = workflowInfo().firstExecutionRunId;
  const startedAtMs = Date.now();
  const reports: DatabaseReport[] = new Array(input.databases.length);
  let next = 0;
  // Lanes take databases in order; the sandbox resolves promises in history order, so this is deterministic.
  const lane = async (): Promise<void> => {
    while (next < input.databases.length) {
      const index = next++;
      const db = input.databases[index]!;
      try {
        reports[index] = await executeChild(archiveDatabase, {
          workflowId: databaseWorkflowId(db.database),
          args: [
            { ...db, runId, startedAtMs, dryRun: input.dryRun, historyEventsLimit: input.historyEventsLimit },
          ],
        });
      } catch (error) {
        if (isCancellation(error)) throw error;
        reports[index] = { name: db.database, status: 'failed', error: failureMessage(error), tables: [] };
      }
    }
  };
  const lanes = Math.max(1, Math.min(input.concurrency, input.databases.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const failed = reports.filter((r) => r.status === 'failed').length;
  const status = failed === 0 ? 'completed' : failed === reports.length ? 'failed' : 'partial';
  const report: FleetReport = { status, runId, dryRun: input.dryRun, databases: reports };
  if (!input.dryRun) await archiveActivities.writeReport(report);
  return report;
}
