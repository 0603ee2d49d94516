import { createHmac } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { BUCKET, S3_ENDPOINT } from './settings';

/**
 * The bench bucket on MinIO: create it, count and remove a run's objects, and count the S3 requests it received.
 *
 * Requests are counted by MinIO itself, per bucket and API, from its Prometheus endpoint
 * /minio/v2/metrics/bucket (counter minio_bucket_requests_total). That endpoint wants a bearer token; it is the
 * JWT `mc admin prometheus generate` prints (HS512, issuer "prometheus", subject the access key, signed with the
 * secret key), made here from the same credentials the worker uses. Counting at the server sees every request
 * the worker's SDK sends, retries included, and nothing from other buckets (the test suite's).
 */

export function s3Client(): S3Client {
  return new S3Client({
    endpoint: S3_ENDPOINT,
    region: process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
  });
}

export async function ensureBucket(s3: S3Client, bucket = BUCKET): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}

/** Object keys under a prefix. */
export async function listKeys(s3: S3Client, prefix: string, bucket = BUCKET): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** Removes everything under a prefix, so the next run starts from an empty archive (no watermark, no schema). */
export async function deletePrefix(s3: S3Client, prefix: string, bucket = BUCKET): Promise<void> {
  const keys = await listKeys(s3, prefix, bucket);
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk, Quiet: true } }));
  }
}

function prometheusToken(): string {
  const accessKey = process.env.AWS_ACCESS_KEY_ID;
  const secretKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKey || !secretKey)
    throw new Error(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: eval "$(bash scripts/services.sh env)"',
    );
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS512', typ: 'JWT' })}.${part({
    exp: Math.floor(Date.now() / 1000) + 3600,
    sub: accessKey,
    iss: 'prometheus',
  })}`;
  return `${body}.${createHmac('sha512', secretKey).update(body).digest('base64url')}`;
}

/** Requests the bench bucket has received so far, per S3 API (putobject, getobject, headobject, ...). */
export async function bucketRequests(): Promise<Record<string, number>> {
  const response = await fetch(`${S3_ENDPOINT}/minio/v2/metrics/bucket`, {
    headers: { authorization: `Bearer ${prometheusToken()}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new Error(`MinIO metrics: HTTP ${response.status} from ${S3_ENDPOINT}/minio/v2/metrics/bucket`);
  const counts: Record<string, number> = {};
  for (const line of (await response.text()).split('\n')) {
    const m = /^minio_bucket_requests_total\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.bucket === BUCKET && labels.api) counts[labels.api] = (counts[labels.api] ?? 0) + Number(m[2]);
  }
  return counts;
}

/** after - before, per API, leaving out APIs with no requests in between. */
export function requestsBetween(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [api, n] of Object.entries(after)) {
    const d = n - (before[api] ?? 0);
    if (d > 0) diff[api] = d;
  }
  return diff;
}
