import { log } from '@temporalio/activity';
import type { BatchRef, DeleteBatchResult } from '../shared';
import { putJson, sidecarKeys, type DeletionRecord } from '../storage';
import type { GuardedDeleteResult } from '../engines';
import { readBatchSidecars } from './batch-sidecars';
import type { ActivityDeps } from './deps';
import { assertStoredAsUploaded } from './read-lines';
import { checkLease } from './lease-check';
import { resolveTable } from './resolve-table';

/** Keys the earlier attempt deleted stay "deleted" even though this attempt finds them gone. */
function deletionRecord(
  table: string,
  batch: number,
  outcome: GuardedDeleteResult,
  previous: DeletionRecord | null,
): DeletionRecord {
  const before = new Set((previous?.deleted ?? []).map((k) => JSON.stringify(k)));
  const deletedEarlier = outcome.alreadyGone.filter((k) => before.has(JSON.stringify(k)));
  return {
    version: 1,
    table,
    batch,
    deleted: [...deletedEarlier, ...outcome.deleted],
    skippedChanged: outcome.skippedChanged,
    alreadyGone: outcome.alreadyGone.filter((k) => !before.has(JSON.stringify(k))),
    deletedAt: new Date().toISOString(),
  };
}

/**
 * The guarded delete. The key list and fingerprints come from the manifest in S3, never through the workflow.
 * Before touching the source it re-checks that the data object is still in S3 as it was verified; then, in one
 * transaction, it locks the rows and deletes only those unchanged since extraction. Rows already gone are
 * counted, not an error, so a retry is harmless. The deletion record tells a restore which version to take.
 */
export function createDeleteBatch(deps: ActivityDeps) {
  return async function deleteBatch(input: BatchRef): Promise<DeleteBatchResult> {
    const { bucket } = deps.storage;
    const sidecars = sidecarKeys(input.dataKey);
    const engine = deps.engines.get(input.database);
    // Independent reads, fetched together: the sidecars and the table's description.
    const [{ meta, manifest, record: previous }, { table }] = await Promise.all([
      readBatchSidecars(deps, input.dataKey, true),
      resolveTable(engine, input.table, input.cutoffMs),
    ]);
    // Nothing is touched in the source before S3 is seen to hold the object exactly as it was verified.
    await assertStoredAsUploaded(deps.s3, bucket, meta);
    const entries = manifest.keys.map((key, i) => ({ key, rowHash: manifest.rowHash[i] ?? '' }));
    // The record is written while the row locks are held, before COMMIT: a crash after the commit cannot leave
    // deleted rows without a record. A retry merges with the earlier record, whose deleted rows it sees as gone.
    await checkLease(deps.locks, input.lease);
    const result = await engine.guardedDelete(table, entries, async (outcome) => {
      // Fencing: a run that lost its lease while it was locking rows rolls back instead of committing.
      await checkLease(deps.locks, input.lease);
      await putJson(
        deps.s3,
        bucket,
        sidecars.deleted,
        deletionRecord(table.qualifiedName, meta.batch, outcome, previous),
        { compact: true, cache: deps.sidecars },
      );
    });
    if (result.skippedChanged.length > 0) {
      log.info('Rows changed since extraction were kept', {
        database: input.database,
        table: table.qualifiedName,
        batch: meta.batch,
        skippedChanged: result.skippedChanged.length,
      });
    }
    return {
      deleted: result.deleted.length,
      skippedChanged: result.skippedChanged.length,
      alreadyGone: result.alreadyGone.length,
    };
  };
}
