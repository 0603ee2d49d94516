import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ListBatchesToVerifyInput, ListBatchesToVerifyResult } from '../shared/verify';
import { DATA_SUFFIX_PATTERN, tableRunsPrefix } from '../storage';
import type { ActivityDeps } from './deps';

/**
 * The objects of one batch, by suffix (group 2 is a data object's); anything else under `runs/` is not part of
 * the layout and ignored.
 */
const BATCH_OBJECT = new RegExp(
  `^(.*\\/batch-\\d+)(?:(${DATA_SUFFIX_PATTERN})|\\.manifest\\.json|\\.meta\\.json|\\.deleted\\.json)$`,
);

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
    const dataKeysOf = new Map<string, string[]>();
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
        const match = BATCH_OBJECT.exec(key);
        if (match === null) continue;
        const base = match[1]!;
        if (!lastKeyOf.has(base)) bases.push(base);
        lastKeyOf.set(base, key);
        if (match[2] !== undefined) dataKeysOf.set(base, [...(dataKeysOf.get(base) ?? []), key]);
      }
      token = page.NextContinuationToken;
      more = page.IsTruncated === true && token !== undefined;
    }
    // Seeing a key of the batch after the last one returned proves that one complete (keys are adjacent).
    // A batch whose data object is gone is named by the gzip key; its check goes by the key its metadata names.
    // A data object of each compression (see restore-list.ts) lists both, and the one the metadata does not name
    // is reported.
    const dataKeysOfPage = (page: string[]) => page.flatMap((b) => dataKeysOf.get(b) ?? [`${b}.jsonl.gz`]);
    if (bases.length <= limit) return { dataKeys: dataKeysOfPage(bases), startAfter: null };
    const page = bases.slice(0, limit);
    return { dataKeys: dataKeysOfPage(page), startAfter: lastKeyOf.get(page[page.length - 1]!)! };
  };
}
