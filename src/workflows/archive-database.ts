import { ContinueAsNew, continueAsNew, isCancellation, log, workflowInfo } from '@temporalio/workflow';
import type { DatabaseInput, DatabaseReport, TableReport } from '../shared';
import { archiveActivities } from './activity-options';
import { emptyTableReport, runBatch, type TableCursor } from './archive-table';
import { failureMessage } from './failure-message';

/** Where a database run stands; carried across continue-as-new so a long run keeps a short history. */
export interface DatabaseProgress {
  tableIndex: number;
  cursor: TableCursor | null;
  done: TableReport[];
}

const HISTORY_EVENTS_LIMIT = 10_000;

function historyIsLarge(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}

async function dryRunTables(input: DatabaseInput): Promise<TableReport[]> {
  const reports: TableReport[] = [];
  for (const table of input.tables) {
    const report = emptyTableReport(table.name);
    try {
      const rows = await archiveActivities.countCandidates({
        database: input.database,
        table,
        cutoffMs: input.startedAtMs - table.olderThanMs,
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

/** Archives every configured table of one database, table after table, batch after batch. */
export async function archiveDatabase(
  input: DatabaseInput,
  progress?: DatabaseProgress,
): Promise<DatabaseReport> {
  const state: DatabaseProgress = progress ?? { tableIndex: 0, cursor: null, done: [] };
  if (input.dryRun) return summarize(input.database, await dryRunTables(input));
  while (state.tableIndex < input.tables.length) {
    const table = input.tables[state.tableIndex]!;
    state.cursor ??= { batchSeq: 0, afterKey: null, report: emptyTableReport(table.name) };
    const cursor = state.cursor;
    const started = Date.now();
    try {
      let more = true;
      while (more) {
        more = await runBatch(input, table, cursor);
        if (more && historyIsLarge(input.historyEventsLimit ?? HISTORY_EVENTS_LIMIT)) {
          cursor.report.durationMs += Date.now() - started;
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
    cursor.report.durationMs += Date.now() - started;
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
