import type { S3Client } from '@aws-sdk/client-s3';
import { ConditionalWritesIgnoredError } from '../errors';
import { ObjectExistsError, putObject } from './objects';

/** The probe object's key under the prefix: a few bytes, left in place for the next check. */
export const WRITE_ONCE_PROBE = '_state/write-once-probe.txt';

/**
 * Checks that the object store refuses to overwrite (S3 conditional writes), which every batch object relies
 * on: writes the probe object with `If-None-Match: *` twice. The second write (and the first, when an earlier
 * check left the object) must be refused with 412; a store that replaces the object instead, or rejects the
 * header, would let a stale attempt replace a batch object, and is refused with ConditionalWritesIgnoredError.
 * Needs no permission beyond the PutObject the archive needs anyway.
 */
export async function probeConditionalWrites(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  const key = prefix === '' ? WRITE_ONCE_PROBE : `${prefix}/${WRITE_ONCE_PROBE}`;
  const body = Buffer.from('db-archiver checks with this object that the store refuses overwrites\n');
  for (let write = 1; write <= 2; write++) {
    try {
      await putObject(s3, bucket, key, body, 'text/plain', { writeOnce: true });
    } catch (error) {
      if (error instanceof ObjectExistsError) return;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 501 Not Implemented, or 400 for a header the store does not know: no conditional writes at all.
      if (status === 501 || status === 400) {
        throw new ConditionalWritesIgnoredError(
          bucket,
          `a PutObject with If-None-Match failed: ${String(error)}`,
        );
      }
      throw error;
    }
  }
  throw new ConditionalWritesIgnoredError(bucket, `a second PutObject with If-None-Match replaced ${key}`);
}
