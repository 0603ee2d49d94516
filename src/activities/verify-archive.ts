import type { ActivityDeps } from './deps';
import { createVerifyArchivedBatch } from './verify-archive-batch';
import { createListBatchesToVerify } from './verify-archive-list';

/** The activities of `archiver verify`: they read S3 only, never a source database. */
export function createVerifyArchiveActivities(deps: ActivityDeps) {
  return {
    listBatchesToVerify: createListBatchesToVerify(deps),
    verifyArchivedBatch: createVerifyArchivedBatch(deps),
  };
}
