import type { Row } from '../engines';
import type { RestorePart } from '../shared/restore';
import { timestampMicros, type Micros } from '../codec';

export interface RowSelection {
  part: RestorePart;
  primaryKey: readonly string[];
  /** Keys the batch's deletion record lists as deleted, as `JSON.stringify(key)`. */
  deletedKeys: ReadonlySet<string>;
  timestampColumn: string;
  from: Micros | null;
  to: Micros | null;
}

/** The key of an archived row in the form manifests and deletion records use. */
export function rowKey(row: Row, primaryKey: readonly string[]): string {
  return JSON.stringify(primaryKey.map((k) => row[k] ?? ''));
}

/**
 * The rows of one part of a batch (deleted by this batch, or not), split by the time range. A timestamp that
 * cannot be read as an instant is kept: a restore would rather bring back a row than lose it.
 */
export function selectRows(
  rows: readonly Row[],
  selection: RowSelection,
): { selected: Row[]; outOfRange: number } {
  const selected: Row[] = [];
  let outOfRange = 0;
  for (const row of rows) {
    const deleted = selection.deletedKeys.has(rowKey(row, selection.primaryKey));
    if (deleted !== (selection.part === 'deleted')) continue;
    if (inRange(row[selection.timestampColumn] ?? null, selection.from, selection.to)) selected.push(row);
    else outOfRange += 1;
  }
  return { selected, outOfRange };
}

export function inRange(text: string | null, from: Micros | null, to: Micros | null): boolean {
  if (from === null && to === null) return true;
  const at = text === null ? null : timestampMicros(text);
  if (at === null) return text !== null;
  return (from === null || at >= from) && (to === null || at < to);
}

/**
 * Whether a batch whose timestamps lie in [min, max] can hold rows in [from, to). Unreadable or inconsistent
 * bounds say nothing, so the batch is kept and its rows are filtered one by one.
 */
export function batchOverlaps(
  min: string | null,
  max: string | null,
  from: Micros | null,
  to: Micros | null,
): boolean {
  const lo = min === null ? null : timestampMicros(min);
  const hi = max === null ? null : timestampMicros(max);
  if (lo === null || hi === null || lo > hi) return true;
  return (from === null || hi >= from) && (to === null || lo < to);
}

export interface ColumnMapping {
  /** Columns in both the archive and the target: the ones restored. */
  mapped: string[];
  /** Archived columns the target lacks. */
  unmapped: string[];
  /** Target columns the archive lacks; they take their defaults. */
  missing: string[];
}

/** Maps archived columns to the target's by name (issue 4's drift rule: only columns present in both). */
export function mapColumns(archived: readonly string[], target: readonly string[]): ColumnMapping {
  const targetSet = new Set(target);
  const archivedSet = new Set(archived);
  return {
    mapped: archived.filter((c) => targetSet.has(c)),
    unmapped: archived.filter((c) => !targetSet.has(c)),
    missing: target.filter((c) => !archivedSet.has(c)),
  };
}

export function projectRows(rows: readonly Row[], columns: readonly string[]): Row[] {
  return rows.map((row) => {
    const projected: Row = {};
    for (const c of columns) projected[c] = row[c] ?? null;
    return projected;
  });
}
