import { hash } from 'node:crypto';
import type { TableInfo } from '../engines';
import { decodeRow } from '../codec';
import { BatchAlreadyDeletedError } from '../errors';
import { getJsonIfExists, headObject, objectExists, type BatchMeta } from '../storage';
import type { ActivityDeps } from './deps';
import { BatchDigest } from './batch-writer';
import { readObjectLines } from './read-lines';

/**
 * The row hash recorded for a line of an object another attempt wrote when this attempt did not read that line
 * as it stands (the row changed between the attempts): the database computes no such hash, so the guarded delete
 * leaves the row in the source, where the next run archives it again.
 */
export const UNMATCHED_ROW_HASH = 'unrecorded';

/** What the manifest and meta of a batch say about its data object. */
export interface BatchContents {
  /** Keys, line hashes, row hashes and the timestamp range, in the object's line order. */
  digest: BatchDigest;
  /** SHA-256 (hex) of the uncompressed bytes. */
  sha256: string;
  compressedBytes: number;
  s3ChecksumSha256: string;
}

/**
 * The batch's data object was written by another attempt (this attempt's write-once upload was refused), and
 * stays as it is. Either it is sealed (its meta stands: the batch is what the meta says, whatever this attempt
 * read), or this attempt describes it from its own bytes, so that the manifest and meta it writes match the
 * object exactly; a row counts as deletable only where this attempt read its line as the object holds it.
 * @throws BatchAlreadyDeletedError when the batch's delete has run: its object is the only copy of those rows,
 *   and this attempt (stale, or re-run by a workflow reset) has nothing more to do with it.
 */
export async function describeStandingObject(
  deps: ActivityDeps,
  keys: { data: string; meta: string; deleted: string },
  batchSeq: number,
  table: TableInfo,
  read: BatchDigest,
): Promise<{ sealed: BatchMeta } | { contents: BatchContents }> {
  const { s3, storage } = deps;
  if (await objectExists(s3, storage.bucket, keys.deleted)) {
    throw new BatchAlreadyDeletedError(keys.data, batchSeq);
  }
  const sealed = await getJsonIfExists<BatchMeta>(s3, storage.bucket, keys.meta, { cache: deps.sidecars });
  if (sealed) return { sealed };
  const rowHashes = new Map(read.lineSha256.map((line, i) => [line, read.rowHash[i]!]));
  const standing = new BatchDigest(table, read.timestampColumn);
  const stored = await headObject(s3, storage.bucket, keys.data);
  const { sha256 } = await readObjectLines(s3, storage.bucket, keys.data, 'the standing object', (line) => {
    const lineSha256 = hash('sha256', line, 'hex');
    standing.record(lineSha256, decodeRow(line), rowHashes.get(lineSha256) ?? UNMATCHED_ROW_HASH);
  });
  return {
    contents: {
      digest: standing,
      sha256,
      compressedBytes: stored.size,
      s3ChecksumSha256: stored.checksumSha256 ?? '',
    },
  };
}
