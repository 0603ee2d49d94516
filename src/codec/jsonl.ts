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

export function decodeRow(line: string): Row {
  return JSON.parse(line) as Row;
}

/** Splits JSON Lines text into lines, ignoring the final newline. */
export function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}
