import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { RestoreBatchInput, RestoreBatchResult } from '../shared/restore';
import { getJson, getJsonIfExists, sidecarKeys, type BatchMeta, type DeletionRecord } from '../storage';
import { decodeRow, splitLines, timestampMicros } from '../codec';
import { VerificationFailedError } from '../errors';
import type { ActivityDeps } from './deps';
import { mapColumns, projectRows, selectRows } from './restore-rows';
import { verifyArchivedObject } from './restore-verify';

/**
 * Restores one part of one archived batch (see RestorePart). The object is downloaded and checked against its
 * metadata and S3's stored checksum before anything is inserted; a mismatch fails this batch alone
 * (ChecksumMismatchError, not retried). The rows go in through one engine call, which is one transaction: a
 * batch is restored whole or not at all, and keys already in the target are left as they are.
 */
export function createRestoreBatch(deps: ActivityDeps) {
  return async function restoreBatch(input: RestoreBatchInput): Promise<RestoreBatchResult> {
    const { s3, storage } = deps;
    const context = Context.current();
    const sidecars = sidecarKeys(input.dataKey);
    const meta = await getJson<BatchMeta>(s3, storage.bucket, sidecars.meta);
    const response = await s3.send(
      new GetObjectCommand({ Bucket: storage.bucket, Key: input.dataKey, ChecksumMode: 'ENABLED' }),
    );
    const compressed = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
    context.heartbeat({ downloaded: compressed.length });
    const text = verifyArchivedObject(input.dataKey, meta, compressed, response.ChecksumSHA256).toString(
      'utf8',
    );
    const rows = splitLines(text).map(decodeRow);
    if (rows.length !== meta.rowCount) {
      throw new VerificationFailedError(input.dataKey, [
        `${rows.length} lines, metadata says ${meta.rowCount}`,
      ]);
    }

    const record = await getJsonIfExists<DeletionRecord>(s3, storage.bucket, sidecars.deleted);
    const { selected, outOfRange } = selectRows(rows, {
      part: input.part,
      primaryKey: meta.primaryKey,
      deletedKeys: new Set((record?.deleted ?? []).map((k) => JSON.stringify(k))),
      timestampColumn: meta.timestampColumn,
      from: input.from ? timestampMicros(input.from) : null,
      to: input.to ? timestampMicros(input.to) : null,
    });

    const engine = deps.engines.get(input.database);
    const target = await engine.introspect(input.target);
    const mapping = mapColumns(
      meta.columns.map((c) => c.name),
      target.columns.map((c) => c.name),
    );
    const unkeyed = target.primaryKey.filter((k) => !mapping.mapped.includes(k));
    if (unkeyed.length > 0) {
      throw ApplicationFailure.create({
        type: 'RestoreMappingError',
        message: `Target ${target.qualifiedName} has primary-key columns the archive lacks (${unkeyed.join(', ')}); rows cannot be restored into it.`,
        nonRetryable: true,
      });
    }
    if (mapping.unmapped.length > 0) {
      log.warn('Archived columns missing from the restore target are not restored', {
        dataKey: input.dataKey,
        target: target.qualifiedName,
        columns: mapping.unmapped,
      });
    }
    context.heartbeat({ inserting: selected.length });
    const inserted = await engine.insertRows(target, projectRows(selected, mapping.mapped));
    return {
      dataKey: input.dataKey,
      rows: selected.length,
      inserted,
      skippedExisting: selected.length - inserted,
      outOfRange,
      unmappedColumns: mapping.unmapped,
      missingColumns: mapping.missing,
    };
  };
}
