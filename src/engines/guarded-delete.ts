import type { GuardedDeleteEntry, GuardedDeleteResult } from './engine';

/** The statements that frame a guarded delete's one transaction, on the session that runs its chunks. */
export interface DeleteTransaction {
  begin(): Promise<unknown>;
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
}

/**
 * The guarded delete's transaction, the same for every engine: `deleteChunk` deletes each chunk of `chunkSize`
 * entries and records in `result` which keys it deleted, kept as changed or found gone; `beforeCommit` then sees
 * the whole result while every row lock is still held. Anything that throws, `beforeCommit` included (a lost
 * lease, a deletion record that could not be written), rolls the whole transaction back and is rethrown, so no
 * row is ever deleted without its record.
 */
export async function runGuardedDelete(
  transaction: DeleteTransaction,
  entries: readonly GuardedDeleteEntry[],
  chunkSize: number,
  deleteChunk: (chunk: GuardedDeleteEntry[], result: GuardedDeleteResult) => Promise<void>,
  beforeCommit?: (result: GuardedDeleteResult) => Promise<void>,
): Promise<GuardedDeleteResult> {
  const result: GuardedDeleteResult = { deleted: [], skippedChanged: [], alreadyGone: [] };
  await transaction.begin();
  try {
    for (let i = 0; i < entries.length; i += chunkSize) {
      await deleteChunk(entries.slice(i, i + chunkSize), result);
    }
    await beforeCommit?.(result);
    await transaction.commit();
  } catch (error) {
    await transaction.rollback().catch(() => undefined);
    throw error;
  }
  return result;
}

/**
 * Sorts a chunk of archived entries against the fingerprints of the rows locked for it (keyed by
 * `JSON.stringify(key)`): rows that are unchanged are returned for deletion, the rest are recorded in `result`
 * as changed since extraction or already gone.
 */
export function unchangedKeys(
  chunk: readonly GuardedDeleteEntry[],
  lockedHashes: ReadonlyMap<string, unknown>,
  result: GuardedDeleteResult,
): string[][] {
  const unchanged: string[][] = [];
  for (const entry of chunk) {
    const key = JSON.stringify(entry.key);
    if (!lockedHashes.has(key)) result.alreadyGone.push(entry.key);
    else if (lockedHashes.get(key) === entry.rowHash) unchanged.push(entry.key);
    else result.skippedChanged.push(entry.key);
  }
  return unchanged;
}
