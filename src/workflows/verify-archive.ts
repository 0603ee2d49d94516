import {
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared';
import {
  verifyProgressQuery,
  type ListBatchesToVerifyResult,
  type VerifyInput,
  type VerifyReport,
  type VerifyTableReport,
} from '../shared/verify';
import { listingActivities } from './activity-options';
import { failureMessage } from './failure-message';
import { HISTORY_EVENTS_LIMIT, historyIsLarge } from './history-limit';
import {
  emptyVerifyReport,
  finishVerifyReport,
  recordBatch,
  recordTableProblem,
  recordUncheckedBatch,
} from './verify-archive-report';

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERROR_TYPES];

const listing = listingActivities(nonRetryableErrorTypes);

/** Problems are results, not failures: only trouble reaching S3 fails a check, and it is retried a few times. */
const checking = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes },
});

const PAGE_SIZE = 200;
const CONCURRENCY = 4;

/** Where a verification stands; carried across continue-as-new. Keys, counts and sentences, never rows. */
export interface VerifyProgress {
  report: VerifyReport;
  databaseIndex: number;
  tableIndex: number;
  /** Where the current table's next listing page starts; null at a table's start. */
  startAfter: string | null;
}

/** Runs `fn` over `items` with at most `limit` at once; workflow promises, so deterministic. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
}

async function checkBatch(
  report: VerifyReport,
  tableReport: VerifyTableReport,
  database: string,
  dataKey: string,
): Promise<void> {
  try {
    const result = await checking.verifyArchivedBatch({ database, table: tableReport.table, dataKey });
    recordBatch(report, tableReport, result);
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = failureMessage(error);
    log.error('Archived batch could not be checked', { database, dataKey, error: reason });
    recordUncheckedBatch(report, tableReport, dataKey, reason);
  }
}

/** Lists and checks one page of the current table's batches, then moves the state past it. */
async function verifyPage(input: VerifyInput, state: VerifyProgress): Promise<void> {
  const database = input.databases[state.databaseIndex]!.database;
  const tableReport = state.report.databases[state.databaseIndex]!.tables[state.tableIndex]!;
  let page: ListBatchesToVerifyResult | null = null;
  try {
    page = await listing.listBatchesToVerify({
      database,
      table: tableReport.table,
      limit: input.pageSize ?? PAGE_SIZE,
      ...(state.startAfter !== null ? { startAfter: state.startAfter } : {}),
    });
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = failureMessage(error);
    log.error('Archived batches could not be listed', { database, table: tableReport.table, error: reason });
    recordTableProblem(
      state.report,
      tableReport,
      `${database}/${tableReport.table}`,
      `its archived batches could not be listed: ${reason}`,
    );
  }
  if (page) {
    await forEachLimited(page.dataKeys, input.concurrency ?? CONCURRENCY, (dataKey) =>
      checkBatch(state.report, tableReport, database, dataKey),
    );
  }
  state.startAfter = page?.startAfter ?? null;
  if (state.startAfter === null) state.tableIndex += 1;
}

/**
 * Re-reads a fleet's archives (docs/verify.md): for every requested database and table, lists the archived
 * batches page by page and checks each against its metadata, manifest and deletion record. Problems are
 * collected, never thrown; the report says `ok` only when there are none. The activities read S3 only.
 */
export async function verifyArchive(input: VerifyInput, carried?: VerifyProgress): Promise<VerifyReport> {
  const state: VerifyProgress = carried ?? {
    report: emptyVerifyReport(input),
    databaseIndex: 0,
    tableIndex: 0,
    startAfter: null,
  };
  setHandler(verifyProgressQuery, () => state.report);
  const historyLimit = input.historyEventsLimit ?? HISTORY_EVENTS_LIMIT;
  while (state.databaseIndex < input.databases.length) {
    if (state.tableIndex >= input.databases[state.databaseIndex]!.tables.length) {
      state.databaseIndex += 1;
      state.tableIndex = 0;
      continue;
    }
    if (historyIsLarge(historyLimit)) {
      await continueAsNew<typeof verifyArchive>(input, state);
    }
    await verifyPage(input, state);
  }
  const report = finishVerifyReport(state.report, workflowInfo().workflowId);
  log.info('Archive verified', {
    status: report.status,
    batches: report.batches,
    rows: report.rows,
    problems: report.problems,
  });
  return report;
}
