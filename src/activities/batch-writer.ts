import { createHash, hash, type Hash } from 'node:crypto';
import { ExtractedValues, type ExtractedRow, type TableInfo } from '../engines';
import { compareTimestampText, rowEncoder, valuesEncoder } from '../codec';

/**
 * Accumulates what one batch records about its rows while they stream past: the SHA-256 of the uncompressed
 * bytes, each line's own SHA-256, the database fingerprint, the keys, and the timestamp range.
 */
export class BatchDigest {
  readonly keys: string[][] = [];
  readonly lineSha256: string[] = [];
  readonly rowHash: string[] = [];
  minTimestamp: string | null = null;
  maxTimestamp: string | null = null;
  readonly #hash: Hash = createHash('sha256');
  readonly #encode: (row: ExtractedRow['row']) => string;
  /**
   * The same encoding from an engine's values by position (fingerprint at 0); null where only `#encode` can (column
   * names an object would reorder, or a key column the table does not list).
   */
  readonly #encodeValues: ((values: readonly (string | null)[]) => string) | null;
  /** Positions in `ExtractedValues.values` of the key columns and of the timestamp column (0: none). */
  readonly #keyAt: number[];
  readonly #timestampAt: number;
  readonly #names: readonly string[];
  /** The last column list checked to be this table's, in order (an engine reuses one per batch). */
  #checkedNames: readonly string[] | null = null;

  constructor(
    readonly table: TableInfo,
    readonly timestampColumn: string,
  ) {
    const names = table.columns.map((c) => c.name);
    this.#names = names;
    this.#encode = rowEncoder(names);
    this.#keyAt = table.primaryKey.map((k) => names.indexOf(k) + 1);
    this.#encodeValues = this.#keyAt.every((i) => i > 0) ? valuesEncoder(names, 1) : null;
    this.#timestampAt = names.indexOf(timestampColumn) + 1;
  }

  /**
   * Encodes one row and returns its line, newline included. The caller hands the lines, in order and as UTF-8,
   * to `write`, which hashes them as the object's bytes: per chunk of lines rather than per line, which costs
   * a tenth as much. With `skip`, a row whose line it accepts is left out of the batch (null).
   */
  add(extracted: ExtractedRow, skip?: (lineSha256: string) => boolean): string | null {
    // An engine's row is read by position: no object per row, no lookups by column name.
    if (this.#encodeValues && extracted instanceof ExtractedValues && this.#byPosition(extracted.names)) {
      const { values } = extracted;
      const line = this.#encodeValues(values);
      const lineSha256 = hash('sha256', line, 'hex');
      if (skip?.(lineSha256)) return null;
      this.lineSha256.push(lineSha256);
      this.rowHash.push(values[0] ?? '');
      const key: string[] = new Array<string>(this.#keyAt.length);
      for (let i = 0; i < key.length; i++) key[i] = values[this.#keyAt[i]!] ?? '';
      this.keys.push(key);
      this.#timestamp(this.#timestampAt > 0 ? (values[this.#timestampAt] ?? null) : null);
      return line + '\n';
    }
    const { row, rowHash } = extracted;
    const line = this.#encode(row);
    // The one-shot hash costs half of a Hash object per line.
    const lineSha256 = hash('sha256', line, 'hex');
    if (skip?.(lineSha256)) return null;
    this.record(lineSha256, row, rowHash);
    return line + '\n';
  }

  /** Whether values laid out by `names` can be read at this table's positions. */
  #byPosition(names: readonly string[]): boolean {
    if (names === this.#checkedNames) return true;
    const same = names.length === this.#names.length && names.every((name, i) => name === this.#names[i]);
    if (same) this.#checkedNames = names;
    return same;
  }

  /** Records a row whose line is already written (hashed as `lineSha256`): an object another attempt wrote. */
  record(lineSha256: string, row: ExtractedRow['row'], rowHash: string): void {
    this.lineSha256.push(lineSha256);
    this.rowHash.push(rowHash);
    this.keys.push(this.table.primaryKey.map((k) => row[k] ?? ''));
    this.#timestamp(row[this.timestampColumn] ?? null);
  }

  #timestamp(ts: string | null): void {
    if (ts !== null) {
      // Compared as instants, not strings: BC dates and five-digit years do not sort as text.
      if (this.minTimestamp === null || compareTimestampText(ts, this.minTimestamp) < 0)
        this.minTimestamp = ts;
      if (this.maxTimestamp === null || compareTimestampText(ts, this.maxTimestamp) > 0)
        this.maxTimestamp = ts;
    }
  }

  /** Takes a run of lines returned by `add`, in order, and returns them as the bytes of the object. */
  write(lines: string): Buffer {
    const bytes = Buffer.from(lines, 'utf8');
    this.#hash.update(bytes);
    return bytes;
  }

  get rows(): number {
    return this.keys.length;
  }

  sha256(): string {
    return this.#hash.digest('hex');
  }
}
