/** The write-once probe against the real MinIO, which refuses a second conditional write, as batches need. */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isPreconditionFailed, probeConditionalWrites } from '../../src/storage';
import { createBucket, s3Client } from '../helpers/services';

describe('write-once probe on MinIO', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('passes, leaving its probe object for the next check, which passes too', async () => {
    const bucket = await createBucket(s3, 'probe');
    await probeConditionalWrites(s3, bucket, 'fleet/a');
    const key = 'fleet/a/_state/write-once-probe.txt';
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBeGreaterThan(0);
    await probeConditionalWrites(s3, bucket, 'fleet/a');
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag).toBe(head.ETag);
  });

  it('sees MinIO refuse a conditional write over an object with 412', async () => {
    const bucket = await createBucket(s3, 'probe412');
    const put = () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', IfNoneMatch: '*' }));
    await put();
    const refused = await put().then(
      () => null,
      (error: unknown) => error,
    );
    expect(isPreconditionFailed(refused)).toBe(true);
  });
});
