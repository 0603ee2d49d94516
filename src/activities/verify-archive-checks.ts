import type { BatchManifest, BatchMeta, DeletionRecord } from '../storage';

/**
 * The checks of `archiver verify` that need no I/O: the sidecars' shapes and how they agree with each other.
 * Each returns its problems as sentences (no key values: they would end up in workflow history) and the parsed
 * document only when later checks can rely on it.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isKeyList(value: unknown): value is string[][] {
  return Array.isArray(value) && value.every(isStringArray);
}

export interface ExpectedBatch {
  database: string;
  table: string;
  dataKey: string;
  manifestKey: string;
}

/**
 * The metadata must name this database, table and batch, and carry well-formed counts and checksums. It is
 * returned for the comparisons that follow unless a field those comparisons need is unusable.
 */
export function checkMeta(
  value: unknown,
  expected: ExpectedBatch,
): { meta: BatchMeta | null; problems: string[] } {
  if (!isRecord(value)) return { meta: null, problems: ['the metadata is not a JSON object'] };
  const problems: string[] = [];
  const names: [keyof ExpectedBatch, string][] = [
    ['database', 'database'],
    ['table', 'table'],
    ['dataKey', 'data key'],
    ['manifestKey', 'manifest key'],
  ];
  for (const [field, what] of names) {
    if (value[field] !== expected[field]) {
      problems.push(
        `the metadata names ${what} ${JSON.stringify(value[field] ?? null)}, not ${expected[field]}`,
      );
    }
  }
  const unusable: string[] = [];
  if (!isCount(value.batch)) unusable.push('batch');
  if (!isCount(value.rowCount)) unusable.push('rowCount');
  if (typeof value.sha256 !== 'string' || !SHA256_HEX.test(value.sha256)) unusable.push('sha256');
  if (!isCount(value.compressedBytes)) unusable.push('compressedBytes');
  if (typeof value.s3ChecksumSha256 !== 'string' || value.s3ChecksumSha256 === '')
    unusable.push('s3ChecksumSha256');
  if (!isStringArray(value.primaryKey) || value.primaryKey.length === 0) unusable.push('primaryKey');
  if (unusable.length > 0) {
    problems.push(`the metadata lacks a valid ${unusable.join(', ')}`);
    return { meta: null, problems };
  }
  return { meta: value as unknown as BatchMeta, problems };
}

/**
 * The manifest must name this table and have one entry per row in each of keys, lineSha256 and rowHash, each
 * key with one value per primary-key column. `rowCount` is the metadata's, when it is usable.
 */
export function checkManifest(
  value: unknown,
  table: string,
  meta: Pick<BatchMeta, 'rowCount' | 'primaryKey'> | null,
): { manifest: BatchManifest | null; problems: string[] } {
  if (!isRecord(value)) return { manifest: null, problems: ['the manifest is not a JSON object'] };
  const problems: string[] = [];
  if (value.table !== table)
    problems.push(`the manifest names table ${JSON.stringify(value.table ?? null)}, not ${table}`);
  if (!isStringArray(value.primaryKey) || value.primaryKey.length === 0) {
    problems.push('the manifest lacks a valid primaryKey');
    return { manifest: null, problems };
  }
  if (meta && JSON.stringify(value.primaryKey) !== JSON.stringify(meta.primaryKey)) {
    problems.push(
      `the manifest's primary key (${value.primaryKey.join(', ')}) differs from the metadata's (${meta.primaryKey.join(', ')})`,
    );
  }
  const malformed = (['keys', 'lineSha256', 'rowHash'] as const).filter((field) =>
    field === 'keys' ? !isKeyList(value.keys) : !isStringArray(value[field]),
  );
  if (malformed.length > 0) {
    problems.push(`the manifest's ${malformed.join(', ')} ${malformed.length > 1 ? 'are' : 'is'} malformed`);
    return { manifest: null, problems };
  }
  const manifest = value as unknown as BatchManifest;
  const rows = meta?.rowCount ?? manifest.keys.length;
  for (const field of ['keys', 'lineSha256', 'rowHash'] as const) {
    if (manifest[field].length !== rows) {
      problems.push(
        `the manifest has ${manifest[field].length} ${field} entries for ${rows} rows${meta ? ' in the metadata' : ''}`,
      );
    }
  }
  const width = manifest.primaryKey.length;
  const badKeys = manifest.keys.filter((k) => k.length !== width).length;
  if (badKeys > 0) {
    problems.push(
      `${badKeys} of the manifest's keys do not have one value per primary-key column (${width})`,
    );
  }
  return { manifest, problems };
}

/**
 * A deletion record must name this table (and batch, when the metadata is usable), list only keys of the
 * manifest, and keep deleted, skippedChanged and alreadyGone apart: a key is in at most one of them.
 */
export function checkDeletionRecord(
  value: unknown,
  table: string,
  batch: number | null,
  manifestKeys: ReadonlySet<string> | null,
): string[] {
  if (!isRecord(value)) return ['the deletion record is not a JSON object'];
  const problems: string[] = [];
  if (value.table !== table)
    problems.push(`the deletion record names table ${JSON.stringify(value.table ?? null)}, not ${table}`);
  if (batch !== null && value.batch !== batch)
    problems.push(`the deletion record names batch ${JSON.stringify(value.batch ?? null)}, not ${batch}`);
  const lists = ['deleted', 'skippedChanged', 'alreadyGone'] as const;
  const malformed = lists.filter((l) => !isKeyList(value[l]));
  if (malformed.length > 0) {
    problems.push(
      `the deletion record's ${malformed.join(', ')} ${malformed.length > 1 ? 'are' : 'is'} malformed`,
    );
    return problems;
  }
  const record = value as unknown as DeletionRecord;
  const seenIn = new Map<string, string>();
  for (const list of lists) {
    let unknown = 0;
    let twice = 0;
    const overlaps = new Set<string>();
    for (const key of record[list]) {
      const id = JSON.stringify(key);
      if (manifestKeys && !manifestKeys.has(id)) unknown += 1;
      const earlier = seenIn.get(id);
      if (earlier === list) twice += 1;
      else if (earlier) overlaps.add(earlier);
      else seenIn.set(id, list);
    }
    if (unknown > 0) problems.push(`${keysAre(unknown)} in its ${list} list but not in the manifest`);
    if (twice > 0) problems.push(`${keysAre(twice)} listed twice in its ${list} list`);
    for (const other of overlaps) problems.push(`its ${other} and ${list} lists share keys`);
  }
  return problems;
}

/** "1 key is", "3 keys are". */
function keysAre(n: number): string {
  return n === 1 ? '1 key is' : `${n} keys are`;
}

/** "line 4", "lines 4, 9 and 17", "lines 4, 9, 17, 20, 33 and 95 others": line numbers from 1. */
export function describeLines(indexes: readonly number[], total: number, shown = 5): string {
  const numbers = indexes.slice(0, shown).map((i) => String(i + 1));
  if (total === 1) return `line ${numbers[0]}`;
  if (total <= shown) return `lines ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
  return `lines ${numbers.join(', ')} and ${total - numbers.length} others`;
}
