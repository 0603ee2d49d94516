import type { Row } from '../engines/engine';

/**
 * One row per line, values in the database's text form (null for SQL NULL). Column order follows the table, so
 * the bytes of a batch are a deterministic function of its rows and the SHA-256 over them is reproducible.
 */
export function encodeRow(row: Row, columns: readonly string[]): string {
  const ordered: Record<string, string | null> = {};
  for (const column of columns) ordered[column] = row[column] ?? null;
  return JSON.stringify(ordered);
}

/** Names a plain object does not keep in assignment order: array indexes sort first, `__proto__` is no key. */
function reorderedByObjects(name: string): boolean {
  return name === '__proto__' || (/^(0|[1-9][0-9]*)$/.test(name) && Number(name) < 2 ** 32 - 1);
}

/**
 * Each column's `"name":` as the line writes it (with the `{` or `,` before it); null for a column list a
 * JavaScript object would reorder or drop, whose lines only the object-based encoding writes.
 */
function linePrefixes(columns: readonly string[]): string[] | null {
  if (columns.length === 0 || columns.some(reorderedByObjects)) return null;
  return columns.map((name, i) => (i === 0 ? '{' : ',') + JSON.stringify(name) + ':');
}

/**
 * A faster `encodeRow` for a fixed column list, byte for byte the same: the line is concatenated from each
 * column's precomputed `"name":` and its JSON value, without building an object per row. Columns whose names
 * a JavaScript object would reorder or drop keep the object-based encoding, whose output is the format.
 */
export function rowEncoder(columns: readonly string[]): (row: Row) => string {
  const prefixes = linePrefixes(columns);
  if (!prefixes) return (row) => encodeRow(row, columns);
  return (row) => {
    let line = '';
    for (let i = 0; i < columns.length; i++) line += prefixes[i]! + JSON.stringify(row[columns[i]!] ?? null);
    return line + '}';
  };
}

/**
 * `rowEncoder` for values by position (`values[offset + i]` is column i), byte for byte the same line; null
 * for columns an object would reorder, whose lines only the object-based encoding writes.
 */
export function valuesEncoder(
  columns: readonly string[],
  offset: number,
): ((values: readonly (string | null)[]) => string) | null {
  const prefixes = linePrefixes(columns);
  if (!prefixes) return null;
  return (values) => {
    let line = '';
    for (let i = 0; i < prefixes.length; i++)
      line += prefixes[i]! + JSON.stringify(values[i + offset] ?? null);
    return line + '}';
  };
}

export function decodeRow(line: string): Row {
  return JSON.parse(line) as Row;
}

/** Splits JSON Lines text into lines, ignoring the final newline. */
export function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}
