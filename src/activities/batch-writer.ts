import { createHash, type Hash } from 'node:crypto';
import type { ExtractedRow, TableInfo } from '../engines';
import { compareTimestampText, encodeRow } from '../codec';

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
  readonly #columns: string[];

  constructor(
    readonly table: TableInfo,
    readonly timestampColumn: string,
  ) {
    this.#columns = table.columns.map((c) => c.name);
  }

  /** Encodes one row and returns its line, newline included, ready for compression. */
  add({ row, rowHash }: ExtractedRow): Buffer {
    const line = encodeRow(row, this.#columns);
    const bytes = Buffer.from(line + '\n', 'utf8');
    this.#hash.update(bytes);
    this.lineSha256.push(createHash('sha256').update(line, 'utf8').digest('hex'));
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
    return bytes;
  }

  get rows(): number {
    return this.keys.length;
  }

  sha256(): string {
    return this.#hash.digest('hex');
  }
}
