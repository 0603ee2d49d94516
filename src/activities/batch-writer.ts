import { createHash, hash, type Hash } from 'node:crypto';
import type { ExtractedRow, TableInfo } from '../engines';
import { compareTimestampText, rowEncoder } from '../codec';

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

  constructor(
    readonly table: TableInfo,
    readonly timestampColumn: string,
  ) {
    this.#encode = rowEncoder(table.columns.map((c) => c.name));
  }

  /**
   * Encodes one row and returns its line, newline included. The caller hands the lines, in order and as UTF-8,
   * to `write`, which hashes them as the object's bytes: per chunk of lines rather than per line, which costs
   * a tenth as much. With `skip`, a row whose line it accepts is left out of the batch (null).
   */
  add({ row, rowHash }: ExtractedRow, skip?: (lineSha256: string) => boolean): string | null {
    const line = this.#encode(row);
    // The one-shot hash costs half of a Hash object per line.
    const lineSha256 = hash('sha256', line, 'hex');
    if (skip?.(lineSha256)) return null;
    this.record(lineSha256, row, rowHash);
    return line + '\n';
  }

  /** Records a row whose line is already written (hashed as `lineSha256`): an object another attempt wrote. */
  record(lineSha256: string, row: ExtractedRow['row'], rowHash: string): void {
    this.lineSha256.push(lineSha256);
    this.rowHash.push(rowHash);
    this.keys.push(this.table.primaryKey.map((k) => row[k] ?? ''));
    const ts = row[this.timestampColumn] ?? null;
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
