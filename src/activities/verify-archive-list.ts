import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ListBatchesToVerifyInput, ListBatchesToVerifyResult } from '../shared/verify';
import { tableRunsPrefix } from '../storage';
import type { ActivityDeps } from './deps';

/** The objects of one batch, by suffix; anything else under `runs/` is not part of the layout and ignored. */
const BATCH_OBJECT = /^(.*\/batch-\d+)\.(?:jsonl\.gz|manifest\.json|meta\.json|deleted\.json)$/;

const dataKeyOf = (base: string) => `${base}.jsonl.gz`;

/**
 * Lists one page of a table's archived batches for `archiver verify`: up to `limit` batches, each named by its
 * data key. A batch is listed when any of its four objects exists, so a batch whose data object or metadata is
 * gone is still checked (and reported). Unlike the restore listing it reads no sidecar: the checks do that.
 *
 * A batch's objects are adjacent in S3's key order, but a listing page may end between them; a page is
 * therefore cut after the last batch known to be complete, and the next page starts after that batch's last
 * key (StartAfter), never in the middle of a batch.
 */
export function createListBatchesToVerify(deps: ActivityDeps) {
  return async function listBatchesToVerify(
    input: ListBatchesToVerifyInput,
  ): Promise<ListBatchesToVerifyResult> {
    const { s3, storage } = deps;
    const prefix = tableRunsPrefix(storage.prefix, input.database, input.table) + '/';
    const bases: string[] = [];
    const lastKeyOf = new Map<string, string>();
    let token: string | undefined;
    const limit = Math.max(1, input.limit);
    let more = true;
    while (more && bases.length <= limit) {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: storage.bucket,
          Prefix: prefix,
          ...(token
            ? { ContinuationToken: token }
            : input.startAfter
              ? { StartAfter: input.startAfter }
              : {}),
        }),
      );
      for (const key of (page.Contents ?? []).map((o) => o.Key!)) {
        const base = BATCH_OBJECT.exec(key)?.[1];
        if (base === undefined) continue;
        if (!lastKeyOf.has(base)) bases.push(base);
        lastKeyOf.set(base, key);
      }
      token = page.NextContinuationToken;
      more = page.IsTruncated === true && token !== undefined;
    }
    // Seeing a key of the batch after the last one returned proves that one complete (keys are adjacent).
    if (bases.length <= limit) return { dataKeys: bases.map(dataKeyOf), startAfter: null };
    const page = bases.slice(0, limit);
    return { dataKeys: page.map(dataKeyOf), startAfter: lastKeyOf.get(page[page.length - 1]!)! };
  };
}
