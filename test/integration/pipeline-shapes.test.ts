/**
 * Runs whose shape stresses the pipeline: many batches (continue-as-new), a batch larger than the multipart
 * threshold, a gzip level other than the default, and a dry run.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { getJson, isDataKey, sidecarKeys, type BatchMeta } from '../../src/storage';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { createBucket, s3Client } from '../helpers/services';

async function objectKeys(s3: S3Client, bucket: string, keep: (key: string) => boolean): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key!).filter(keep);
}

describe('pipeline shapes', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('continues as new during a long table and still reports every batch', async () => {
    const table = await EventsTable.create('postgres', 'long');
    const bucket = await createBucket(s3, 'long');
    await table.insert(1, 240, 200, (id) => `row ${id}`);
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 10 }));
    try {
      const { report } = await pipeline.runFleet({ historyEventsLimit: 60 });
      expect(report.databases[0]!.tables[0]).toMatchObject({
        status: 'completed',
        archived: 240,
        deleted: 240,
        batches: 24,
      });
      expect(await table.ids()).toEqual([]);
      const runs = pipeline.client.workflow.list({ query: `WorkflowId = 'archive-db-${table.database}'` });
      let count = 0;
      for await (const run of runs) {
        expect(['COMPLETED', 'CONTINUED_AS_NEW']).toContain(run.status.name);
        count++;
      }
      expect(count).toBeGreaterThan(2);
      expect(await objectKeys(s3, bucket, isDataKey)).toHaveLength(24);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('uploads a batch above the multipart threshold in parts with a composite checksum', async () => {
    const table = await EventsTable.create('mysql', 'multipart');
    const bucket = await createBucket(s3, 'multipart');
    // Random payloads barely compress, so 2,500 rows of 4 KB make an object of about 7.5 MB.
    await table.insert(1, 2500, 200, () => randomBytes(3000).toString('base64'));
    const pipeline = await startPipeline(
      eventsConfigYaml([table], {
        bucket,
        batchSize: 5000,
        storageExtra: ', multipartThresholdBytes: 5242880, partSizeBytes: 5242880',
      }),
    );
    try {
      const { report } = await pipeline.runFleet();
      expect(report.databases[0]!.tables[0]).toMatchObject({
        status: 'completed',
        archived: 2500,
        deleted: 2500,
        verified: 25,
      });
      const [dataKey] = await objectKeys(s3, bucket, isDataKey);
      const meta = await getJson<BatchMeta>(s3, bucket, sidecarKeys(dataKey!).meta);
      expect(meta.compressedBytes).toBeGreaterThan(5_242_880);
      expect(meta.s3ChecksumSha256).toMatch(/-2$/);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('writes data objects at the configured gzip level, and they verify and read back', async () => {
    const table = await EventsTable.create('postgres', 'gzip1');
    const bucket = await createBucket(s3, 'gzip1');
    await table.insert(1, 300, 200, (id) => `row ${id} `.repeat(20));
    const pipeline = await startPipeline(
      eventsConfigYaml([table], {
        bucket,
        batchSize: 1000,
        storageExtra: ', compression: gzip, compressionLevel: 1',
      }),
    );
    try {
      const { report } = await pipeline.runFleet();
      expect(report.databases[0]!.tables[0]).toMatchObject({
        status: 'completed',
        archived: 300,
        deleted: 300,
      });
      expect(report.databases[0]!.tables[0]!.verified).toBeGreaterThan(0);
      const [dataKey] = await objectKeys(s3, bucket, isDataKey);
      const body = Buffer.from(
        await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: dataKey! }))
        ).Body!.transformToByteArray(),
      );
      expect(dataKey).toMatch(/\.jsonl\.gz$/);
      // The gzip header's XFL byte says how zlib compressed: 4 for its fastest level (1), 0 for the default (6).
      expect(body[8]).toBe(4);
      expect(gunzipSync(body).toString('utf8').trimEnd().split('\n')).toHaveLength(300);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('reports what a dry run would archive and changes nothing', async () => {
    const table = await EventsTable.create('mysql', 'dry');
    const bucket = await createBucket(s3, 'dry');
    await table.insert(1, 95, 200, (id) => `old ${id}`);
    await table.insert(1000, 1009, 1, (id) => `new ${id}`);
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 20 }));
    try {
      const { report } = await pipeline.runFleet({ dryRun: true });
      expect(report).toMatchObject({ status: 'completed', dryRun: true });
      expect(report.databases[0]!.tables[0]).toMatchObject({ archived: 95, batches: 5, deleted: 0 });
      expect(await table.ids()).toHaveLength(105);
      expect(await objectKeys(s3, bucket, () => true)).toEqual([]);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });
});
