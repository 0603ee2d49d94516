import { heartbeat } from '@temporalio/activity';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { ArchiveBatchInput, ArchiveBatchResult } from '../shared';
import { encodeRow } from '../codec';
import { batchKeys, headObject, putJson, putObject } from '../storage';
import { ChecksumMismatchError } from '../errors';
import { TOOL_VERSION } from '../version';
import type { ActivityDeps } from './deps';
import { resolveTable } from './resolve-table';

export interface BatchManifest {
  version: 1;
  table: string;
  primaryKey: string[];
  /** Primary keys of the archived rows, as text values in key order. */
  keys: string[][];
}

/**
 * Reads one batch of candidate rows, writes them to S3 with manifest and metadata, and checks what S3 stored
 * before returning. Only keys, counts and checksums leave the activity.
 */
export function createArchiveBatch(deps: ActivityDeps) {
  return async function archiveBatch(input: ArchiveBatchInput): Promise<ArchiveBatchResult> {
    const engine = deps.engines.get(input.database);
    const { table, predicate } = await resolveTable(engine, input.table, input.cutoffMs);
    const columns = table.columns.map((c) => c.name);
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    const keys: string[][] = [];
    for await (const row of engine.streamRows({
      ...predicate,
      afterKey: input.afterKey,
      limit: input.table.batchSize,
    })) {
      const line = Buffer.from(encodeRow(row, columns), 'utf8');
      hash.update(line);
      chunks.push(line);
      keys.push(table.primaryKey.map((k) => row[k] ?? ''));
      if (keys.length % 1000 === 0) heartbeat({ rows: keys.length });
    }
    if (keys.length === 0) {
      return {
        rows: 0,
        dataKey: null,
        manifestKey: null,
        sha256: null,
        compressedBytes: 0,
        firstKey: null,
        lastKey: null,
      };
    }
    const sha256 = hash.digest('hex');
    const body = gzipSync(Buffer.concat(chunks));
    const objectKeys = batchKeys(
      deps.prefix,
      input.database,
      table.qualifiedName,
      input.runId,
      input.batchSeq,
    );
    await putObject(deps.s3, deps.bucket, objectKeys.data, body, 'application/x-ndjson');
    const stored = await headObject(deps.s3, deps.bucket, objectKeys.data);
    const expectedChecksum = createHash('sha256').update(body).digest('base64');
    if (stored.size !== body.length || stored.checksumSha256 !== expectedChecksum) {
      throw new ChecksumMismatchError(
        objectKeys.data,
        expectedChecksum,
        stored.checksumSha256 ?? `size ${stored.size}`,
      );
    }
    const manifest: BatchManifest = {
      version: 1,
      table: table.qualifiedName,
      primaryKey: table.primaryKey,
      keys,
    };
    await putJson(deps.s3, deps.bucket, objectKeys.manifest, manifest);
    await putJson(deps.s3, deps.bucket, objectKeys.meta, {
      version: 1,
      database: input.database,
      table: table.qualifiedName,
      runId: input.runId,
      batch: input.batchSeq,
      rowCount: keys.length,
      sha256Uncompressed: sha256,
      compressedBytes: body.length,
      cutoff: new Date(input.cutoffMs).toISOString(),
      firstKey: keys[0],
      lastKey: keys[keys.length - 1],
      columns: table.columns,
      primaryKey: table.primaryKey,
      toolVersion: TOOL_VERSION,
      createdAt: new Date().toISOString(),
    });
    return {
      rows: keys.length,
      dataKey: objectKeys.data,
      manifestKey: objectKeys.manifest,
      sha256,
      compressedBytes: body.length,
      firstKey: keys[0] ?? null,
      lastKey: keys[keys.length - 1] ?? null,
    };
  };
}
