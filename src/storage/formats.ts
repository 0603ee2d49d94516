import type { Compression } from './compression';

/**
 * The JSON documents written beside each data object. They are an interface for people and tools that read
 * archives without db-archiver (docs/s3-layout.md): change them only by adding fields or raising `version`.
 */

export interface ColumnSchema {
  name: string;
  /** The catalog's type name: `format_type()` in PostgreSQL, `COLUMN_TYPE` in MySQL. */
  dataType: string;
  nullable: boolean;
}

/** `batch-NNNNNN.meta.json`: what the data object holds and how to check it. */
export interface BatchMeta {
  version: 1;
  engine: 'postgres' | 'mysql';
  database: string;
  /** `schema.table`. */
  table: string;
  runId: string;
  batch: number;
  dataKey: string;
  manifestKey: string;
  rowCount: number;
  /** SHA-256 (hex) of the uncompressed JSON Lines bytes. */
  sha256: string;
  /** Size of the compressed object in S3. */
  compressedBytes: number;
  /** How the data object is compressed (its key's suffix says the same); absent in archives from before zstd: gzip. */
  compression?: Compression;
  /** S3's own SHA-256 checksum of the stored object (base64; `…-N` for a multipart object). */
  s3ChecksumSha256: string;
  /** Rows were archived when their timestamp was before this instant (ISO 8601, UTC). */
  cutoff: string;
  timestampColumn: string;
  /** Smallest and largest timestamp of the batch, in the database's text form. */
  minTimestamp: string | null;
  maxTimestamp: string | null;
  firstKey: string[];
  lastKey: string[];
  columns: ColumnSchema[];
  primaryKey: string[];
  /** The table's indexes when the batch was archived, part of its schema snapshot. */
  indexes?: { name: string; columns: string[]; unique: boolean }[];
  toolVersion: string;
  createdAt: string;
}

/**
 * `batch-NNNNNN.manifest.json`: one entry per row, in the data object's line order. `lineSha256` is the SHA-256
 * of the row's line (without the newline) in the data object; `rowHash` is the database's own fingerprint of the
 * row at extraction, which the guarded delete compares before deleting.
 */
export interface BatchManifest {
  version: 1;
  table: string;
  primaryKey: string[];
  keys: string[][];
  lineSha256: string[];
  rowHash: string[];
}

/**
 * `batch-NNNNNN.deleted.json`: written after the guarded delete. A restore takes each key's version from the
 * object whose deletion record lists it as deleted, never a stale copy of a row that was skipped as changed.
 */
export interface DeletionRecord {
  version: 1;
  table: string;
  batch: number;
  deleted: string[][];
  /** Rows whose content changed after extraction; they stay in the source and are archived again later. */
  skippedChanged: string[][];
  /** Rows already gone when the delete ran (a retried delete, or deleted by someone else). */
  alreadyGone: string[][];
  deletedAt: string;
}
