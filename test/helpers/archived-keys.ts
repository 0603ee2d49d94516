/** What a bucket's manifests say was archived: every archived key, once per copy. */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { BatchManifest } from '../../src/storage';

/** Every key of every manifest in the bucket, as `JSON.stringify(key)`, one entry per archived copy. */
export async function archivedKeys(s3: S3Client, bucket: string): Promise<string[]> {
  return (await manifests(s3, bucket)).flatMap((m) => m.keys.map((key) => JSON.stringify(key)));
}

/** Every line SHA-256 of every manifest in the bucket, one entry per archived line. */
export async function archivedLineHashes(s3: S3Client, bucket: string): Promise<string[]> {
  return (await manifests(s3, bucket)).flatMap((m) => m.lineSha256);
}

async function manifests(s3: S3Client, bucket: string): Promise<BatchManifest[]> {
  const found: BatchManifest[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (!object.Key?.endsWith('.manifest.json')) continue;
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      found.push(JSON.parse(await body.Body!.transformToString()) as BatchManifest);
    }
    token = page.NextContinuationToken;
  } while (token);
  return found;
}
