import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Streams a gzip JSON Lines object from S3, handing each line to `onLine`, and returns the SHA-256 of the
 * uncompressed bytes and the line count. The object is never held whole in memory.
 */
export async function readObjectLines(
  s3: S3Client,
  bucket: string,
  key: string,
  onLine: (line: string, index: number) => void,
): Promise<{ sha256: string; lines: number }> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = response.Body as Readable;
  const hash = createHash('sha256');
  let index = 0;
  const lines = createInterface({ input: body.pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    hash.update(line + '\n', 'utf8');
    onLine(line, index++);
  }
  return { sha256: hash.digest('hex'), lines: index };
}
