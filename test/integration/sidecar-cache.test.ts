/**
 * The sidecars a worker wrote are reused parsed only while S3 still holds exactly those bytes: an object
 * rewritten by someone else is read afresh, and one removed is reported missing, as without the cache.
 */
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getJson, getJsonIfExists, putJson, putObject, SidecarCache } from '../../src/storage';
import { createBucket, s3Client } from '../helpers/services';

describe('sidecar cache', () => {
  let s3: S3Client;
  let bucket: string;
  beforeAll(async () => {
    s3 = s3Client();
    bucket = await createBucket(s3, 'sidecars');
  });
  afterAll(() => s3.destroy());

  it('returns the document it wrote while S3 holds the same bytes', async () => {
    const cache = new SidecarCache();
    const manifest = { keys: [['1'], ['2']], rowHash: ['a', 'b'] };
    await putJson(s3, bucket, 'same/manifest.json', manifest, { compact: true, cache });
    await expect(getJson(s3, bucket, 'same/manifest.json', { cache })).resolves.toBe(manifest);
  });

  it('reads a document rewritten by another writer from S3, not from the cache', async () => {
    const cache = new SidecarCache();
    await putJson(s3, bucket, 'rewritten/manifest.json', { rowHash: ['archived'] }, { cache });
    await putObject(
      s3,
      bucket,
      'rewritten/manifest.json',
      Buffer.from('{"rowHash":["other"]}\n'),
      'application/json',
    );
    await expect(getJson(s3, bucket, 'rewritten/manifest.json', { cache })).resolves.toEqual({
      rowHash: ['other'],
    });
  });

  it('reports a document removed since it was written as missing', async () => {
    const cache = new SidecarCache();
    await putJson(s3, bucket, 'removed/deleted.json', { deleted: [['1']] }, { cache });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'removed/deleted.json' }));
    await expect(getJsonIfExists(s3, bucket, 'removed/deleted.json', { cache })).resolves.toBeNull();
    await expect(getJson(s3, bucket, 'removed/deleted.json', { cache })).rejects.toThrow();
  });

  it('keeps within its byte budget, dropping the oldest documents first', async () => {
    const cache = new SidecarCache(100);
    cache.remember('a', { n: 1 }, 'x', 60);
    cache.remember('b', { n: 2 }, 'y', 60);
    expect(cache.lookup('a')).toBeUndefined();
    expect(cache.lookup('b')).toMatchObject({ value: { n: 2 }, checksumSha256: 'y' });
    cache.remember('c', { n: 3 }, 'z', 101);
    expect(cache.lookup('c')).toBeUndefined();
  });
});
