import type { GuardedDeleteEntry, GuardedDeleteResult } from './engine';

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
