import { SidecarCache } from '../storage';
import type { ActivityDeps } from './deps';
import { createArchiveBatch } from './archive-batch';
import { createCountCandidates } from './count-candidates';
import { createDeleteBatch } from './delete-batch';
import { createListArchivedBatches } from './restore-list';
import { createPrepareRestoreTarget } from './restore-target';
import { createRestoreBatch } from './restore-batch';
import { createVerifyBatch } from './verify-batch';
import { createWriteReport } from './write-report';
import { createHoldLease } from './hold-lease';
import { createCleanupStaleUploads } from './cleanup-stale-uploads';
import { createPrepareTable } from './prepare-table';
import { createSaveWatermark } from './save-watermark';
import { withPoolRecovery } from './pool-recovery';
import { createVerifyArchiveActivities } from './verify-archive';
import { createReplicaLag } from './replica-lag';

export type { ActivityDeps } from './deps';

/** Builds the worker's activities from injected dependencies; workflows see only this function's return type. */
export function createActivities(given: ActivityDeps) {
  const deps = { ...given, sidecars: given.sidecars ?? new SidecarCache() };
  return withPoolRecovery(deps.engines, deps.storage.bucket, {
    archiveBatch: createArchiveBatch(deps),
    deleteBatch: createDeleteBatch(deps),
    verifyBatch: createVerifyBatch(deps),
    prepareTable: createPrepareTable(deps),
    saveWatermark: createSaveWatermark(deps),
    countCandidates: createCountCandidates(deps),
    writeReport: createWriteReport(deps),
    holdLease: createHoldLease(deps),
    cleanupStaleUploads: createCleanupStaleUploads(deps),
    listArchivedBatches: createListArchivedBatches(deps),
    prepareRestoreTarget: createPrepareRestoreTarget(deps),
    restoreBatch: createRestoreBatch(deps),
    replicaLag: createReplicaLag(deps),
    ...createVerifyArchiveActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
