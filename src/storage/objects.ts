import {
  GetObjectCommand,
  NoSuchKey,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Uploads one object with S3's own SHA-256 checksum header, so the server rejects a body damaged in transit.
 */
export async function putObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string,
): Promise<void> {
  const checksum = createHash('sha256').update(body).digest('base64');
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ChecksumSHA256: checksum,
    }),
  );
}

export async function getObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await response.Body?.transformToByteArray();
  return Buffer.from(bytes ?? []);
}

export async function getJson<T>(s3: S3Client, bucket: string, key: string): Promise<T> {
  return JSON.parse((await getObjectBytes(s3, bucket, key)).toString('utf8')) as T;
}

/** Like getJson, but null when the object does not exist. */
export async function getJsonIfExists<T>(s3: S3Client, bucket: string, key: string): Promise<T | null> {
  try {
    return await getJson<T>(s3, bucket, key);
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NotFound') return null;
    throw error;
  }
}

/**
 * Writes a JSON document, indented for people to read; `compact` writes it on one line, for the per-row lists of
 * manifests and deletion records, which indentation makes several times larger to write, read and parse.
 */
export async function putJson(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
  options: { compact?: boolean } = {},
): Promise<void> {
  const text = options.compact ? JSON.stringify(value) : JSON.stringify(value, null, 2);
  await putObject(s3, bucket, key, Buffer.from(text + '\n'), 'application/json');
}

/** Size and stored SHA-256 (base64) of an object, as S3 reports them. */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ size: number; checksumSha256?: string }> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
  return { size: head.ContentLength ?? 0, checksumSha256: head.ChecksumSHA256 };
}
