/**
 * Stage profiler: where one batch's time goes. Seeds the benchmark table in the `perf` database, then runs the
 * real activities batch after batch (archiveBatch, deleteBatch, verifyBatch, saveWatermark; in Temporal's mock
 * activity environment, so no workflow scheduling is counted) with timing probes on the engine and the S3
 * client, and re-runs the CPU stages of the archive (encode, hashes, timestamps, gzip) on each batch's rows in
 * isolation. Prints a Markdown table.
 *
 *   npx tsx bench/profile-stages.ts --rows 200000 --batch 10000 --engine postgres|mariadb [--no-seed]
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { BatchDigest } from '../src/activities/batch-writer';
import type { ExtractedRow, TableInfo } from '../src/engines';
import { createS3Client } from '../src/storage';
import { createLockBackend } from '../src/locks';
import type { LockConfig } from '../src/config';
import type { ArchivedBatch, TableSpec } from '../src/shared';
import { rowEncoder, compareTimestampText } from '../src/codec';
import { InstrumentedRegistry, StageTimes, instrumentS3 } from './profile-instrument';
import { perfTarget, seedPerfTable, type ProfileEngine } from './profile-seed';

const DAY_MS = 86_400_000;

function options() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '200000' },
      batch: { type: 'string', default: '10000' },
      engine: { type: 'string', default: 'postgres' },
      'no-seed': { type: 'boolean', default: false },
      'gzip-levels': { type: 'string', default: '1,6' },
    },
  });
  const engine = values.engine as ProfileEngine;
  if (engine !== 'postgres' && engine !== 'mariadb') throw new Error('--engine postgres|mariadb');
  return {
    rows: Number(values.rows),
    batch: Number(values.batch),
    engine,
    seed: !values['no-seed'],
    gzipLevels: values['gzip-levels'].split(',').map(Number),
  };
}

/** The archive's CPU stages, one by one, on rows already extracted. */
function cpuStages(rows: ExtractedRow[], table: TableInfo, times: StageTimes, gzipLevels: number[]): void {
  const encode = rowEncoder(table.columns.map((c) => c.name));
  const lines = times.timeSync('cpu.encode (JSON line → bytes)', () =>
    rows.map((r) => Buffer.from(encode(r.row) + '\n', 'utf8')),
  );
  times.timeSync('cpu.sha256 of the object', () => {
    const hash = createHash('sha256');
    for (const line of lines) hash.update(line);
    return hash.digest('hex');
  });
  times.timeSync('cpu.lineSha256 (one hash per row)', () =>
    lines.map((line) =>
      createHash('sha256')
        .update(line.subarray(0, line.length - 1))
        .digest('hex'),
    ),
  );
  times.timeSync('cpu.timestamp min/max', () => {
    let min: string | null = null;
    let max: string | null = null;
    for (const { row } of rows) {
      const ts = row['created_at'] ?? null;
      if (ts === null) continue;
      if (min === null || compareTimestampText(ts, min) < 0) min = ts;
      if (max === null || compareTimestampText(ts, max) > 0) max = ts;
    }
    return [min, max];
  });
  times.timeSync('cpu.BatchDigest.add (all of the above, as archiveBatch runs it)', () => {
    const digest = new BatchDigest(table, 'created_at');
    let pending = '';
    for (const row of rows) {
      pending += digest.add(row);
      if (pending.length >= 64 * 1024) {
        digest.write(pending);
        pending = '';
      }
    }
    digest.write(pending);
    return digest.sha256();
  });
  const body = Buffer.concat(lines);
  for (const level of gzipLevels) {
    const compressed = times.timeSync(`cpu.gzip level ${level}`, () => gzipSync(body, { level }));
    times.add(`bytes.gzip level ${level}`, compressed.length);
  }
  times.add('bytes.uncompressed', body.length);
}

