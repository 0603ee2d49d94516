import { log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  TABLE_SEARCH_ATTRIBUTE,
  type DatabaseInput,
  type DatabaseProgressView,
  type TableReport,
} from '../shared';
import { newTableCursor, type TableCursor } from './archive-table';
import { stopsAtMs, type LoadState } from './load-protection';

/**
 * A database run's state and what is read from it or done to it outside the batch loop: the progress query's
 * view, the rows `maxRowsPerSecond` counts, the ArchiverTable search attribute and the stop at the time limit.
 */

/** Where a database run stands; carried across continue-as-new so a long run keeps a short history. */
export interface DatabaseProgress extends LoadState {
  tableIndex: number;
  cursor: TableCursor | null;
  done: TableReport[];
  paused: boolean;
}

export function progressView(
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
      ...(report?.start ? { start: report.start } : {}),
      ...(report?.error ? { error: report.error } : {}),
    } as const;
  });
  const stopsAt = stopsAtMs(input);
  return {
    database: input.database,
    paused: state.paused,
    ...(state.waiting ? { waiting: state.waiting } : {}),
    ...(stopsAt !== undefined ? { stopsAt: new Date(stopsAt).toISOString() } : {}),
    tables,
  };
}

/** Rows archived in this database run so far, with a batch archived ahead: what `maxRowsPerSecond` counts. */
export function rowsSoFar(state: DatabaseProgress): number {
  const cursor = state.cursor;
  const done = state.done.reduce((sum, report) => sum + report.archived, 0);
  return done + (cursor ? cursor.report.archived + (cursor.pending?.rows ?? 0) : 0);
}

/**
 * ArchiverTable names the table the run works on, for a database of several tables (one of one table has it
 * from the start, see databaseSearchAttributes), so the Web UI can find the run by the table it is busy with.
 */
export function showTable(input: DatabaseInput, table: string): void {
  if (!input.searchAttributes || input.tables.length < 2) return;
  if (workflowInfo().typedSearchAttributes.get(TABLE_SEARCH_ATTRIBUTE) === table) return;
  upsertSearchAttributes([{ key: TABLE_SEARCH_ATTRIBUTE, value: table }]);
}

/**
 * The time limit came: the table in progress and those after it are reported `stopped`. A batch archived ahead
 * and not deleted stays as it is (objects in S3, rows in the source): the next run archives those rows again
 * under its own run id, and restore and verify treat an object without a deletion record as rows never deleted.
 */
export function stopAtTimeLimit(input: DatabaseInput, state: DatabaseProgress, cursor: TableCursor): void {
  log.info('Run time limit reached; stopping between batches', {
    database: input.database,
    table: cursor.report.table,
    batch: cursor.batchSeq,
    maxRunTimeMs: input.maxRunTimeMs,
    archivedAheadLeft: cursor.pending ? cursor.pending.dataKey : null,
  });
  state.done.push({ ...cursor.report, status: 'stopped', stopReason: 'maxRunTime' });
  for (const table of input.tables.slice(state.tableIndex + 1)) {
    state.done.push({ ...newTableCursor(table.name).report, status: 'stopped', stopReason: 'maxRunTime' });
  }
  state.cursor = null;
  state.tableIndex = input.tables.length;
}
