import { createHash } from 'node:crypto';
import { compressionOfKey, decompressSync, type BatchMeta } from '../storage';
import { ChecksumMismatchError } from '../errors';

/** A multipart object's S3 checksum is a checksum of its parts' checksums, written `…-N`. */
function isComposite(checksum: string): boolean {
  return /-\d+$/.test(checksum);
}

/**
 * Checks a downloaded data object against what was recorded when it was archived, and returns its uncompressed
 * bytes only when everything matches: S3's stored checksum must be the one recorded, the bytes must hash to it
 * (single-part objects), and the uncompressed bytes must hash to the metadata's SHA-256. Any difference is a
 * ChecksumMismatchError, raised before a single row is read.
 */
export function verifyArchivedObject(
  key: string,
  meta: Pick<BatchMeta, 'sha256' | 's3ChecksumSha256'>,
  compressed: Buffer,
  storedChecksum: string | undefined,
): Buffer {
  if (storedChecksum !== undefined && storedChecksum !== meta.s3ChecksumSha256) {
    throw new ChecksumMismatchError(key, meta.s3ChecksumSha256, storedChecksum);
  }
  if (!isComposite(meta.s3ChecksumSha256)) {
    const actual = createHash('sha256').update(compressed).digest('base64');
    if (actual !== meta.s3ChecksumSha256) throw new ChecksumMismatchError(key, meta.s3ChecksumSha256, actual);
  }
  let uncompressed: Buffer;
  try {
    uncompressed = decompressSync(key, compressed);
  } catch (error) {
    throw new ChecksumMismatchError(
      key,
      meta.sha256,
      `unreadable ${compressionOfKey(key)} (${(error as Error).message})`,
    );
  }
  const actual = createHash('sha256').update(uncompressed).digest('hex');
  if (actual !== meta.sha256) throw new ChecksumMismatchError(key, meta.sha256, actual);
  return uncompressed;
}
