import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  databaseProgressQuery,
  leaseAcquiredSignal,
  pauseSignal,
  resumeSignal,
  type DatabaseInput,
  type DatabaseReport,
  type LeaseRef,
  type TableReport,
} from '../shared';
import { archiveActivities, leaseActivities } from './activity-options';
import { newTableCursor, planTable, runBatch, saveWatermark, scanOrder } from './archive-table';
import {
  progressView,
  rowsSoFar,
  showTable,
  stopAtTimeLimit,
  type DatabaseProgress,
} from './database-progress';
import { failureMessage } from './failure-message';
import { HISTORY_EVENTS_LIMIT, historyIsLarge } from './history-limit';
import { beforeBatch } from './load-protection';

export type { DatabaseProgress } from './database-progress';

async function dryRunTables(input: DatabaseInput): Promise<TableReport[]> {
  const reports: TableReport[] = [];
  for (const table of input.tables) {
    const cursor = newTableCursor(table.name);
    const report = cursor.report;
    try {
      const plan = await planTable(input, table, cursor);
      const rows = await archiveActivities.countCandidates({
        database: input.database,
        table,
        cutoffMs: input.startedAtMs - table.olderThanMs,
        notBeforeMs: plan.notBeforeMs,
        ...(scanOrder(table, plan) === 'timestamp'
          ? { order: 'timestamp', after: cursor.position ?? null }
          : {}),
      });
      report.archived = rows;
      report.batches = Math.ceil(rows / table.batchSize);
    } catch (error) {
      report.status = 'failed';
      report.error = failureMessage(error);
    }
    reports.push(report);
  }
  return reports;
}

/**
 * Holds the database's lease around `body` when a lock backend is configured: a holder activity acquires it,
 * signals, keeps it fresh, and releases it when cancelled here at the end. The owner id survives
 * continue-as-new, so the next run of the chain re-acquires its own lease.
 */
async function withLease<T>(
  input: DatabaseInput,
  body: (lease: LeaseRef | undefined) => Promise<T>,
): Promise<T | { heldBy: string }> {
  if (!input.lease || input.dryRun) return body(undefined);
  const info = workflowInfo();
  const lease = {
    resource: `db-archiver/${input.database}`,
    ownerId: `${info.workflowId}/${info.firstExecutionRunId}`,
  };
  let acquired = false;
  setHandler(leaseAcquiredSignal, () => {
    acquired = true;
  });
  const scope = new CancellationScope();
  let failure: unknown;
  const holding = scope
    .run(() =>
      leaseActivities.holdLease({ database: input.database, ownerId: lease.ownerId, ...input.lease! }),
    )
    .catch((error: unknown) => {
      failure = error;
    });
  await condition(() => acquired || failure !== undefined);
  if (!acquired) return { heldBy: failureMessage(failure) };
  // A holder that fails for good (another run took the lease while it was lost) stops the run at its next safe
  // point: no delete can commit without the lease anyway, and waiting out their retries helps nobody.
  const bodyScope = new CancellationScope();
  let lost: string | undefined;
  void holding.then(() => {
    if (failure === undefined || isCancellation(failure)) return;
    lost = failureMessage(failure);
    bodyScope.cancel();
  });
  try {
    return await bodyScope.run(() => body(lease));
  } catch (error) {
    if (lost !== undefined && isCancellation(error)) return { heldBy: `lease lost: ${lost}` };
    throw error;
  } finally {
    // Released before this run ends or continues as new: cancelling the holder gives the lease up.
    await CancellationScope.nonCancellable(async () => {
      scope.cancel();
      await holding;
    });
  }
}

/**
 * Archives every configured table of one database, table after table, batch after batch. Pausing takes effect
 * between batches; cancellation stops the run at a safe point (see runBatch). With a lock backend, the run holds
 * the database's lease throughout, and every delete checks it before committing.
 */
export async function archiveDatabase(
  input: DatabaseInput,
  progress?: DatabaseProgress,
): Promise<DatabaseReport> {
  const state: DatabaseProgress = progress ?? { tableIndex: 0, cursor: null, done: [], paused: false };
  const clock = { tableStartedMs: Date.now() };
  setHandler(pauseSignal, () => {
    state.paused = true;
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
  });
  setHandler(databaseProgressQuery, () => progressView(input, state, clock.tableStartedMs));
  if (input.dryRun) return summarize(input.database, await dryRunTables(input));

  const outcome = await withLease(input, (lease) => archiveTables(input, state, clock, lease));
  if (typeof outcome === 'object')
    return { name: input.database, status: 'failed', error: outcome.heldBy, tables: state.done };
  if (outcome === 'continue') await continueAsNew<typeof archiveDatabase>(input, state);
  return summarize(input.database, state.done);
}

/** The table loop; returns 'continue' when the history has grown long and the run should continue as new. */
async function archiveTables(
  input: DatabaseInput,
  state: DatabaseProgress,
  clock: { tableStartedMs: number },
  lease: LeaseRef | undefined,
): Promise<'done' | 'continue'> {
  const historyLimit = input.historyEventsLimit ?? HISTORY_EVENTS_LIMIT;
  while (state.tableIndex < input.tables.length) {
    const table = input.tables[state.tableIndex]!;
    state.cursor ??= newTableCursor(table.name);
    const cursor = state.cursor;
    clock.tableStartedMs = Date.now();
    showTable(input, table.name);
    const gate = {
      table: table.name,
      rows: () => rowsSoFar(state),
      historyIsLarge: () => historyIsLarge(historyLimit),
    };
    try {
      let more = true;
      while (more) {
        const next = await beforeBatch(input, state, gate);
        if (next === 'continue') {
          cursor.report.durationMs += Date.now() - clock.tableStartedMs;
          await condition(allHandlersFinished);
          return 'continue';
        }
        if (next === 'stop') {
          cursor.report.durationMs += Date.now() - clock.tableStartedMs;
          stopAtTimeLimit(input, state, cursor);
          return 'done';
        }
        more = await runBatch(input, table, cursor, lease);
        if (!more && cursor.plan) await saveWatermark(input, table, cursor, true);
        if (more && historyIsLarge(historyLimit)) {
          cursor.report.durationMs += Date.now() - clock.tableStartedMs;
          await condition(allHandlersFinished);
          return 'continue';
        }
      }
    } catch (error) {
      // Cancellation ends this run, not just the table.
      if (isCancellation(error)) throw error;
      cursor.report.status = 'failed';
      cursor.report.error = `batch ${cursor.batchSeq}: ${failureMessage(error)}`;
      log.error('Table failed', {
        database: input.database,
        table: table.name,
        batch: cursor.batchSeq,
        error: cursor.report.error,
      });
    }
    cursor.report.durationMs += Date.now() - clock.tableStartedMs;
    state.done.push(cursor.report);
    state.cursor = null;
    state.tableIndex += 1;
  }
  return 'done';
}

function summarize(database: string, tables: TableReport[]): DatabaseReport {
  const failed = tables.filter((t) => t.status === 'failed');
  if (failed.length > 0) {
    return {
      name: database,
      status: 'failed',
      error: `${failed.length} of ${tables.length} tables failed`,
      tables,
    };
  }
  const stopped = tables.find((t) => t.status === 'stopped');
  return stopped
    ? { name: database, status: 'stopped', stopReason: stopped.stopReason ?? 'maxRunTime', tables }
    : { name: database, status: 'completed', tables };
}
