import { log } from '@temporalio/activity';
import { abortStaleUploads, probeConditionalWrites } from '../storage';
import type { ActivityDeps } from './deps';

/**
 * Multipart uploads older than this belong to no running activity: an archiveBatch attempt lives at most
 * 30 minutes (its start-to-close timeout), and a resumable upload is picked up by the next attempt well within it.
 */
export const STALE_UPLOAD_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * At the start of every run, on the worker (whose S3 settings the batches use): checks once per worker that the
 * object store refuses overwrites, which every batch object relies on (ConditionalWritesIgnoredError fails the
 * run before anything is archived), then aborts multipart uploads under the prefix that crashes left behind.
 */
export function createCleanupStaleUploads(deps: ActivityDeps) {
  let writeOnceChecked: Promise<void> | undefined;
  return async function cleanupStaleUploads(): Promise<number> {
    writeOnceChecked ??= probeConditionalWrites(deps.s3, deps.storage.bucket, deps.storage.prefix);
    // A failed check (the store down for a moment, or refusing) is made again by the next run or retry.
    await writeOnceChecked.catch((error: unknown) => {
      writeOnceChecked = undefined;
      throw error;
    });
    const aborted = await abortStaleUploads(deps.s3, {
      bucket: deps.storage.bucket,
      prefix: deps.storage.prefix,
      olderThanMs: STALE_UPLOAD_AGE_MS,
      dryRun: false,
    });
    if (aborted.length > 0)
      log.info('Aborted stale multipart uploads', {
        count: aborted.length,
        keys: aborted.slice(0, 20).map((u) => u.key),
      });
    return aborted.length;
  };
}