function report(times: StageTimes, rows: number, batches: number, wallMs: number): string {
  const out: string[] = [];
  const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0);
  out.push(`| stage | total ms | ms/batch | µs/row | calls | share of wall |`);
  out.push(`|---|---:|---:|---:|---:|---:|`);
  const entries = [...times.ms.entries()].filter(([k]) => !k.startsWith('bytes.'));
  entries.sort(([a], [b]) => a.localeCompare(b));
  for (const [stage, ms] of entries) {
    const calls = times.calls.get(stage) ?? 0;
    out.push(
      `| ${stage} | ${fmt(ms)} | ${fmt(ms / batches)} | ${fmt((ms * 1000) / rows)} | ${calls} | ${((ms / wallMs) * 100).toFixed(1)}% |`,
    );
  }
  const bytes = [...times.ms.entries()].filter(([k]) => k.startsWith('bytes.'));
  for (const [name, total] of bytes) out.push(`| ${name} per row | ${fmt(total / rows)} B | | | | |`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const opts = options();
  const target = perfTarget(opts.engine);
  if (opts.seed) {
    const start = performance.now();
    await seedPerfTable(opts.engine, opts.rows);
    console.error(`seeded ${opts.rows} rows in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const times = new StageTimes();
  let batchRows: ExtractedRow[] = [];
  const engines = new InstrumentedRegistry(
    [{ name: 'perf', engine: target.kind, url: target.url, pool: 4 }],
    times,
    (row) => batchRows.push(row),
  );
  const s3 = createS3Client({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true });
  const bucket = 'perf-profile';
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
  instrumentS3(s3, times);
  const locks = createLockBackend({ backend: 'none' } as LockConfig);
  const storage = {
    bucket,
    prefix: `profile-${Date.now()}`,
    multipartThresholdBytes: 16 * 1024 * 1024,
    partSizeBytes: 8 * 1024 * 1024,
    compression: 'gzip' as const,
    compressionLevel: 6,
  };
  const activities = createActivities({ engines, s3, locks, storage });
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN') });
  const table: TableSpec = {
    name: target.table,
    timestampColumn: 'created_at',
    olderThanMs: 90 * DAY_MS,
    batchSize: opts.batch,
    delete: true,
    drift: 'warn',
    verify: { samplePercent: 1, min: 10, max: 1000 },
  };
  const runId = `profile-${Date.now()}`;
  const cutoffMs = Date.now() - table.olderThanMs;
  const tableInfo = await engines.get('perf').introspect(target.table);
  times.ms.clear();
  times.calls.clear();

  let afterKey: string[] | null = null;
  let batchSeq = 0;
  let archived = 0;
  const wallStart = performance.now();
  const cpuMs = { total: 0 };
  for (;;) {
    batchRows = [];
    const batch: ArchivedBatch | null = await times.time('activity.archiveBatch', () =>
      env.run(activities.archiveBatch, {
        database: 'perf',
        runId,
        table,
        cutoffMs,
        batchSeq,
        afterKey,
        notBeforeMs: null,
      }),
    );
    if (batch === null) break;
    const ref = { database: 'perf', table, cutoffMs, dataKey: batch.dataKey };
    await times.time('activity.deleteBatch', () => env.run(activities.deleteBatch, ref));
    await times.time('activity.verifyBatch', () => env.run(activities.verifyBatch, ref));
    await times.time('activity.saveWatermark', () =>
      env.run(activities.saveWatermark, {
        database: 'perf',
        runId,
        table,
        lastKey: batch.lastKey,
        lastTimestamp: batch.maxTimestamp,
        archivedBefore: null,
        completed: false,
      }),
    );
    archived += batch.rows;
    batchSeq += 1;
    afterKey = batch.lastKey;
    // The isolated CPU stages run outside the measured wall time.
    const cpuStart = performance.now();
    cpuStages(batchRows, tableInfo, times, opts.gzipLevels);
    cpuMs.total += performance.now() - cpuStart;
    if (batch.rows < opts.batch) break;
  }
  const wallMs = performance.now() - wallStart - cpuMs.total;
  const rss = process.memoryUsage().rss;
  console.log(
    `## ${opts.engine}: ${archived} rows archived and deleted in ${batchSeq} batches of ${opts.batch}, ` +
      `${(wallMs / 1000).toFixed(2)} s of activity time, ${Math.round(archived / (wallMs / 1000))} rows/s ` +
      `(activities only, no Temporal scheduling), RSS ${Math.round(rss / 1048576)} MB\n`,
  );
  console.log(report(times, archived, Math.max(1, batchSeq), wallMs));
  await engines.closeAll();
  s3.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
