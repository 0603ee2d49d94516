/**
 * A database workflow reset (Temporal Web UI or `temporal workflow reset`) to before a batch's delete re-runs
 * that batch under the same object keys. Rows with those keys may exist again by then (restored, or written
 * anew); archiving them over the object whose rows the first delete removed would lose those rows. The archive
 * refuses instead: the batch fails with BatchAlreadyDeletedError and the object is left as it was.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import type { DatabaseReport } from '../../src/shared';
import { isDataKey } from '../../src/storage';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { createBucket, s3Client } from '../helpers/services';

describe('workflow reset to before a delete', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('does not archive over a batch whose rows were deleted; the object stays as it was', async () => {
    const table = await EventsTable.create('postgres', 'reset');
    const bucket = await createBucket(s3, 'reset');
    await table.insert(1, 30, 200, (id) => `first ${id}`);
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 10 }));
    try {
      const { report } = await pipeline.runFleet();
      expect(report.databases[0]!.tables[0]).toMatchObject({ archived: 30, deleted: 30 });
      const [first] = await dataObjects(s3, bucket);
      const before = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: first! }));

      // Rows 1..10 exist again, with other contents, when the reset re-runs batch 0.
      await table.insert(1, 10, 200, (id) => `second ${id}`);
      const handle = pipeline.client.workflow.getHandle(`archive-db-${table.database}`);
      const history = await handle.fetchHistory();
      const firstTask = history.events!.find((e) => e.workflowTaskCompletedEventAttributes)!;
      const { runId } = await handle.describe();
      const reset = await pipeline.client.workflowService.resetWorkflowExecution({
        namespace: pipeline.config.temporal.namespace,
        workflowExecution: { workflowId: handle.workflowId, runId },
        workflowTaskFinishEventId: firstTask.eventId,
        reason: 'test: reset to before the first batch',
        requestId: randomUUID(),
      } as temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest);
      const result = (await pipeline.client.workflow
        .getHandle(handle.workflowId, reset.runId!)
        .result()) as DatabaseReport;

      expect(result.tables[0]).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/already deleted rows from the source/),
      });
      const after = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: first! }));
      expect(after.ETag).toBe(before.ETag);
      expect(await table.ids()).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });
});

async function dataObjects(s3: S3Client, bucket: string): Promise<string[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return Contents.map((o) => o.Key!)
    .filter(isDataKey)
    .sort();
}
