import { Context } from '@temporalio/activity';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  NON_RETRYABLE_ERROR_TYPES,
  type ArchiveBatchInput,
  type ArchivedBatch,
  type BatchScan,
} from '../shared';
import { deterministicQueryErrorCode, type ExtractedRow } from '../engines';
import {
  batchKeys,
  compressionSpec,
  createCompressor,
  getJson,
  headObject,
  ObjectExistsError,
  ObjectUpload,
  putJson,
  runCompression,
  STREAM_CHUNK_BYTES,
  UploadResumeMismatchError,
  type BatchManifest,
  type BatchMeta,
  type UploadCheckpoint,
  type UploadResult,
} from '../storage';
import { ChecksumMismatchError } from '../errors';
import { TOOL_VERSION } from '../version';
import type { ActivityDeps } from './deps';
import { BatchDigest } from './batch-writer';
import { resolveTable } from './resolve-table';
import { ArchivedLinesCache, loadArchivedLines, type ArchivedLines } from './archived-lines';
import { describeStandingObject, type BatchContents } from './standing-batch';

const HEARTBEAT_EVERY_ROWS = 1000;

/** Heartbeat details of archiveBatch: progress, and the multipart upload a retry can resume. */
interface ArchiveHeartbeat {
  rows: number;
  upload?: UploadCheckpoint;
}

function isFinal(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  return (
    (NON_RETRYABLE_ERROR_TYPES as readonly string[]).includes(name) ||
    deterministicQueryErrorCode(error) !== null
  );
}

function isNoSuchUpload(error: unknown): boolean {
  return (error as { name?: string })?.name === 'NoSuchUpload';
}

/**
 * Streams one batch of candidate rows from the database cursor through SHA-256 and gzip into S3, writes the
 * manifest and metadata, and returns only after S3 reports the size and checksum that were sent. Rows never
 * leave the activity. Every object is written once (`If-None-Match: *`): keys are deterministic, and an attempt
 * that finds another's object standing at its key (a retry after a crash, a stale attempt that outlived its
 * heartbeat timeout, a workflow reset) leaves it as it is and describes the batch by what it holds.
 */
