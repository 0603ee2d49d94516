/**
 * `archiver run --full-scan`: an archive-only table reads its whole old range again and archives exactly the rows
 * its archive does not hold as they are (rows that arrived behind the watermark, rows changed since), never an
 * unchanged row twice, and moves the watermark to the end of the range. A full scan stopped before its end goes
 * on in the next run, still skipping.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { loadState, s3StateStore, stateKey } from '../../src/storage';
import type { Watermark } from '../../src/activities/save-watermark';
import type { TableReport } from '../../src/shared';
import { archivedKeys, archivedLineHashes } from '../helpers/archived-keys';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { createBucket, s3Client } from '../helpers/services';

const DAY_MS = 86_400_000;

async function runTable(
  pipeline: TestPipeline,
  options: Parameters<TestPipeline['runFleet']>[0] = {},
): Promise<TableReport> {
  const { report } = await pipeline.runFleet(options);
  return report.databases[0]!.tables[0]!;
}

function qualified(table: EventsTable): string {
  return table.engine === 'postgres' ? 'public.events' : `${table.database}.events`;
}

async function watermarkOf(s3: S3Client, bucket: string, table: EventsTable): Promise<Watermark> {
  const load = await loadState<Watermark>(
    s3StateStore(s3, bucket),
    stateKey('t', table.database, qualified(table), 'watermark'),
  );
  if (load.status !== 'ok') throw new Error(`watermark ${load.status}`);
  return load.value;
}

describe('a full scan archives the rows behind the watermark, and no row twice', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it.each(['postgres', 'mysql'] as const)(
    '%s: after a back-dated insert and a change, exactly those rows are archived; the watermark moves to the end',
    async (engine) => {
      const table = await EventsTable.create(engine, 'fullscan');
      const bucket = await createBucket(s3, 'fullscan');
      await table.insert(1, 300, 200, (id) => `row ${id}`);
      const pipeline = await startPipeline(
        eventsConfigYaml([table], { bucket, batchSize: 70, tableExtra: () => ', delete: false' }),
      );
      try {
        expect(await runTable(pipeline)).toMatchObject({ status: 'completed', archived: 300 });
        // Back-dated rows (250 days old, before the last archived row's 200 days) and an archived row changed.
        await table.insert(301, 310, 250, (id) => `back-dated ${id}`);
        await table.update(5, 'changed after it was archived');
        expect(await runTable(pipeline)).toMatchObject({
          archived: 0,
          watermark: 'ok',
          start: { after: { key: ['300'] } },
        });

        const dry = await runTable(pipeline, { dryRun: true, fullScan: true });
        expect(dry).toMatchObject({
          archived: 310,
          watermark: 'full-scan',
          start: { after: null, fullScan: true },
        });

        const full = await runTable(pipeline, { fullScan: true });
        expect(full).toMatchObject({
          status: 'completed',
          archived: 11,
          alreadyArchived: 299,
          watermark: 'full-scan',
          start: { after: null, notBefore: null, fullScan: true },
        });
        const watermark = await watermarkOf(s3, bucket, table);
        expect(watermark.position?.key).toEqual(['300']);
        expect(watermark.fullScan).toBeUndefined();
        expect(watermark.completed).toBe(true);

        expect(await runTable(pipeline)).toMatchObject({
          archived: 0,
          watermark: 'ok',
          start: { after: { key: ['300'] } },
        });
        // A second full scan finds everything archived.
        expect(await runTable(pipeline, { fullScan: true })).toMatchObject({
          archived: 0,
          alreadyArchived: 310,
          batches: 0,
        });

        const lines = await archivedLineHashes(s3, bucket);
        expect(lines).toHaveLength(311);
        expect(new Set(lines).size).toBe(311);
        const keys = await archivedKeys(s3, bucket);
        expect(keys.filter((k) => k === '["5"]')).toHaveLength(2);
        expect(new Set(keys).size).toBe(310);
        expect(await table.ids()).toHaveLength(310);
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );

  it.each(['postgres', 'mysql'] as const)(
    '%s: a full scan that failed part way goes on in the next run, still skipping archived rows',
    async (engine) => {
      const table = await EventsTable.create(engine, 'fullscanfail');
      const bucket = await createBucket(s3, 'fullscanfail');
      await table.insert(1, 100, 200, (id) => `row ${id}`);
      // The second batch of the first full scan fails for good: the table fails after one batch.
      let failNext = false;
      let fullScanBatches = 0;
      const pipeline = await startPipeline(
        eventsConfigYaml([table], { bucket, batchSize: 30, tableExtra: () => ', delete: false' }),
        (real) => ({
          async archiveBatch(input) {
            if (input.fullScan === true && failNext && ++fullScanBatches === 2) {
              failNext = false;
              throw ApplicationFailure.nonRetryable(
                'injected: the worker lost its database',
                'InjectedError',
              );
            }
            return real.archiveBatch(input);
          },
        }),
      );
      try {
        expect(await runTable(pipeline)).toMatchObject({ archived: 100 });
        // Behind the watermark: one before every archived row, three among them (rows are a minute apart).
        const t0 = Date.now() - 200 * DAY_MS;
        const at: Record<number, number> = { 1001: t0 - 50 * DAY_MS, 1002: t0 + 40.5 * 60_000 };
        Object.assign(at, { 1003: t0 + 70.5 * 60_000, 1004: t0 + 95.5 * 60_000 });
        await table.insertAt([1001, 1002, 1003, 1004], (id) => new Date(at[id]!));
        // And one after it, which an incremental run would archive too.
        await table.insertAt([2001], () => new Date(t0 + 144 * 60_000));

        failNext = true;
        const failed = await runTable(pipeline, { fullScan: true });
        expect(failed).toMatchObject({ status: 'failed', watermark: 'full-scan' });
        expect(failed.error).toContain('injected');
        // The first batch read 30 rows: the row before them all and 29 archived ones.
        expect(failed).toMatchObject({ archived: 1, alreadyArchived: 29 });
        const paused = await watermarkOf(s3, bucket, table);
        expect(paused.fullScan).toBe(true);
        expect(paused.position?.key).toEqual(['29']);

        // The next run, without the flag, goes on with the full scan after where it stopped.
        const resumed = await runTable(pipeline);
        expect(resumed).toMatchObject({
          status: 'completed',
          archived: 4,
          alreadyArchived: 71,
          watermark: 'full-scan',
          start: { after: paused.position, fullScan: true },
        });
        const done = await watermarkOf(s3, bucket, table);
        expect(done.fullScan).toBeUndefined();
        expect(done.position?.key).toEqual(['2001']);
        expect(await runTable(pipeline)).toMatchObject({ archived: 0, watermark: 'ok' });

        const lines = await archivedLineHashes(s3, bucket);
        expect(lines).toHaveLength(105);
        expect(new Set(lines).size).toBe(105);
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );
});
