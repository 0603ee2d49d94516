import type { ExtractedRow, Row } from './engine';

/**
 * A row as an engine's cursor hands it over: the database's fingerprint at index 0, then every column's text
 * value in the table's column order. The archive reads the values by position; the `row` object keyed by
 * column name is built only for a caller that asks for it, so no object per row is made on the archive's path.
 */
export class ExtractedValues implements ExtractedRow {
  #row: Row | undefined;

  constructor(
    readonly names: readonly string[],
    /** `[fingerprint, ...values]`, as text: the array the driver returned. */
    readonly values: readonly (string | null)[],
  ) {}

  get rowHash(): string {
    return this.values[0] ?? '';
  }

  get row(): Row {
    if (this.#row === undefined) {
      const row: Row = {};
      for (let i = 0; i < this.names.length; i++) row[this.names[i]!] = this.values[i + 1] ?? null;
      this.#row = row;
    }
    return this.#row;
  }
}
