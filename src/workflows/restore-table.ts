import { continueAsNew, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared';
import type { BatchDescriptor, RestoreInput, RestoreReport, SkippedObject } from '../shared/restore';
import { listingActivities } from './activity-options';
import { failureMessage } from './failure-message';
import { HISTORY_EVENTS_LIMIT, historyIsLarge } from './history-limit';
import { commonKeyPrefix, planSteps, type RestoreStep } from './restore-plan';
import {
  emptyReport,
  failedObjects,
  finishReport,
  recordFailure,
  recordListing,
  recordSuccess,
} from './restore-report';

const nonRetryableErrorTypes = [
  ...NON_RETRYABLE_ERROR_TYPES,
  'ArchivedTableNotFoundError',
  'RestoreMappingError',
];

const listing = listingActivities(nonRetryableErrorTypes);

/** A batch that keeps failing for a reason other than its checksum is given up after a few attempts. */
const restoring = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '5 minutes',
  retry: { initialInterval: '1s', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes },
});

/** Where a restore stands; carried across continue-as-new. Holds object keys and counts, never rows. */
export interface RestoreProgress {
  report: RestoreReport;
  /** What every step's key starts with, kept once so the carried plan stays small. */
  keyPrefix: string;
  /** Steps still to run, their keys without `keyPrefix`. */
  steps: RestoreStep[];
}

/** Every page of the table's batch listing; only descriptors (keys and counts) enter history. */
async function listBatches(input: RestoreInput, report: RestoreReport): Promise<BatchDescriptor[]> {
  const batches: BatchDescriptor[] = [];
  const skipped: SkippedObject[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await listing.listArchivedBatches({
      database: input.database,
      table: input.table,
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
      ...(continuationToken ? { continuationToken } : {}),
    });
    report.table = page.table;
    batches.push(...page.batches);
    skipped.push(...page.skipped);
    continuationToken = page.continuationToken ?? undefined;
  } while (continuationToken);
  recordListing(report, batches.length, skipped);
  return batches;
}

/** Lists, plans and prepares the target; a report instead of a plan when there is nothing to restore. */
async function plan(input: RestoreInput): Promise<RestoreProgress | RestoreReport> {
  const report = emptyReport(input);
  const batches = await listBatches(input, report);
  if (batches.length === 0) {
    if (report.objectsSkipped === 0) {
      report.error = `No archived batches of ${report.table} in database ${input.database}.`;
    }
    return finishReport(report);
  }
  const steps = planSteps(batches);
  const target = await listing.prepareRestoreTarget({
    database: input.database,
    target: input.into ?? report.table,
    schemaFrom: steps[0]!.dataKey,
  });
  report.target = target.target;
  report.targetCreated = target.created;
  log.info('Restore planned', {
    database: input.database,
    table: report.table,
    target: report.target,
    batches: batches.length,
  });
  const keyPrefix = commonKeyPrefix(steps.map((s) => s.dataKey));
  return {
    report,
    keyPrefix,
    steps: steps.map((s) => ({ ...s, dataKey: s.dataKey.slice(keyPrefix.length) })),
  };
}

async function planOrReport(input: RestoreInput): Promise<RestoreProgress | RestoreReport> {
  try {
    return await plan(input);
  } catch (error) {
    const report = emptyReport(input);
    report.error = failureMessage(error);
    log.error('Restore could not start', {
      database: input.database,
      table: input.table,
      error: report.error,
    });
    return finishReport(report);
  }
}

/**
 * Restores a table's archived rows (docs/restore.md): lists its batches, plans the order that gives every key
 * its right version, and restores batch by batch, each verified against its checksums before a row is inserted.
 * A batch that fails is reported and the others continue.
 */
export async function restoreTable(input: RestoreInput, carried?: RestoreProgress): Promise<RestoreReport> {
  const progress = carried ?? (await planOrReport(input));
  if (!('steps' in progress)) return progress;
  const { report, keyPrefix, steps } = progress;
  const failed = failedObjects(report);
  const historyLimit = input.historyEventsLimit ?? HISTORY_EVENTS_LIMIT;
  while (steps.length > 0) {
    const step = steps.shift()!;
    const dataKey = keyPrefix + step.dataKey;
    if (failed.has(dataKey)) continue;
    try {
      const result = await restoring.restoreBatch({
        database: input.database,
        target: report.target,
        dataKey,
        part: step.part,
        ...(input.from ? { from: input.from } : {}),
        ...(input.to ? { to: input.to } : {}),
      });
      recordSuccess(report, result);
    } catch (error) {
      const message = failureMessage(error);
      failed.add(dataKey);
      recordFailure(report, dataKey, message);
      log.error('Archived object not restored', {
        database: input.database,
        table: report.table,
        dataKey,
        error: message,
      });
    }
    if (steps.length > 0 && historyIsLarge(historyLimit)) {
      await continueAsNew<typeof restoreTable>(input, { report, keyPrefix, steps });
    }
  }
  return finishReport(report);
}
