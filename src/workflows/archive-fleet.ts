import {
  CancellationScope,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  databaseMemo,
  databaseSearchAttributes,
  databaseSummary,
  databaseWorkflowId,
  fleetProgressQuery,
  pauseSignal,
  resumeSignal,
  type DatabaseReport,
  type FleetInput,
  type FleetProgressView,
  type FleetReport,
  type TableReport,
} from '../shared';
import { archiveActivities } from './activity-options';
import { archiveDatabase } from './archive-database';
import { emptyTableReport } from './archive-table';
import { failureMessage } from './failure-message';

type ChildStatus = FleetProgressView['databases'][number]['status'];

/**
 * Runs one archiveDatabase child per database, at most `concurrency` at once. A failing database is recorded
 * and never stops the others. Pausing the fleet pauses its running children and starts no new ones.
 */
export async function archiveFleet(input: FleetInput): Promise<FleetReport> {
  const runId = workflowInfo().firstExecutionRunId;
  const startedAtMs = Date.now();
  const reports: DatabaseReport[] = new Array(input.databases.length);
  const status: ChildStatus[] = input.databases.map(() => 'pending');
  let paused = false;

  // Children hear the fleet's pause and resume by their stable ids, so operators can also signal one alone.
  const forward = async (signal: typeof pauseSignal | typeof resumeSignal): Promise<void> => {
    const running = input.databases.filter((_, i) => status[i] === 'running');
    await Promise.all(
      running.map((db) =>
        getExternalWorkflowHandle(databaseWorkflowId(db.database))
          .signal(signal)
          .catch(() => undefined),
      ),
    );
  };
  setHandler(pauseSignal, async () => {
    paused = true;
    await forward(pauseSignal);
  });
  setHandler(resumeSignal, async () => {
    paused = false;
    await forward(resumeSignal);
  });
  setHandler(fleetProgressQuery, () => ({
    paused,
    databases: input.databases.map((db, i) => ({
      database: db.database,
      workflowId: databaseWorkflowId(db.database),
      status: status[i]!,
    })),
  }));

  if (!input.dryRun) await archiveActivities.cleanupStaleUploads();

  let next = 0;
  const stopsAtMs = input.maxRunTimeMs !== undefined ? startedAtMs + input.maxRunTimeMs : undefined;
  // Lanes take databases in order; the sandbox resolves promises in history order, so this is deterministic.
  const lane = async (): Promise<void> => {
    while (next < input.databases.length) {
      // A pause holds back the databases not started yet, but not past the time limit: then they are reported
      // as not started, as below, and the run ends without waiting for a resume.
      if (paused) {
        if (stopsAtMs === undefined) await condition(() => !paused);
        else if (Date.now() < stopsAtMs) await condition(() => !paused, stopsAtMs - Date.now());
      }
      if (next >= input.databases.length) return;
      const index = next++;
      const db = input.databases[index]!;
      // Past the time limit a database that has not started is not started: all its tables are reported stopped.
      if (stopsAtMs !== undefined && Date.now() >= stopsAtMs) {
        reports[index] = notStarted(db);
        status[index] = 'stopped';
        continue;
      }
      status[index] = 'running';
      try {
        reports[index] = await executeChild(archiveDatabase, {
          workflowId: databaseWorkflowId(db.database),
          // What the Web UI shows for the child: its settings and a one-line summary, never a connection string.
          memo: databaseMemo(db, { dryRun: input.dryRun, runId }),
          staticSummary: databaseSummary(db, input.dryRun),
          ...(input.searchAttributes ? { typedSearchAttributes: databaseSearchAttributes(db) } : {}),
          args: [
            {
              ...db,
              runId,
              startedAtMs,
              dryRun: input.dryRun,
              historyEventsLimit: input.historyEventsLimit,
              lease: input.lease,
              heartbeatTimeoutMs: input.heartbeatTimeoutMs,
              ...(input.maxRunTimeMs !== undefined ? { maxRunTimeMs: input.maxRunTimeMs } : {}),
              ...(input.searchAttributes ? { searchAttributes: true } : {}),
              ...(input.fullScan ? { fullScan: true } : {}),
            },
          ],
        });
      } catch (error) {
        // The fleet's own cancellation stops it; a database workflow cancelled on its own (`archiver cancel
        // archive-db-NAME`) is that database's outcome, and the other databases go on.
        if (isCancellation(error) && CancellationScope.current().consideredCancelled) throw error;
        const message = isCancellation(error)
          ? `cancelled: ${databaseWorkflowId(db.database)} was cancelled on its own; the run went on without it`
          : failureMessage(error);
        reports[index] = { name: db.database, status: 'failed', error: message, tables: [] };
      }
      status[index] = reports[index]!.status;
    }
  };
  const lanes = Math.max(1, Math.min(input.concurrency, input.databases.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const report: FleetReport = { ...overallStatus(reports), runId, dryRun: input.dryRun, databases: reports };
  if (!input.dryRun) await archiveActivities.writeReport(report);
  return report;
}

/** A database the time limit kept from starting: every table stopped, nothing archived. */
function notStarted(db: FleetInput['databases'][number]): DatabaseReport {
  const tables = db.tables.map((table): TableReport => ({
    ...emptyTableReport(table.name, 'stopped'),
    stopReason: 'maxRunTime',
  }));
  return { name: db.database, status: 'stopped', stopReason: 'maxRunTime', tables };
}

/**
 * Any failure makes the run `partial` (or `failed` when every database failed); without one, a run that the time
 * limit stopped is `stopped`, which is not a failure: the next run goes on where this one stopped.
 */
function overallStatus(reports: DatabaseReport[]): Pick<FleetReport, 'status' | 'stopReason'> {
  const failed = reports.filter((r) => r.status === 'failed').length;
  const stopped = reports.some((r) => r.status === 'stopped' || r.tables.some((t) => t.status === 'stopped'));
  const reason = stopped ? { stopReason: 'maxRunTime' as const } : {};
  if (failed > 0) return { status: failed === reports.length ? 'failed' : 'partial', ...reason };
  return stopped ? { status: 'stopped', ...reason } : { status: 'completed' };
}
