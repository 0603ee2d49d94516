import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  NoSuchUpload,
  type S3Client,
} from '@aws-sdk/client-s3';

/** An unfinished multipart upload: S3 keeps its parts (and bills for them) until it is completed or aborted. */
export interface StaleUpload {
  key: string;
  uploadId: string;
  /** ISO 8601. */
  initiated: string;
  ageMs: number;
}

export interface AbortStaleUploadsOptions {
  bucket: string;
  /** The configured storage prefix, without a trailing `/`; `''` means the whole bucket. */
  prefix: string;
  /** Uploads initiated at least this long ago are stale. */
  olderThanMs: number;
  /** Report what would be aborted, abort nothing. */
  dryRun: boolean;
  /** Return true to spare an upload, e.g. one a running activity still owns. */
  keep?: (key: string, uploadId: string) => boolean;
  /** The clock, for tests; default Date.now(). */
  now?: number;
  /** Uploads per ListMultipartUploads page; default (and S3's maximum) 1000. */
  pageSize?: number;
}

/**
 * Aborts the multipart uploads under `prefix` that were initiated before now − olderThanMs and that `keep` does
 * not claim, and returns them (oldest first); with `dryRun` it returns them untouched. An upload that is gone by
 * the time it is aborted (completed or aborted by someone else meanwhile) is left out of the result.
 *
 * Aborting an upload a live activity is still writing makes that activity fail and retry from scratch, so the
 * threshold must be longer than any single upload takes, or `keep` must name the live ones.
 *
 * @throws the S3 client's errors for listing (no such bucket, access denied) and for aborts other than
 * NoSuchUpload.
 */
export async function abortStaleUploads(
  s3: S3Client,
  options: AbortStaleUploadsOptions,
): Promise<StaleUpload[]> {
  const now = options.now ?? Date.now();
  const stale = (await listUploads(s3, options))
    .map((u) => ({ ...u, ageMs: now - Date.parse(u.initiated) }))
    .filter((u) => u.ageMs >= options.olderThanMs && !(options.keep?.(u.key, u.uploadId) ?? false))
    .sort((a, b) => b.ageMs - a.ageMs);
  if (options.dryRun) return stale;
  const aborted: StaleUpload[] = [];
  for (const upload of stale) {
    try {
      await s3.send(
        new AbortMultipartUploadCommand({
          Bucket: options.bucket,
          Key: upload.key,
          UploadId: upload.uploadId,
        }),
      );
      aborted.push(upload);
    } catch (error) {
      if (!(error instanceof NoSuchUpload) && (error as Error).name !== 'NoSuchUpload') throw error;
    }
  }
  return aborted;
}

/**
 * Every in-progress upload under the prefix, following the key and upload-id markers across pages.
 *
 * The listing is not narrowed with S3's Prefix parameter: MinIO treats it as an exact object name and returns
 * nothing for a real prefix (it also ignores MaxUploads and the markers and answers in one page), so keys are
 * filtered here, which is correct on AWS S3 and MinIO alike. A store that keeps answering the same page is
 * stopped by the marker check instead of looping forever.
 */
async function listUploads(
  s3: S3Client,
  options: AbortStaleUploadsOptions,
): Promise<Omit<StaleUpload, 'ageMs'>[]> {
  const keyPrefix = options.prefix === '' ? '' : `${options.prefix.replace(/\/+$/, '')}/`;
  const found = new Map<string, Omit<StaleUpload, 'ageMs'>>();
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: options.bucket,
        MaxUploads: options.pageSize ?? 1000,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const upload of page.Uploads ?? []) {
      // Without its start time an upload's age is unknown, and it may be live: leave it alone.
      if (!upload.Key || !upload.UploadId || !upload.Initiated || !upload.Key.startsWith(keyPrefix)) continue;
      const initiated = upload.Initiated.toISOString();
      found.set(`${upload.Key}\u0000${upload.UploadId}`, {
        key: upload.Key,
        uploadId: upload.UploadId,
        initiated,
      });
    }
    const nextKey = page.NextKeyMarker || undefined;
    const nextUploadId = page.NextUploadIdMarker || undefined;
    if (!page.IsTruncated || (nextKey === keyMarker && nextUploadId === uploadIdMarker)) break;
    keyMarker = nextKey;
    uploadIdMarker = nextUploadId;
  }
  return [...found.values()];
}
