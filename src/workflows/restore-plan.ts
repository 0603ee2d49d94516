import type { BatchDescriptor, RestorePart } from '../shared/restore';

export interface RestoreStep {
  dataKey: string;
  part: RestorePart;
}

/**
 * The order in which batches are restored. First every batch's deleted rows, newest batch first: a key takes the
 * version whose deletion its batch recorded. Then the rows no deletion record claims (archive-only tables,
 * rows skipped as changed, batches without a record), newest first. Keys already in the target are never
 * overwritten, so the first version inserted wins.
 */
export function planSteps(batches: readonly BatchDescriptor[]): RestoreStep[] {
  const newestFirst = [...batches].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.dataKey < b.dataKey ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
  );
  return [
    ...newestFirst
      .filter((b) => (b.deletedRows ?? 0) > 0)
      .map((b) => ({ dataKey: b.dataKey, part: 'deleted' as const })),
    ...newestFirst
      .filter((b) => b.deletedRows === null || b.deletedRows < b.rows)
      .map((b) => ({ dataKey: b.dataKey, part: 'kept' as const })),
  ];
}

/** The longest common prefix of the keys that ends at a `/`. */
export function commonKeyPrefix(keys: readonly string[]): string {
  let prefix = keys[0] ?? '';
  for (const key of keys) {
    while (!key.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}
