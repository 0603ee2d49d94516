import { createHash } from 'node:crypto';
import { log } from '@temporalio/activity';
import type { BatchRef, VerifyBatchResult } from '../shared';
import { decodeRow } from '../codec';
import { ChecksumMismatchError, VerificationFailedError } from '../errors';
import { readBatchSidecars } from './batch-sidecars';
import type { ActivityDeps } from './deps';
import { assertStoredAsUploaded, readObjectLines } from './read-lines';
import { resolveTable } from './resolve-table';
import { sampleIndexes, sampleSize } from './sample';

/**
 * Re-reads a finished batch from S3: the whole object must still hash to its recorded SHA-256, and a random
 * sample of the deleted keys must be gone from the source and present, with the recorded line hash, in the object.
 */
export function createVerifyBatch(deps: ActivityDeps) {
  return async function verifyBatch(input: BatchRef): Promise<VerifyBatchResult> {
    const { bucket } = deps.storage;
    const engine = deps.engines.get(input.database);
    // The deletion record and the table matter only where the batch's rows were deleted.
    const [{ meta, manifest, record }, resolved] = await Promise.all([
      readBatchSidecars(deps, input.dataKey, input.table.delete),
      input.table.delete ? resolveTable(engine, input.table, input.cutoffMs) : null,
    ]);
    await assertStoredAsUploaded(deps.s3, bucket, meta);
    const lineOf = new Map(manifest.keys.map((key, i) => [JSON.stringify(key), i]));
    const population = record ? record.deleted : manifest.keys;
    const sample = sampleIndexes(population.length, sampleSize(population.length, input.table.verify)).map(
      (i) => population[i]!,
    );
    const wanted = new Map(sample.map((key) => [lineOf.get(JSON.stringify(key)) ?? -1, key]));
    const problems: string[] = [];
    if (wanted.has(-1)) problems.push('a deleted key is missing from the manifest');

    const read = await readObjectLines(
      deps.s3,
      bucket,
      input.dataKey,
      meta.sha256,
      (line, index) => {
        const key = wanted.get(index);
        if (!key) return;
        const lineHash = createHash('sha256').update(line, 'utf8').digest('hex');
        const row = decodeRow(line);
        const rowKey = manifest.primaryKey.map((k) => row[k] ?? '');
        if (lineHash !== manifest.lineSha256[index])
          problems.push(`line ${index}: hash differs from the manifest`);
        if (JSON.stringify(rowKey) !== JSON.stringify(key)) problems.push(`line ${index}: holds another key`);
      },
      (index) => wanted.has(index),
    );
    if (read.sha256 !== meta.sha256) throw new ChecksumMismatchError(input.dataKey, meta.sha256, read.sha256);
    if (read.lines !== meta.rowCount)
      problems.push(`object has ${read.lines} lines, metadata says ${meta.rowCount}`);

    if (record && resolved && sample.length > 0) {
      const present = await engine.existingKeys(resolved.table, sample);
      if (present.size > 0)
        problems.push(`${present.size} deleted keys are back in the source, e.g. ${[...present][0]}`);
    }
    if (problems.length > 0) throw new VerificationFailedError(input.dataKey, problems);
    log.info('Batch verified', {
      database: input.database,
      table: meta.table,
      batch: meta.batch,
      sampled: sample.length,
    });
    return { verified: sample.length };
  };
}
