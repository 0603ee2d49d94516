import { Context } from '@temporalio/activity';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  NON_RETRYABLE_ERROR_TYPES,
  type ArchiveBatchInput,
  type ArchivedBatch,
  type BatchScan,
} from '../shared';
import { deterministicQueryErrorCode, type ExtractedRow } from '../engines';
import {
  batchKeys,
  headObject,
  ObjectUpload,
  objectExists,
  putJson,
  sidecarKeys,
  UploadResumeMismatchError,
  type BatchManifest,
  type BatchMeta,
  type UploadCheckpoint,
} from '../storage';
import { BatchAlreadyDeletedError, ChecksumMismatchError } from '../errors';
import { TOOL_VERSION } from '../version';
import type { ActivityDeps } from './deps';
import { BatchDigest } from './batch-writer';
import { resolveTable } from './resolve-table';
import { ArchivedLinesCache, loadArchivedLines, type ArchivedLines } from './archived-lines';

const HEARTBEAT_EVERY_ROWS = 1000;
const CHUNK_BYTES = 64 * 1024;

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
 * leave the activity; a retry rewrites the same keys.
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
    const keys = batchKeys(
      deps.storage.prefix,
      input.database,
      table.qualifiedName,
      input.runId,
      input.batchSeq,
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
      contentType: 'application/x-ndjson',
      multipartThresholdBytes: deps.storage.multipartThresholdBytes,
      partSizeBytes: deps.storage.partSizeBytes,
      signal: context.cancellationSignal,
      resume,
      onCheckpoint: (c) => {
        checkpoint = c;
        context.heartbeat({ rows: digest.rows, upload: c } satisfies ArchiveHeartbeat);
      },
    });

    // Lines go to gzip in chunks of about CHUNK_BYTES: zlib runs every write as a job of its own on the thread
    // pool, so a write per row costs more than the compression itself.
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
          if (pending.length >= CHUNK_BYTES) {
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

    let uploaded;
    // An early heartbeat lets a cancellation reach even a batch too small for the per-1,000-rows heartbeat.
    // It carries the checkpoint along: details replace the previous ones, and a retry that fails before its first
    // part must still leave the next retry the upload to resume.
    context.heartbeat({ rows: 0, upload: checkpoint } satisfies ArchiveHeartbeat);
    try {
      await pipeline(
        Readable.from(chunks(rows)),
        createGzip({ level: deps.storage.compressionLevel }),
        async (compressed: AsyncIterable<Buffer>) => {
          for await (const chunk of compressed) await upload.write(chunk);
        },
      );
      if (read === 0) return null;
      // Every row read was archived before: nothing to write, and the scan goes on after the last one.
      if (digest.rows === 0) return skippedBatch(read, lastRead!);
      // Keys are deterministic, so a workflow reset to before this batch's delete would archive other rows (or
      // the same rows, changed) over the object that holds the rows its delete removed; so would an attempt
      // that outlived its heartbeat timeout while a later attempt's batch was deleted. Checked right before the
      // object becomes visible (parts uploaded so far replace nothing), which leaves the smallest window.
      if (await objectExists(deps.s3, deps.storage.bucket, sidecarKeys(keys.data).deleted)) {
        throw new BatchAlreadyDeletedError(keys.data, input.batchSeq);
      }
      uploaded = await upload.finish();
    } catch (error) {
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
      throw error;
    }

    const stored = await headObject(deps.s3, deps.storage.bucket, keys.data);
    if (stored.size !== uploaded.size || stored.checksumSha256 !== uploaded.checksumSha256) {
      throw new ChecksumMismatchError(
        keys.data,
        uploaded.checksumSha256,
        stored.checksumSha256 ?? `none (size ${stored.size})`,
      );
    }
    const sha256 = digest.sha256();
    const manifest: BatchManifest = {
      version: 1,
      table: table.qualifiedName,
      primaryKey: table.primaryKey,
      keys: digest.keys,
      lineSha256: digest.lineSha256,
      rowHash: digest.rowHash,
    };
    await putJson(deps.s3, deps.storage.bucket, keys.manifest, manifest, {
      compact: true,
      cache: deps.sidecars,
    });
    const firstKey = digest.keys[0]!;
    const lastKey = digest.keys[digest.keys.length - 1]!;
    const meta: BatchMeta = {
      version: 1,
      engine: engine.kind,
      database: input.database,
      table: table.qualifiedName,
      runId: input.runId,
      batch: input.batchSeq,
      dataKey: keys.data,
      manifestKey: keys.manifest,
      rowCount: digest.rows,
      sha256,
      compressedBytes: uploaded.size,
      s3ChecksumSha256: uploaded.checksumSha256,
      cutoff: new Date(input.cutoffMs).toISOString(),
      timestampColumn: input.table.timestampColumn,
      minTimestamp: digest.minTimestamp,
      maxTimestamp: digest.maxTimestamp,
      firstKey,
      lastKey,
      columns: table.columns,
      primaryKey: table.primaryKey,
      indexes: table.indexes,
      toolVersion: TOOL_VERSION,
      createdAt: new Date().toISOString(),
    };
    await putJson(deps.s3, deps.storage.bucket, keys.meta, meta, { cache: deps.sidecars });
    return {
      rows: digest.rows,
      dataKey: keys.data,
      sha256,
      compressedBytes: uploaded.size,
      firstKey,
      lastKey,
      maxTimestamp: digest.maxTimestamp,
      ...(archived ? { scan: scanOf(read, lastRead!) } : {}),
    };

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
