import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import type { BatchDescriptor, ListBatchesInput, ListBatchesResult, SkippedObject } from '../shared/restore';
import {
  getJsonIfExists,
  isDataKey,
  sidecarKeys,
  tablePrefix,
  tableRunsPrefix,
  type BatchMeta,
  type DeletionRecord,
} from '../storage';
import { timestampMicros, type Micros } from '../codec';
import type { ActivityDeps } from './deps';
import { batchOverlaps } from './restore-rows';
import { mapLimited } from './map-limited';

/** Sidecars read at once while describing one page of batches. */
const READ_CONCURRENCY = 16;

async function hasObjects(s3: S3Client, bucket: string, prefix: string): Promise<boolean> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
  return (listed.KeyCount ?? 0) > 0;
}

/** The archived tables of a database: the folder names under `{prefix}/{database}/`. */
async function archivedTables(s3: S3Client, bucket: string, databasePrefix: string): Promise<string[]> {
  const tables: string[] = [];
  let token: string | undefined;
  do {
    const listed = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: databasePrefix,
        Delimiter: '/',
        ContinuationToken: token,
      }),
    );
    for (const p of listed.CommonPrefixes ?? []) tables.push(p.Prefix!.slice(databasePrefix.length, -1));
    token = listed.NextContinuationToken;
  } while (token);
  return tables;
}

/**
 * The archived `schema.table` a name refers to: itself when objects exist under it, or else the one archived
 * table whose name ends in `.name` (a bare MySQL table name, whose schema is the database).
 */
async function resolveArchivedTable(deps: ActivityDeps, database: string, table: string): Promise<string> {
  const { s3, storage } = deps;
  if (await hasObjects(s3, storage.bucket, tableRunsPrefix(storage.prefix, database, table) + '/'))
    return table;
  const databasePrefix = tablePrefix(storage.prefix, database, '');
  const candidates = table.includes('.')
    ? []
    : (await archivedTables(s3, storage.bucket, databasePrefix)).filter((t) => t.endsWith(`.${table}`));
  if (candidates.length === 1) return candidates[0]!;
  const message =
    candidates.length === 0
      ? `No archived objects of table ${table} in database ${database} under s3://${storage.bucket}/${databasePrefix}.`
      : `Table name ${table} is ambiguous in database ${database}: ${candidates.join(', ')}; give it as schema.table.`;
  throw ApplicationFailure.create({ type: 'ArchivedTableNotFoundError', message, nonRetryable: true });
}

/** What the plan needs from one batch's sidecars, or why the batch is skipped. */
async function describeBatch(
  deps: ActivityDeps,
  dataKey: string,
  from: Micros | null,
  to: Micros | null,
): Promise<BatchDescriptor | SkippedObject> {
  const { s3, storage } = deps;
  const sidecars = sidecarKeys(dataKey);
  const meta = await getJsonIfExists<BatchMeta>(s3, storage.bucket, sidecars.meta);
  if (!meta) {
    return {
      dataKey,
      status: 'incomplete',
      reason: 'no metadata: its archive step never finished, so none of its rows were deleted',
    };
  }
  // The metadata is written last and names the batch's data object. One of the other compression beside it could
  // only be left by a run that did not carry its compression (TableSpec.compression) and was retried on a worker
  // configured otherwise.
  if (meta.dataKey !== dataKey) {
    return {
      dataKey,
      status: 'incomplete',
      reason: `a leftover of an earlier attempt: the batch's metadata names ${meta.dataKey}`,
    };
  }
  if (!batchOverlaps(meta.minTimestamp, meta.maxTimestamp, from, to)) {
    return {
      dataKey,
      status: 'outOfRange',
      reason: `its rows are from ${meta.minTimestamp} to ${meta.maxTimestamp}`,
    };
  }
  const record = await getJsonIfExists<DeletionRecord>(s3, storage.bucket, sidecars.deleted);
  return {
    dataKey,
    createdAt: meta.createdAt,
    rows: meta.rowCount,
    deletedRows: record ? record.deleted.length : null,
  };
}

/**
 * Lists one page of a table's archived batches with what the restore plan needs from their sidecars: when each
 * was archived, how many rows it holds and how many its deletion record says were deleted. Batches without
 * metadata (an archive attempt that never finished; its rows were never deleted) and batches outside the time
 * range are listed as skipped.
 */
export function createListArchivedBatches(deps: ActivityDeps) {
  return async function listArchivedBatches(input: ListBatchesInput): Promise<ListBatchesResult> {
    const { s3, storage } = deps;
    const table = await resolveArchivedTable(deps, input.database, input.table);
    const listed = await s3.send(
      new ListObjectsV2Command({
        Bucket: storage.bucket,
        Prefix: tableRunsPrefix(storage.prefix, input.database, table) + '/',
        ContinuationToken: input.continuationToken,
      }),
    );
    const dataKeys = (listed.Contents ?? []).map((o) => o.Key!).filter(isDataKey);
    const from = input.from ? timestampMicros(input.from) : null;
    const to = input.to ? timestampMicros(input.to) : null;
    const batches: BatchDescriptor[] = [];
    const skipped: SkippedObject[] = [];
    const described = await mapLimited(dataKeys, READ_CONCURRENCY, (dataKey) =>
      describeBatch(deps, dataKey, from, to),
    );
    for (const d of described) {
      if ('reason' in d) skipped.push(d);
      else batches.push(d);
    }
    return { table, batches, skipped, continuationToken: listed.NextContinuationToken ?? null };
  };
}
