import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { compressSync } from '../../../src/storage';
import { verifyArchivedObject } from '../../../src/activities/restore-verify';
import { ChecksumMismatchError } from '../../../src/errors';

const KEY = 'p/db/public.t/runs/r/batch-000000.jsonl.gz';
const text = Buffer.from('{"id":"1","v":"a"}\n{"id":"2","v":null}\n');
const body = gzipSync(text);
const meta = {
  sha256: createHash('sha256').update(text).digest('hex'),
  s3ChecksumSha256: createHash('sha256').update(body).digest('base64'),
};

describe('verifying a downloaded archive object before restoring it', () => {
  it('returns the uncompressed bytes when every checksum matches', () => {
    expect(verifyArchivedObject(KEY, meta, body, meta.s3ChecksumSha256)).toEqual(text);
    expect(verifyArchivedObject(KEY, meta, body, undefined)).toEqual(text);
  });

  it('refuses an object whose S3 checksum is not the one recorded (it was replaced)', () => {
    expect(() => verifyArchivedObject(KEY, meta, body, 'AAAA')).toThrow(ChecksumMismatchError);
  });

  it('refuses bytes that do not hash to the recorded checksum', () => {
    const damaged = Buffer.from(body);
    damaged[damaged.length >> 1]! ^= 0x01;
    expect(() => verifyArchivedObject(KEY, meta, damaged, undefined)).toThrow(/SHA-256/);
  });

  it('refuses content whose uncompressed SHA-256 differs, even when the object is intact as stored', () => {
    const other = gzipSync(Buffer.from('{"id":"1","v":"b"}\n'));
    const s3ChecksumSha256 = createHash('sha256').update(other).digest('base64');
    expect(() => verifyArchivedObject(KEY, { ...meta, s3ChecksumSha256 }, other, s3ChecksumSha256)).toThrow(
      expect.objectContaining({ name: 'ChecksumMismatchError', expected: meta.sha256 }),
    );
  });

  it('reports a body that is not gzip as a checksum mismatch', () => {
    const notGzip = Buffer.from('plain');
    const s3ChecksumSha256 = createHash('sha256').update(notGzip).digest('base64');
    expect(() => verifyArchivedObject(KEY, { ...meta, s3ChecksumSha256 }, notGzip, undefined)).toThrow(
      /unreadable gzip/,
    );
  });

  it('checks a multipart object by its content when its S3 checksum is a checksum of parts', () => {
    const multipart = { ...meta, s3ChecksumSha256: 'c29tZXRoaW5n-3' };
    expect(verifyArchivedObject(KEY, multipart, body, 'c29tZXRoaW5n-3')).toEqual(text);
  });

  it('decompresses a zstd object, chosen by its key, and reports damage in it as a checksum mismatch', () => {
    const zstdKey = KEY.replace(/\.gz$/, '.zst');
    const zstd = compressSync('zstd', 1, text);
    const s3ChecksumSha256 = createHash('sha256').update(zstd).digest('base64');
    expect(verifyArchivedObject(zstdKey, { ...meta, s3ChecksumSha256 }, zstd, s3ChecksumSha256)).toEqual(
      text,
    );
    // gzip bytes under a zstd key are not read as gzip: the key decides.
    const asGzip = { ...meta, s3ChecksumSha256: meta.s3ChecksumSha256 };
    expect(() => verifyArchivedObject(zstdKey, asGzip, body, undefined)).toThrow(/unreadable zstd/);
  });
});
