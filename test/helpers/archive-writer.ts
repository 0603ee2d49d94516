/**
 * Writes archived batches by hand, in the format of docs/s3-layout.md, for restore tests that need a history of
 * versions a real run would take several runs (and races) to produce.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Row } from '../../src/engines';
import { encodeRow } from '../../src/codec';
import {
  batchKeys,
  compressionSpec,
  compressSync,
  putJson,
  putObject,
  type BatchManifest,
  type BatchMeta,
  type Compression,
  type ColumnSchema,
  type DeletionRecord,
} from '../../src/storage';

export interface HandWrittenBatch {
  engine: 'postgres' | 'mysql';
  prefix: string;
  database: string;
  /** `schema.table` as in object keys. */
  table: string;
  runId: string;
  batch: number;
  createdAt: string;
  columns: ColumnSchema[];
  primaryKey: string[];
  timestampColumn: string;
  rows: Row[];
  /** Default zstd (as `storage.compression`), at its default level. */
  compression?: Compression;
  /** The deletion record's lists; no record at all when absent. */
  deletion?: { deleted: string[][]; skippedChanged: string[][] };
}

const sha256 = (data: Buffer | string, encoding: 'hex' | 'base64') =>
  createHash('sha256').update(data).digest(encoding);

export async function writeBatch(s3: S3Client, bucket: string, batch: HandWrittenBatch): Promise<string> {
  const compression = batch.compression ?? 'zstd';
  const keys = batchKeys(batch.prefix, batch.database, batch.table, batch.runId, batch.batch, compression);
  const names = batch.columns.map((c) => c.name);
  const lines = batch.rows.map((row) => encodeRow(row, names));
  const text = Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8');
  const spec = compressionSpec(compression);
  const body = compressSync(compression, spec.defaultLevel, text);
  await putObject(s3, bucket, keys.data, body, spec.contentType);
  const keyOf = (row: Row) => batch.primaryKey.map((k) => row[k] ?? '');
  const stamps = batch.rows.map((r) => r[batch.timestampColumn] ?? '').sort();
  const manifest: BatchManifest = {
    version: 1,
    table: batch.table,
    primaryKey: batch.primaryKey,
    keys: batch.rows.map(keyOf),
    lineSha256: lines.map((l) => sha256(l, 'hex')),
    rowHash: batch.rows.map(() => ''),
  };
  await putJson(s3, bucket, keys.manifest, manifest);
  const meta: BatchMeta = {
    version: 1,
    engine: batch.engine,
    database: batch.database,
    table: batch.table,
    runId: batch.runId,
    batch: batch.batch,
    dataKey: keys.data,
    manifestKey: keys.manifest,
    rowCount: batch.rows.length,
    sha256: sha256(text, 'hex'),
    compressedBytes: body.length,
    ...(batch.compression ? { compression } : {}),
    s3ChecksumSha256: sha256(body, 'base64'),
    cutoff: batch.createdAt,
    timestampColumn: batch.timestampColumn,
    minTimestamp: stamps[0] ?? null,
    maxTimestamp: stamps[stamps.length - 1] ?? null,
    firstKey: keyOf(batch.rows[0]!),
    lastKey: keyOf(batch.rows[batch.rows.length - 1]!),
    columns: batch.columns,
    primaryKey: batch.primaryKey,
    toolVersion: 'test',
    createdAt: batch.createdAt,
  };
  await putJson(s3, bucket, keys.meta, meta);
  if (batch.deletion) {
    const record: DeletionRecord = {
      version: 1,
      table: batch.table,
      batch: batch.batch,
      deleted: batch.deletion.deleted,
      skippedChanged: batch.deletion.skippedChanged,
      alreadyGone: [],
      deletedAt: batch.createdAt,
    };
    await putJson(s3, bucket, keys.deleted, record);
  }
  return keys.data;
}
