import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { isPreconditionFailed, ObjectExistsError, putObject } from './objects';

export interface UploadTarget {
  s3: S3Client;
  bucket: string;
  key: string;
  contentType: string;
  /** Bodies smaller than this go up in one PutObject; larger ones in parts of partSizeBytes. */
  multipartThresholdBytes: number;
  partSizeBytes: number;
  signal?: AbortSignal;
  /** An interrupted attempt's checkpoint: parts whose bytes come out identical are not sent again. */
  resume?: UploadCheckpoint;
  /** Called after every part, with what a retry needs to resume. */
  onCheckpoint?: (checkpoint: UploadCheckpoint) => void;
  /**
   * Write once: the object is created only if no object stands at the key (`If-None-Match: *` on the PutObject
   * or the CompleteMultipartUpload); otherwise `finish` throws ObjectExistsError and the standing object is
   * left as it was.
   */
  writeOnce?: boolean;
}

/** A multipart upload's progress, small enough for heartbeat details: enough to resume it on a retry. */
export interface UploadCheckpoint {
  uploadId: string;
  parts: { partNumber: number; etag: string; sha256: string }[];
}

/** Raised when a resumed upload's bytes differ from the parts already uploaded (the rows changed meanwhile). */
export class UploadResumeMismatchError extends Error {
  constructor(readonly partNumber: number) {
    super(`part ${partNumber} differs from the interrupted upload's; starting the object afresh`);
    this.name = 'UploadResumeMismatchError';
  }
}

export interface UploadResult {
  size: number;
  /** The SHA-256 checksum S3 should report for the object: base64, with `-N` for an N-part upload. */
  checksumSha256: string;
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * Streams an object to S3 without holding it whole: bytes are buffered up to the multipart threshold, then sent
 * in parts. Every request carries S3's SHA-256 checksum of its body, so S3 rejects anything damaged in transit.
 * Call `abort()` on failure so no unfinished multipart upload is left behind.
 */
export class ObjectUpload {
  readonly #target: UploadTarget;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #size = 0;
  #uploadId: string | undefined;
  readonly #parts: CompletedPart[] = [];
  readonly #partDigests: Buffer[] = [];

  constructor(target: UploadTarget) {
    this.#target = target;
  }

  async write(chunk: Buffer): Promise<void> {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#size += chunk.length;
    const threshold = this.#uploadId ? this.#target.partSizeBytes : this.#target.multipartThresholdBytes;
    while (this.#pendingBytes >= threshold && this.#pendingBytes >= this.#target.partSizeBytes) {
      await this.#sendPart(this.#take(this.#target.partSizeBytes));
    }
  }

  async finish(): Promise<UploadResult> {
    const rest = this.#take(this.#pendingBytes);
    const { s3, bucket, key, contentType, signal, writeOnce } = this.#target;
    if (!this.#uploadId) {
      const checksum = await putObject(s3, bucket, key, rest, contentType, { writeOnce, signal });
      return { size: this.#size, checksumSha256: checksum };
    }
    if (rest.length > 0) await this.#sendPart(rest);
    try {
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: this.#uploadId,
          MultipartUpload: { Parts: this.#parts },
          ...(writeOnce ? { IfNoneMatch: '*' } : {}),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (!(writeOnce && isPreconditionFailed(error))) throw error;
      // The parts of a refused completion are left pending in S3: nothing may come of them.
      await this.abort();
      throw new ObjectExistsError(key);
    }
    this.#uploadId = undefined;
    // S3's checksum of a multipart object is the SHA-256 of the parts' binary digests, suffixed with the count.
    const composite = sha256(Buffer.concat(this.#partDigests)).toString('base64');
    return { size: this.#size, checksumSha256: `${composite}-${this.#parts.length}` };
  }

  async abort(): Promise<void> {
    const uploadId = this.#uploadId ?? this.#target.resume?.uploadId;
    if (!uploadId) return;
    this.#uploadId = undefined;
    await this.#target.s3
      .send(
        new AbortMultipartUploadCommand({
          Bucket: this.#target.bucket,
          Key: this.#target.key,
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
  }

  #take(bytes: number): Buffer {
    const all = Buffer.concat(this.#pending);
    this.#pending = all.length > bytes ? [all.subarray(bytes)] : [];
    this.#pendingBytes = all.length - Math.min(bytes, all.length);
    return all.subarray(0, bytes);
  }

  async #sendPart(body: Buffer): Promise<void> {
    const { s3, bucket, key, contentType, signal, resume } = this.#target;
    const digest = sha256(body);
    const partNumber = this.#parts.length + 1;
    const previous = resume?.parts.find((p) => p.partNumber === partNumber);
    if (resume && previous) {
      // The same rows produce the same gzip bytes; a part is reused only when its SHA-256 proves it.
      if (previous.sha256 !== digest.toString('base64')) throw new UploadResumeMismatchError(partNumber);
      this.#uploadId = resume.uploadId;
      this.#recordPart(partNumber, previous.etag, digest);
      return;
    }
    if (!this.#uploadId) {
      const created = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ContentType: contentType,
          ChecksumAlgorithm: 'SHA256',
        }),
        { abortSignal: signal },
      );
      this.#uploadId = created.UploadId;
    }
    const uploaded = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.#uploadId,
        PartNumber: partNumber,
        Body: body,
        ChecksumSHA256: digest.toString('base64'),
      }),
      { abortSignal: signal },
    );
    this.#recordPart(partNumber, uploaded.ETag ?? '', digest);
  }

  #recordPart(partNumber: number, etag: string, digest: Buffer): void {
    this.#parts.push({ PartNumber: partNumber, ETag: etag, ChecksumSHA256: digest.toString('base64') });
    this.#partDigests.push(digest);
    this.#target.onCheckpoint?.({
      uploadId: this.#uploadId!,
      parts: this.#parts.map((p) => ({
        partNumber: p.PartNumber!,
        etag: p.ETag!,
        sha256: p.ChecksumSHA256!,
      })),
    });
  }
}
