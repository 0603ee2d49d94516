import {
  GetObjectCommand,
  NoSuchKey,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { SidecarCache } from './sidecar-cache';

/**
 * Raised by a write-once upload or put when an object already stands at the key (S3 answered 412 Precondition
 * Failed): another attempt wrote it, and it was left as it was.
 */
export class ObjectExistsError extends Error {
  constructor(readonly key: string) {
    super(`an object already stands at ${key}; it was left as it was`);
    this.name = 'ObjectExistsError';
  }
}

/** Whether S3 refused a conditional write because an object stands at the key. */
export function isPreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Uploads one object with S3's own SHA-256 checksum header, so the server rejects a body damaged in transit.
 * `writeOnce` creates it only where no object stands (`If-None-Match: *`), else throws ObjectExistsError.
 */
export async function putObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string,
  options: { writeOnce?: boolean | undefined; signal?: AbortSignal | undefined } = {},
): Promise<string> {
  const checksum = createHash('sha256').update(body).digest('base64');
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ChecksumSHA256: checksum,
        ...(options.writeOnce ? { IfNoneMatch: '*' } : {}),
      }),
      { abortSignal: options.signal },
    );
  } catch (error) {
    if (options.writeOnce && isPreconditionFailed(error)) throw new ObjectExistsError(key);
    throw error;
  }
  return checksum;
}

export async function getObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await response.Body?.transformToByteArray();
  return Buffer.from(bytes ?? []);
}

/**
 * Reads and parses a JSON document. With a cache, a document this worker wrote is taken from it once a HEAD shows
 * S3 holding the same bytes (same SHA-256 checksum); otherwise it is downloaded.
 */
export async function getJson<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  options: { cache?: SidecarCache | undefined } = {},
): Promise<T> {
  const kept = options.cache?.lookup(key);
  if (kept) {
    const stored = await headObject(s3, bucket, key);
    if (stored.checksumSha256 === kept.checksumSha256) return kept.value as T;
    options.cache?.forget(key);
  }
  return JSON.parse((await getObjectBytes(s3, bucket, key)).toString('utf8')) as T;
}

/** Like getJson, but null when the object does not exist. */
export async function getJsonIfExists<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  options: { cache?: SidecarCache | undefined } = {},
): Promise<T | null> {
  try {
    return await getJson<T>(s3, bucket, key, options);
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NotFound') {
      options.cache?.forget(key);
      return null;
    }
    throw error;
  }
}

/**
 * Writes a JSON document, indented for people to read; `compact` writes it on one line, for the per-row lists of
 * manifests and deletion records, which indentation makes several times larger to write, read and parse. With a
 * cache, the document is kept for `getJson`: callers must not change `value` afterwards. With `writeOnce` the
 * document is created only where none stands: then the result is false when one did (left as it was).
 */
export async function putJson(
  s3: S3Client,
  bucket: string,
  key: string,
  value: unknown,
  options: { compact?: boolean; cache?: SidecarCache | undefined; writeOnce?: boolean } = {},
): Promise<boolean> {
  const text = options.compact ? JSON.stringify(value) : JSON.stringify(value, null, 2);
  const body = Buffer.from(text + '\n');
  // Forgotten first: should the upload fail, an older cached version must not outlive the attempt.
  options.cache?.forget(key);
  let checksum: string;
  try {
    checksum = await putObject(s3, bucket, key, body, 'application/json', options);
  } catch (error) {
    if (error instanceof ObjectExistsError) return false;
    throw error;
  }
  options.cache?.remember(key, value, checksum, body.length);
  return true;
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

/** Whether an object exists (a HEAD; "not found" is false, any other error is thrown). */
export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}
