import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createDecompressor, isDecompressionError } from '../storage';

export type ReadOutcome =
  | { status: 'missing' }
  /** The bytes do not decompress: damaged, which no retry mends. `lines` were read before the damage. */
  | { status: 'unreadable'; reason: string; lines: number }
  /** `sha256`: hex of the exact uncompressed bytes. */
  | { status: 'read'; sha256: string; lines: number };

/**
 * Streams a compressed JSON Lines object (gzip or zstd, by its key) from S3 and hands each line (without its
 * newline) to `onLine`; the object is never held whole. Unlike readObjectLines it tells damage apart from trouble reaching S3: a body that does not
 * decompress is an outcome to report, while a failed or cut-off download is thrown, so the activity is retried.
 * The SHA-256 is taken over the decompressed bytes as they are, so a missing final newline changes it too.
 *
 * @throws the S3 client's errors other than NoSuchKey, and stream errors of the download itself.
 */
export async function readArchiveLines(
  s3: S3Client,
  bucket: string,
  key: string,
  onLine: (line: string, index: number) => void,
): Promise<ReadOutcome> {
  let body: Readable;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    body = response.Body as Readable;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return { status: 'missing' };
    throw error;
  }
  const decompressor = createDecompressor(key);
  const hash = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  let lines = 0;
  let rest = '';
  try {
    await pipeline(body, decompressor, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        hash.update(chunk);
        const parts = (rest + decoder.write(chunk)).split('\n');
        rest = parts.pop()!;
        for (const line of parts) onLine(line, lines++);
      }
      rest += decoder.end();
      if (rest.length > 0) onLine(rest, lines++);
    });
  } catch (error) {
    if (isDecompressionError(error)) return { status: 'unreadable', reason: (error as Error).message, lines };
    throw error;
  }
  return { status: 'read', sha256: hash.digest('hex'), lines };
}
