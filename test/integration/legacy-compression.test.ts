/**
 * A run started by a version from before runs carried their compression has no TableSpec.compression. On a
 * worker whose configuration takes the default (zstd), its batches must still be written as gzip.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { buildFleetInput } from '../../src/cli/fleet-input';
import { fleetWorkflowId, type FleetReport } from '../../src/shared';
import { getJson, isDataKey, sidecarKeys, type BatchMeta } from '../../src/storage';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { createBucket, s3Client } from '../helpers/services';

describe('a run without TableSpec.compression', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('writes gzip on a worker configured with the default zstd, and a fresh run writes zstd', async () => {
    const table = await EventsTable.create('postgres', 'legacy');
    const bucket = await createBucket(s3, 'legacy');
    await table.insert(1, 30, 200, (id) => `row ${id}`);
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 10 }));
    try {
      expect(pipeline.config.storage.compression).toBe('zstd');
      const input = buildFleetInput(pipeline.config, { databases: [], dryRun: false });
      for (const d of input.databases) for (const t of d.tables) delete t.compression;
      const handle = await pipeline.client.workflow.start('archiveFleet', {
        workflowId: `${fleetWorkflowId(Date.now())}-legacy`,
        taskQueue: pipeline.config.temporal.taskQueue,
        args: [input],
      });
      const report = (await handle.result()) as FleetReport;
      expect(report.databases[0]!.tables[0]).toMatchObject({ archived: 30, deleted: 30 });
      await table.insert(100, 109, 200, (id) => `row ${id}`);
      await pipeline.runFleet();
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!).filter(isDataKey);
      expect(keys.filter((k) => k.endsWith('.jsonl.gz'))).toHaveLength(3);
      expect(keys.filter((k) => k.endsWith('.jsonl.zst'))).toHaveLength(1);
      for (const key of keys.filter((k) => k.endsWith('.jsonl.gz'))) {
        expect(await getJson<BatchMeta>(s3, bucket, sidecarKeys(key).meta)).toMatchObject({
          compression: 'gzip',
        });
      }
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });
});
