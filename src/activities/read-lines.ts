import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChecksumMismatchError } from '../errors';
import { createDecompressor, headObject, isDecompressionError, type BatchMeta } from '../storage';

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
 * Streams a compressed JSON Lines object (gzip or zstd, by its key) from S3, handing each line to `onLine`, and
 * returns the SHA-256 of the uncompressed bytes and the line count. The object is never held whole in memory. The
 * hash is taken over the decompressed bytes as they come, and lines are found by scanning the bytes for newlines;
 * only the lines `wanted` accepts (all by default) are decoded and passed on, so checking a sample of a batch costs
 * little more than decompressing it. An object that does not decompress is damaged, which no retry mends: that is a
 * ChecksumMismatchError too; a download that breaks off is not (its error is rethrown, and retried).
 */
export async function readObjectLines(
  s3: S3Client,
  bucket: string,
  key: string,
  expectedSha256: string,
  onLine: (line: string, index: number) => void,
  wanted: (index: number) => boolean = () => true,
): Promise<{ sha256: string; lines: number }> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = response.Body as Readable;
  const hash = createHash('sha256');
  let index = 0;
  // The start of a line that continues in the next chunk, kept only when that line is wanted.
  let partial: Buffer[] = [];
  let inLine = false;
  const emit = (tail: Buffer) => {
    if (wanted(index)) {
      const bytes = partial.length > 0 ? Buffer.concat([...partial, tail]) : tail;
      onLine(bytes.toString('utf8'), index);
    }
    partial = [];
    inLine = false;
    index += 1;
  };
  try {
    await pipeline(body, createDecompressor(key), async (decompressed: AsyncIterable<Buffer>) => {
      for await (const chunk of decompressed) {
        hash.update(chunk);
        let start = 0;
        for (;;) {
          const end = chunk.indexOf(10, start);
          if (end < 0) break;
          emit(chunk.subarray(start, end));
          start = end + 1;
        }
        if (start < chunk.length) {
          if (wanted(index)) partial.push(chunk.subarray(start));
          inLine = true;
        }
      }
    });
  } catch (error) {
    // Only the decompressor's own errors say the bytes are damaged. A download cut short (a reset or cut network,
    // a timeout) surfaces as the response's error, which the decompressor is destroyed with: that one is retried.
    if (!isDecompressionError(error)) throw error;
    throw new ChecksumMismatchError(key, expectedSha256, `unreadable (${(error as Error).message})`);
  }
  // A last line without its newline still counts, as it would for any line reader.
  if (inLine) emit(Buffer.alloc(0));
  return { sha256: hash.digest('hex'), lines: index };
}
