import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ChecksumMismatchError } from '../errors';
import { headObject, type BatchMeta } from '../storage';

/**
 * Checks that S3 still holds the data object exactly as it was uploaded: same size, same S3 SHA-256 checksum.
 * @throws ChecksumMismatchError (not retried) when it differs.
 */
export async function assertStoredAsUploaded(s3: S3Client, bucket: string, meta: BatchMeta): Promise<void> {
  const stored = await headObject(s3, bucket, meta.dataKey);
  if (stored.checksumSha256 !== meta.s3ChecksumSha256 || stored.size !== meta.compressedBytes) {
    throw new ChecksumMismatchError(
      meta.dataKey,
      meta.s3ChecksumSha256,
      stored.checksumSha256 ?? `none (size ${stored.size})`,
    );
  }
}

/**
 * Streams a gzip JSON Lines object from S3, handing each line to `onLine`, and returns the SHA-256 of the
 * uncompressed bytes and the line count. The object is never held whole in memory. An object that does not
 * decompress is damaged, which no retry mends: that is a ChecksumMismatchError too.
 */
export async function readObjectLines(
  s3: S3Client,
  bucket: string,
  key: string,
  expectedSha256: string,
  onLine: (line: string, index: number) => void,
): Promise<{ sha256: string; lines: number }> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = response.Body as Readable;
  const hash = createHash('sha256');
  let index = 0;
  const gunzip = createGunzip();
  const lines = createInterface({ input: body.pipe(gunzip), crlfDelay: Infinity });
  // readline does not forward stream errors; a corrupt gzip stream must end the loop with its error.
  const failed = new Promise<never>((_, reject) => gunzip.once('error', reject));
  try {
    await Promise.race([
      failed,
      (async () => {
        for await (const line of lines) {
          hash.update(line + '\n', 'utf8');
          onLine(line, index++);
        }
      })(),
    ]);
  } catch (error) {
    throw new ChecksumMismatchError(key, expectedSha256, `unreadable (${(error as Error).message})`);
  } finally {
    lines.close();
  }
  return { sha256: hash.digest('hex'), lines: index };
}