export function createArchiveBatch(deps: ActivityDeps) {
  // One read of the archive per full-scanned table on this worker, shared by the table's batches.
  const archivedLines = new ArchivedLinesCache();

  /** The lines a full scan skips; the activity heartbeats while the first batch reads them. */
  async function alreadyArchived(input: ArchiveBatchInput, table: string): Promise<ArchivedLines> {
    const context = Context.current();
    const key = JSON.stringify([
      deps.storage.bucket,
      deps.storage.prefix,
      input.database,
      table,
      input.runId,
    ]);
    // The details a retry resumes its upload from stay as they are.
    const details = context.info.heartbeatDetails as ArchiveHeartbeat | undefined;
    const beat = setInterval(
      () => context.heartbeat(details ?? ({ rows: 0 } satisfies ArchiveHeartbeat)),
      1000,
    );
    try {
      return await archivedLines.get(key, () =>
        loadArchivedLines(deps, { database: input.database, table, runId: input.runId }),
      );
    } finally {
      clearInterval(beat);
    }
  }

  return async function archiveBatch(input: ArchiveBatchInput): Promise<ArchivedBatch | null> {
    const context = Context.current();
    const engine = deps.engines.get(input.database);
    const { table, predicate } = await resolveTable(
      engine,
      input.table,
      input.cutoffMs,
      input.notBeforeMs,
      input,
    );
    // A full scan re-reads rows earlier runs archived: a row whose line is in the archive is skipped.
    const archived =
      input.fullScan === true && input.order === 'timestamp'
        ? await alreadyArchived(input, table.qualifiedName)
        : null;
    const skip = archived ? (lineSha256: string) => archived.has(lineSha256) : undefined;
    let read = 0;
    let lastRead: ExtractedRow | null = null;
    // The run's compression, the same for every attempt of the batch (see TableSpec.compression and runCompression).
    const compression = runCompression(input.table.compression, deps.storage);
    const keys = batchKeys(
      deps.storage.prefix,
      input.database,
      table.qualifiedName,
      input.runId,
      input.batchSeq,
      compression.name,
    );
    const digest = new BatchDigest(table, input.table.timestampColumn);
    const rows = engine.streamRows({ ...predicate, afterKey: input.afterKey, limit: input.table.batchSize });
    // A retry after a crash finds the interrupted multipart upload in its heartbeat details and resumes it.
    const resume = (context.info.heartbeatDetails as ArchiveHeartbeat | undefined)?.upload;
    let checkpoint: UploadCheckpoint | undefined = resume;
    const upload = new ObjectUpload({
      s3: deps.s3,
      bucket: deps.storage.bucket,
      key: keys.data,
      contentType: compressionSpec(compression.name).contentType,
      multipartThresholdBytes: deps.storage.multipartThresholdBytes,
      partSizeBytes: deps.storage.partSizeBytes,
      signal: context.cancellationSignal,
      writeOnce: true,
      resume,
      onCheckpoint: (c) => {
        checkpoint = c;
        context.heartbeat({ rows: digest.rows, upload: c } satisfies ArchiveHeartbeat);
      },
    });

    // Lines go to the compressor in runs of about STREAM_CHUNK_BYTES (see there).
    async function* chunks(source: AsyncIterable<ExtractedRow[]>): AsyncGenerator<Buffer> {
      // Lines gather as text (its length in UTF-16 units is a close enough measure of the chunk) and become
      // bytes once per chunk.
      let pending = '';
      let heartbeatAt = HEARTBEAT_EVERY_ROWS;
      for await (const extracted of source) {
        for (const row of extracted) {
          read += 1;
          lastRead = row;
          const line = digest.add(row, skip);
          if (line === null) continue;
          pending += line;
          if (pending.length >= STREAM_CHUNK_BYTES) {
            yield digest.write(pending);
            pending = '';
          }
        }
        if (read >= heartbeatAt) {
          heartbeatAt = read + HEARTBEAT_EVERY_ROWS;
          context.heartbeat({ rows: digest.rows, upload: checkpoint } satisfies ArchiveHeartbeat);
        }
        // Cancellation arrives with heartbeats; stopping here leaves nothing deleted and the upload aborted below.
        context.cancellationSignal.throwIfAborted();
      }
      if (pending.length > 0) yield digest.write(pending);
    }

    let uploaded: UploadResult | null;
    // An early heartbeat lets a cancellation reach even a batch too small for the per-1,000-rows heartbeat.
    // It carries the checkpoint along: details replace the previous ones, and a retry that fails before its first
    // part must still leave the next retry the upload to resume.
    context.heartbeat({ rows: 0, upload: checkpoint } satisfies ArchiveHeartbeat);
    try {
      await pipeline(
        Readable.from(chunks(rows)),
        createCompressor(compression.name, compression.level),
        async (compressed: AsyncIterable<Buffer>) => {
          for await (const chunk of compressed) await upload.write(chunk);
        },
      );
      if (read === 0) return null;
      // Every row read was archived before: nothing to write, and the scan goes on after the last one.
      if (digest.rows === 0) return skippedBatch(read, lastRead!);
      uploaded = await upload.finish();
    } catch (error) {
      // Another attempt's object stands at the key (the upload of this one was refused, and its parts aborted):
      // it may hold the only copy of rows already deleted, so it stays as it is; described below.
      if (error instanceof ObjectExistsError) {
        uploaded = null;
        context.heartbeat({ rows: digest.rows } satisfies ArchiveHeartbeat);
      } else {
        await dropUnlessResumable(error);
        throw error;
      }
    }
    const sha256 = digest.sha256();
    let contents: BatchContents;
    if (uploaded) {
      const stored = await headObject(deps.s3, deps.storage.bucket, keys.data);
      if (stored.size !== uploaded.size || stored.checksumSha256 !== uploaded.checksumSha256) {
        throw new ChecksumMismatchError(
          keys.data,
          uploaded.checksumSha256,
          stored.checksumSha256 ?? `none (size ${stored.size})`,
        );
      }
      contents = {
        digest,
        sha256,
        compressedBytes: uploaded.size,
        s3ChecksumSha256: uploaded.checksumSha256,
      };
    } else {
      const standing = await describeStandingObject(deps, keys, input.batchSeq, table, digest);
      if ('sealed' in standing) return batchOf(standing.sealed);
      contents = standing.contents;
    }
    return batchOf(await seal(contents));

    async function dropUnlessResumable(error: unknown): Promise<void> {
      // Keep the upload for the retry after a passing failure; drop it when the run stops, the failure is
      // final, or the parts no longer match (the rows changed): then the retry starts the object afresh.
      // A cancellation is the run stopping only when it was asked for: an attempt that timed out (its heartbeats
      // were late, a server was down) or a worker shutting down leaves the upload to the retry that resumes it.
      if (
        context.cancellationDetails?.cancelRequested === true ||
        isFinal(error) ||
        error instanceof UploadResumeMismatchError ||
        isNoSuchUpload(error)
      ) {
        await upload.abort();
        context.heartbeat({ rows: 0 } satisfies ArchiveHeartbeat);
      }
    }

    /**
     * Writes the manifest, then the meta, each once: one another attempt wrote first describes the same object
     * (the object is written once, and every manifest and meta is made from its bytes), and stands. The batch is
     * what the standing meta says.
     */
    async function seal({ digest: rows, sha256, compressedBytes, s3ChecksumSha256 }: BatchContents) {
      const manifest: BatchManifest = {
        version: 1,
        table: table.qualifiedName,
        primaryKey: table.primaryKey,
        keys: rows.keys,
        lineSha256: rows.lineSha256,
        rowHash: rows.rowHash,
      };
      const once = { cache: deps.sidecars, writeOnce: true };
      await putJson(deps.s3, deps.storage.bucket, keys.manifest, manifest, { ...once, compact: true });
      const meta: BatchMeta = {
        version: 1,
        engine: engine.kind,
        database: input.database,
        table: table.qualifiedName,
        runId: input.runId,
        batch: input.batchSeq,
        dataKey: keys.data,
        manifestKey: keys.manifest,
        rowCount: rows.rows,
        sha256,
        compressedBytes,
        compression: compression.name,
        s3ChecksumSha256,
        cutoff: new Date(input.cutoffMs).toISOString(),
        timestampColumn: input.table.timestampColumn,
        minTimestamp: rows.minTimestamp,
        maxTimestamp: rows.maxTimestamp,
        firstKey: rows.keys[0]!,
        lastKey: rows.keys[rows.keys.length - 1]!,
        columns: table.columns,
        primaryKey: table.primaryKey,
        indexes: table.indexes,
        toolVersion: TOOL_VERSION,
        createdAt: new Date().toISOString(),
      };
      if (await putJson(deps.s3, deps.storage.bucket, keys.meta, meta, once)) return meta;
      return getJson<BatchMeta>(deps.s3, deps.storage.bucket, keys.meta);
    }

    function batchOf(meta: BatchMeta): ArchivedBatch {
      return {
        rows: meta.rowCount,
        dataKey: meta.dataKey,
        sha256: meta.sha256,
        compressedBytes: meta.compressedBytes,
        firstKey: meta.firstKey,
        lastKey: meta.lastKey,
        maxTimestamp: meta.maxTimestamp,
        ...(archived ? { scan: scanOf(read, lastRead!) } : {}),
      };
    }

    function scanOf(rows: number, last: ExtractedRow): BatchScan {
      const timestamp = last.row[input.table.timestampColumn];
      if (timestamp === null || timestamp === undefined) {
        throw new Error(
          `${table.qualifiedName}: a row read in timestamp order has no ${input.table.timestampColumn}`,
        );
      }
      return {
        read: rows,
        alreadyArchived: rows - digest.rows,
        position: { timestamp, key: table.primaryKey.map((k) => last.row[k] ?? '') },
      };
    }

    function skippedBatch(rows: number, last: ExtractedRow): ArchivedBatch {
      return {
        rows: 0,
        dataKey: '',
        sha256: '',
        compressedBytes: 0,
        firstKey: [],
        lastKey: [],
        maxTimestamp: null,
        scan: scanOf(rows, last),
      };
    }
  };
}
