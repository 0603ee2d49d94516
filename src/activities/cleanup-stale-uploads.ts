import { log } from '@temporalio/activity';
import { abortStaleUploads } from '../storage';
import type { ActivityDeps } from './deps';

/**
 * Multipart uploads older than this belong to no running activity: an archiveBatch attempt lives at most
 * 30 minutes (its start-to-close timeout), and a resumable upload is picked up by the next attempt well within it.
 */
export const STALE_UPLOAD_AGE_MS = 24 * 60 * 60 * 1000;

/** At the start of every run: aborts multipart uploads under the prefix that were left behind by crashes. */
export function createCleanupStaleUploads(deps: ActivityDeps) {
  return async function cleanupStaleUploads(): Promise<number> {
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
