/**
 * The archival pipeline's promises on the real services, for both engines: a row changed after extraction is
 * never deleted, a damaged object stops the delete, and no row data or secret reaches workflow history.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { decompressSync, getJson, isDataKey, sidecarKeys, type DeletionRecord } from '../../src/storage';
import { decodeRow, splitLines } from '../../src/codec';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { createBucket, s3Client } from '../helpers/services';

const ENGINES: EngineKind[] = ['postgres', 'mysql'];

async function dataKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? [])
    .map((o) => o.Key!)
    .filter(isDataKey)
    .sort();
}

async function objectRows(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<Record<string, string | null>[]> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await response.Body!.transformToByteArray());
  return splitLines(decompressSync(key, bytes).toString('utf8')).map(decodeRow);
}

describe.each(ENGINES)('%s: the archival pipeline', (engine) => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('keeps a row changed between archive and delete, archives it again next run, and records its last version as deleted', async () => {
    const table = await EventsTable.create(engine, 'changed');
    const bucket = await createBucket(s3, 'changed');
    await table.insert(1, 100, 200, (id) => `v1 of ${id}`);
    let changedOnce = false;
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 40 }), (real) => ({
      async deleteBatch(ref) {
        if (!changedOnce) {
          changedOnce = true;
          await table.update(7, 'v2 of 7');
        }
        return real.deleteBatch(ref);
      },
    }));
    try {
      const first = await pipeline.runFleet();
      const stats = first.report.databases[0]!.tables[0]!;
      expect(stats).toMatchObject({ status: 'completed', archived: 100, deleted: 99, skippedChanged: 1 });
      expect(await table.ids()).toEqual([7]);
      expect(await table.payload(7)).toBe('v2 of 7');

      const second = await pipeline.runFleet();
      expect(second.report.databases[0]!.tables[0]).toMatchObject({
        archived: 1,
        deleted: 1,
        skippedChanged: 0,
      });
      expect(await table.ids()).toEqual([]);

      // Two objects hold key 7; only the newer one's deletion record says it was deleted, with the v2 content.
      const versions: { payload: string | null; deleted: boolean }[] = [];
      for (const key of await dataKeys(s3, bucket)) {
        const record = await getJson<DeletionRecord>(s3, bucket, sidecarKeys(key).deleted);
        const deleted = new Set(record.deleted.map((k) => JSON.stringify(k)));
        for (const row of await objectRows(s3, bucket, key)) {
          if (row.id === '7')
            versions.push({ payload: row.payload ?? null, deleted: deleted.has(JSON.stringify(['7'])) });
        }
      }
      expect(versions).toEqual(
        expect.arrayContaining([
          { payload: 'v1 of 7', deleted: false },
          { payload: 'v2 of 7', deleted: true },
        ]),
      );
      expect(versions).toHaveLength(2);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('refuses to delete anything when the archived object was damaged after upload', async () => {
    const table = await EventsTable.create(engine, 'corrupt');
    const bucket = await createBucket(s3, 'corrupt');
    await table.insert(1, 30, 200, (id) => `row ${id}`);
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 100 }), (real) => ({
      async deleteBatch(ref) {
        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: ref.dataKey }));
        const body = Buffer.from(await response.Body!.transformToByteArray());
        body[body.length >> 1]! ^= 0xff;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: ref.dataKey, Body: body }));
        return real.deleteBatch(ref);
      },
    }));
    try {
      const { report } = await pipeline.runFleet();
      const stats = report.databases[0]!.tables[0]!;
      expect(report.status).toBe('failed');
      expect(stats.status).toBe('failed');
      expect(stats.error).toMatch(/SHA-256/);
      expect(stats.deleted).toBe(0);
      expect(await table.ids()).toHaveLength(30);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('fails verification loudly when the object is damaged after the delete', async () => {
    const table = await EventsTable.create(engine, 'verifyfail');
    const bucket = await createBucket(s3, 'verifyfail');
    await table.insert(1, 30, 200, (id) => `row ${id}`);
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 100 }), (real) => ({
      async verifyBatch(ref) {
        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: ref.dataKey }));
        const body = Buffer.from(await response.Body!.transformToByteArray());
        // Damage the compressed stream's tail (gzip's CRC, zstd's last block) so the decompressor itself reports
        // it, or the bytes hash differently.
        body[body.length - 6]! ^= 0xff;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: ref.dataKey, Body: body }));
        return real.verifyBatch(ref);
      },
    }));
    try {
      const { report } = await pipeline.runFleet();
      const stats = report.databases[0]!.tables[0]!;
      expect(stats).toMatchObject({ status: 'failed', archived: 30, deleted: 30, verified: 0 });
      expect(stats.error).toMatch(/batch 0: .*(SHA-256|check|crc|incorrect)/i);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('keeps rows and connection secrets out of workflow history', async () => {
    const table = await EventsTable.create(engine, 'history');
    const bucket = await createBucket(s3, 'history');
    const marker = `row-data-marker-${Date.now()}`;
    await table.insert(1, 25, 200, (id) => `${marker}-${id}`);
    // PostgreSQL's trust authentication accepts any password, so a secret can ride in its URL; MariaDB checks
    // passwords, so for it the secret rides in the query string, which the driver ignores.
    const secret = `pw-${Date.now()}`;
    const withSecret = (t: EventsTable) =>
      engine === 'postgres'
        ? t.url.replace('://postgres@', `://postgres:${secret}@`)
        : `${t.url}?connectTimeout=10000&x=${secret}`;
    const pipeline = await startPipeline(
      eventsConfigYaml([table], { bucket, batchSize: 10, urlFor: withSecret }),
    );
    try {
      const { workflowId, report } = await pipeline.runFleet();
      expect(report.status).toBe('completed');
      const histories = [
        await pipeline.client.workflow.getHandle(workflowId).fetchHistory(),
        await pipeline.client.workflow.getHandle(`archive-db-${table.database}`).fetchHistory(),
      ];
      const text = JSON.stringify(histories, (_k, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
      );
      expect(text).toContain('archiveBatch');
      expect(text).not.toContain(marker);
      expect(text).not.toContain(secret);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });
});
