/**
 * The data-loss oracle. Before a run it snapshots every row of a table (key and the engine's own row
 * fingerprint, the one the guarded delete compares); afterwards it proves that nothing was lost:
 *   - every snapshot row is still in the source, or was deleted by a batch whose archived copy is in S3;
 *   - a deleted row's archived copy is its last committed version (its fingerprint), and the object holding it
 *     still hashes to its recorded SHA-256, line by line;
 *   - no key was deleted twice, and a key's deleted copy is in exactly one batch;
 *   - every row still matching the archive predicate after a completed run is explained (changed during the
 *     run, or newer than the cutoff).
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { eachRow, type Engine, type TableInfo } from '../../src/engines';
import { readObjectLines } from '../../src/activities/read-lines';
import {
  getJsonIfExists,
  isDataKey,
  sidecarKeys,
  type BatchManifest,
  type BatchMeta,
  type DeletionRecord,
} from '../../src/storage';

const FAR_FUTURE = new Date('9999-01-01T00:00:00Z');

export type Snapshot = Map<string, string>;

/** See OracleInput.changedDuringRun. */
export const UNKNOWN_VERSION = '?';

/** Every row of the table: JSON key → fingerprint. */
export async function snapshotTable(
  engine: Engine,
  table: TableInfo,
  timestampColumn: string,
): Promise<Snapshot> {
  const rows: Snapshot = new Map();
  let afterKey: string[] | null = null;
  for (;;) {
    let last: string[] | null = null;
    for await (const { row, rowHash } of eachRow(
      engine.streamRows({
        table,
        timestampColumn,
        cutoff: FAR_FUTURE,
        afterKey,
        limit: 10_000,
      }),
    )) {
      last = table.primaryKey.map((k) => row[k] ?? '');
      rows.set(JSON.stringify(last), rowHash);
    }
    if (last === null) return rows;
    afterKey = last;
  }
}

export interface OracleInput {
  engine: Engine;
  table: TableInfo;
  timestampColumn: string;
  s3: S3Client;
  bucket: string;
  /** `{prefix}/{database}/{schema.table}/` */
  tablePrefix: string;
  before: Snapshot;
  /**
   * Fingerprints of rows the test itself changed during the run (once each): their last committed version, or
   * `UNKNOWN_VERSION` when the row was deleted before its new fingerprint could be read (then the archived copy
   * must at least not be the version from before the change).
   */
  changedDuringRun?: Snapshot;
  /** Rows still older than this after a completed run must be explained. */
  cutoff?: Date;
}

export interface OracleVerdict {
  snapshotRows: number;
  remainingRows: number;
  deletedRows: number;
  lost: string[];
  wrongVersion: string[];
  deletedTwice: string[];
  damagedObjects: string[];
  unexplainedRemaining: string[];
}

export function isClean(verdict: OracleVerdict): boolean {
  return (
    verdict.lost.length +
      verdict.wrongVersion.length +
      verdict.deletedTwice.length +
      verdict.damagedObjects.length +
      verdict.unexplainedRemaining.length ===
    0
  );
}

async function dataKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(listed.Contents ?? []).map((o) => o.Key!).filter(isDataKey));
    token = listed.NextContinuationToken;
  } while (token);
  return keys.sort();
}

export async function checkNothingLost(input: OracleInput): Promise<OracleVerdict> {
  const after = await snapshotTable(input.engine, input.table, input.timestampColumn);
  const deletedBy = new Map<string, string[]>();
  const archivedHash = new Map<string, string>();
  const damagedObjects: string[] = [];
  for (const dataKey of await dataKeys(input.s3, input.bucket, input.tablePrefix)) {
    const sidecars = sidecarKeys(dataKey);
    const record = await getJsonIfExists<DeletionRecord>(input.s3, input.bucket, sidecars.deleted);
    const meta = await getJsonIfExists<BatchMeta>(input.s3, input.bucket, sidecars.meta);
    const manifest = await getJsonIfExists<BatchManifest>(input.s3, input.bucket, sidecars.manifest);
    if (!meta || !manifest) {
      // An object whose attempt stopped before its meta (a run cancelled or failed mid-batch) is no batch:
      // nothing was deleted from it. One with a deletion record but no meta would be damage.
      if (record) damagedObjects.push(dataKey);
      continue;
    }
    // A data object of the other compression beside the one the metadata names is an earlier attempt's leftover:
    // the batch is judged once, by the object its metadata names.
    if (meta.dataKey !== dataKey) continue;
    const lineHashes: string[] = [];
    const read = await readObjectLines(input.s3, input.bucket, dataKey, meta.sha256, (line) => {
      lineHashes.push(createHash('sha256').update(line, 'utf8').digest('hex'));
    }).catch(() => null);
    if (!read || read.sha256 !== meta.sha256 || lineHashes.some((h, i) => h !== manifest.lineSha256[i])) {
      damagedObjects.push(dataKey);
    }
    const position = new Map(manifest.keys.map((k, i) => [JSON.stringify(k), i]));
    for (const key of record?.deleted ?? []) {
      const id = JSON.stringify(key);
      deletedBy.set(id, [...(deletedBy.get(id) ?? []), dataKey]);
      const i = position.get(id);
      if (i !== undefined) archivedHash.set(id, manifest.rowHash[i]!);
    }
  }
  const lost: string[] = [];
  const wrongVersion: string[] = [];
  for (const [key, hash] of input.before) {
    if (after.has(key)) continue;
    const archived = archivedHash.get(key);
    if (archived === undefined) lost.push(key);
    else if (!isLastVersion(archived, hash, input.changedDuringRun?.get(key))) wrongVersion.push(key);
  }
  const deletedTwice = [...deletedBy].filter(([, batches]) => batches.length > 1).map(([key]) => key);
  const unexplainedRemaining: string[] = [];
  if (input.cutoff) {
    const stillOld = await countOld(input.engine, input.table, input.timestampColumn, input.cutoff);
    for (const key of stillOld) if (!input.changedDuringRun?.has(key)) unexplainedRemaining.push(key);
  }
  return {
    snapshotRows: input.before.size,
    remainingRows: after.size,
    deletedRows: archivedHash.size,
    lost,
    wrongVersion,
    deletedTwice,
    damagedObjects,
    unexplainedRemaining,
  };
}

function isLastVersion(archived: string, before: string, changed: string | undefined): boolean {
  if (changed === undefined) return archived === before;
  if (changed === UNKNOWN_VERSION) return archived !== before;
  return archived === changed;
}

async function countOld(
  engine: Engine,
  table: TableInfo,
  timestampColumn: string,
  cutoff: Date,
): Promise<string[]> {
  const keys: string[] = [];
  for await (const { row } of eachRow(
    engine.streamRows({
      table,
      timestampColumn,
      cutoff,
      afterKey: null,
      limit: 1_000_000,
    }),
  )) {
    keys.push(JSON.stringify(table.primaryKey.map((k) => row[k] ?? '')));
  }
  return keys;
}
