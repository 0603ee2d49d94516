import {
  allHandlersFinished,
  condition,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  databaseProgressQuery,
  pauseSignal,
  resumeSignal,
  type DatabaseInput,
  type DatabaseProgressView,
  type DatabaseReport,
  type TableReport,
} from '../shared';
import { archiveActivities } from './activity-options';
import { newTableCursor, planTable, runBatch, saveWatermark, type TableCursor } from './archive-table';
import { failureMessage } from './failure-message';

/** Where a database run stands; carried across continue-as-new so a long run keeps a short history. */
export interface DatabaseProgress {
  tableIndex: number;
  cursor: TableCursor | null;
  done: TableReport[];
  paused: boolean;
}

const HISTORY_EVENTS_LIMIT = 10_000;

function historyIsLarge(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}

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

function progressView(
  input: DatabaseInput,
  state: DatabaseProgress,
  tableStartedMs: number,
): DatabaseProgressView {
  const tables = input.tables.map((table, index) => {
    const report =
      index < state.tableIndex
        ? state.done[index]
        : index === state.tableIndex
          ? state.cursor?.report
          : undefined;
    const running = index === state.tableIndex && state.cursor !== null;
    const elapsedS = Math.max(0.001, (Date.now() - tableStartedMs) / 1000);
    return {
      table: table.name,
      status: report ? (running ? 'running' : report.status) : 'pending',
      batches: report?.batches ?? 0,
      rows: report?.archived ?? 0,
      deleted: report?.deleted ?? 0,
      bytes: report?.bytes ?? 0,
      currentKey: running ? (state.cursor?.afterKey ?? null) : null,
      rowsPerSecond: running ? Math.round((report?.archived ?? 0) / elapsedS) : 0,
      ...(report?.error ? { error: report.error } : {}),
    } as const;
  });
  return { database: input.database, paused: state.paused, tables };
}

/**
 * Archives every configured table of one database, table after table, batch after batch. Pausing takes effect
 * between batches; cancellation stops the run at a safe point (see runBatch).
 */
export async function archiveDatabase(
  input: DatabaseInput,
  progress?: DatabaseProgress,
): Promise<DatabaseReport> {
  const state: DatabaseProgress = progress ?? { tableIndex: 0, cursor: null, done: [], paused: false };
  let tableStartedMs = Date.now();
  setHandler(pauseSignal, () => {
    state.paused = true;
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
  });
  setHandler(databaseProgressQuery, () => progressView(input, state, tableStartedMs));
  if (input.dryRun) return summarize(input.database, await dryRunTables(input));

  while (state.tableIndex < input.tables.length) {
    const table = input.tables[state.tableIndex]!;
    state.cursor ??= newTableCursor(table.name);
    const cursor = state.cursor;
    tableStartedMs = Date.now();
    try {
      let more = true;
      while (more) {
        if (state.paused)
          log.info('Paused', { database: input.database, table: table.name, batch: cursor.batchSeq });
        await condition(() => !state.paused);
        more = await runBatch(input, table, cursor);
        if (!more && cursor.plan) await saveWatermark(input, table, cursor, true);
        if (more && historyIsLarge(input.historyEventsLimit ?? HISTORY_EVENTS_LIMIT)) {
          cursor.report.durationMs += Date.now() - tableStartedMs;
          await condition(allHandlersFinished);
          await continueAsNew<typeof archiveDatabase>(input, state);
        }
      }
    } catch (error) {
      // continueAsNew and cancellation travel as exceptions; they end this run, not the table.
      if (error instanceof ContinueAsNew || isCancellation(error)) throw error;
      cursor.report.status = 'failed';
      cursor.report.error = `batch ${cursor.batchSeq}: ${failureMessage(error)}`;
      log.error('Table failed', {
        database: input.database,
        table: table.name,
        batch: cursor.batchSeq,
        error: cursor.report.error,
      });
    }
    cursor.report.durationMs += Date.now() - tableStartedMs;
    state.done.push(cursor.report);
    state.cursor = null;
    state.tableIndex += 1;
  }
  return summarize(input.database, state.done);
}

function summarize(database: string, tables: TableReport[]): DatabaseReport {
  const failed = tables.filter((t) => t.status === 'failed');
  return {
    name: database,
    status: failed.length === 0 ? 'completed' : 'failed',
    ...(failed.length > 0 ? { error: `${failed.length} of ${tables.length} tables failed` } : {}),
    tables,
  };
}
