import { NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { compressSync } from '../../../src/storage';
import { readArchiveLines } from '../../../src/activities/verify-archive-read';

const text = Buffer.from('{"id":"1"}\n{"id":"2","v":"é"}\n');

function s3With(body: () => Readable | Error): S3Client {
  return {
    async send() {
      const b = body();
      if (b instanceof Error) throw b;
      return { Body: b };
    },
  } as unknown as S3Client;
}

async function read(s3: S3Client, key = 'p/db/public.t/runs/r/batch-000000.jsonl.gz') {
  const lines: string[] = [];
  const outcome = await readArchiveLines(s3, 'b', key, (line) => lines.push(line));
  return { outcome, lines };
}

describe('streaming an archived object for verification', () => {
  it('hands over every line and the SHA-256 of the exact uncompressed bytes', async () => {
    const gz = gzipSync(text);
    // Split into tiny chunks so lines and multi-byte characters straddle chunk boundaries.
    const chunks = Array.from({ length: gz.length }, (_, i) => gz.subarray(i, i + 1));
    const { outcome, lines } = await read(s3With(() => Readable.from(chunks)));
    expect(outcome).toEqual({
      status: 'read',
      sha256: createHash('sha256').update(text).digest('hex'),
      lines: 2,
    });
    expect(lines).toEqual(['{"id":"1"}', '{"id":"2","v":"é"}']);
  });

  it('reports a body that does not decompress as unreadable, not as an error to retry', async () => {
    const damaged = gzipSync(text);
    damaged[damaged.length - 6]! ^= 0xff; // inside the CRC32 trailer
    const { outcome } = await read(s3With(() => Readable.from([damaged])));
    expect(outcome).toMatchObject({ status: 'unreadable' });
  });

  it('reads a zstd object by its .jsonl.zst key, and reports a damaged one as unreadable', async () => {
    const key = 'p/db/public.t/runs/r/batch-000001.jsonl.zst';
    const zstd = compressSync('zstd', 1, text);
    const chunks = Array.from({ length: zstd.length }, (_, i) => zstd.subarray(i, i + 1));
    const { outcome, lines } = await read(
      s3With(() => Readable.from(chunks)),
      key,
    );
    expect(outcome).toEqual({
      status: 'read',
      sha256: createHash('sha256').update(text).digest('hex'),
      lines: 2,
    });
    expect(lines).toEqual(['{"id":"1"}', '{"id":"2","v":"é"}']);
    const damaged = Buffer.from(zstd);
    damaged[damaged.length - 2]! ^= 0xff; // inside the frame checksum
    const truncated = zstd.subarray(0, zstd.length - 3);
    for (const body of [damaged, truncated]) {
      const { outcome: broken } = await read(
        s3With(() => Readable.from([body])),
        key,
      );
      expect(broken).toMatchObject({ status: 'unreadable' });
    }
  });

  it('reports a missing object, and throws when the download itself fails', async () => {
    const missing = new NoSuchKey({ message: 'no such key', $metadata: {} });
    expect((await read(s3With(() => missing))).outcome).toEqual({ status: 'missing' });
    const cut = () =>
      new Readable({
        read() {
          this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        },
      });
    await expect(read(s3With(cut))).rejects.toThrow('socket hang up');
  });
});
