/**
 * A multipart upload interrupted mid-way resumes on the activity's retry from the parts already in S3 (kept in
 * heartbeat details), and produces the same object a clean run would.
 */
import { ListObjectsV2Command, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { getJson, isDataKey, sidecarKeys, type BatchMeta } from '../../src/storage';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { createBucket, s3Client } from '../helpers/services';

describe('resumable uploads', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('resume an interrupted multipart upload from its uploaded parts', async () => {
    const table = await EventsTable.create('postgres', 'resume');
    const bucket = await createBucket(s3, 'resume');
    // About 12 MB compressed from barely compressible rows: three or more 5 MiB parts in one batch.
    await table.insert(1, 4000, 200, () => randomBytes(3000).toString('base64'));
    const pipeline = await startPipeline(
      eventsConfigYaml([table], {
        bucket,
        batchSize: 10000,
        storageExtra: ', multipartThresholdBytes: 5242880, partSizeBytes: 5242880',
      }),
    );
    const sentParts: number[] = [];
    let failed = false;
    const send = pipeline.s3.send.bind(pipeline.s3) as (
      command: unknown,
      options?: unknown,
    ) => Promise<unknown>;
    // The network fails once, while the third part is on its way.
    (pipeline.s3 as unknown as { send: typeof send }).send = async (command, options) => {
      if (command instanceof UploadPartCommand) {
        const part = command.input.PartNumber!;
        if (part === 3 && !failed) {
          failed = true;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        sentParts.push(part);
      }
      return send(command, options);
    };
    try {
      const { report } = await pipeline.runFleet();
      expect(report.databases[0]!.tables[0]).toMatchObject({
        status: 'completed',
        archived: 4000,
        deleted: 4000,
      });
      expect(failed).toBe(true);
      // Parts 1 and 2 went up once; the retry sent only part 3 onwards.
      expect(sentParts.filter((p) => p === 1)).toHaveLength(1);
      expect(sentParts.filter((p) => p === 2)).toHaveLength(1);
      expect(sentParts.filter((p) => p === 3)).toHaveLength(1);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const dataKey = (listed.Contents ?? []).map((o) => o.Key!).find(isDataKey)!;
      const meta = await getJson<BatchMeta>(s3, bucket, sidecarKeys(dataKey).meta);
      expect(meta.s3ChecksumSha256).toMatch(/-[3-9]$/);
      expect(report.databases[0]!.tables[0]!.verified).toBeGreaterThan(0);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });
});
