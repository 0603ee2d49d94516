/**
 * ArchiverTable on a database workflow of several tables names the table the run is working on: the workflow
 * upserts it as it moves from one table to the next, so the Web UI finds the run by the table it is busy with.
 * (A database of one table has it from the start; see run-memo.test.ts and webui.test.ts.)
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { buildFleetInput } from '../../src/cli/fleet-input';
import {
  databaseWorkflowId,
  TABLE_SEARCH_ATTRIBUTE,
  type FleetInput,
  type FleetReport,
} from '../../src/shared';
import { EventsTable } from '../helpers/events-table';
import { slowArchiveBatch, startPipeline, type TestPipeline } from '../helpers/pipeline';
import {
  createBucket,
  pgConnect,
  s3Client,
  S3_ENDPOINT,
  TEMPORAL_ADDRESS,
  uniqueName,
} from '../helpers/services';

describe('the ArchiverTable search attribute of a database with several tables', () => {
  let s3: S3Client;
  let table: EventsTable;
  let pipeline: TestPipeline;

  beforeAll(async () => {
    s3 = s3Client();
    table = await EventsTable.create('postgres', 'lp_search');
    await table.insert(1, 120, 120, (id) => `old ${id}`);
    const client = await pgConnect(table.url);
    await client.query(
      'CREATE TABLE audit (LIKE events INCLUDING ALL); INSERT INTO audit SELECT * FROM events',
    );
    await client.end();
    const bucket = await createBucket(s3, 'lp-search');
    pipeline = await startPipeline(
      `temporal: { address: "${TEMPORAL_ADDRESS}", taskQueue: ${uniqueName('lp')} }
storage: { bucket: ${bucket}, prefix: t, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
databases:
  - name: ${table.database}
    engine: postgres
    url: "${table.url}"
    tables:
      - { name: public.events, timestampColumn: created_at, olderThan: 90d, batchSize: 50 }
      - { name: public.audit, timestampColumn: created_at, olderThan: 90d, batchSize: 50 }
`,
      slowArchiveBatch(400),
    );
  });
  afterAll(async () => {
    await pipeline?.stop();
    await table?.close();
    s3?.destroy();
  });

  it('follows the table the run works on, and the finished run is found by its last table', async () => {
    const input: FleetInput = {
      ...buildFleetInput(pipeline.config, { databases: [], dryRun: false }),
      searchAttributes: true,
    };
    const run = pipeline.client.workflow.execute<(i: FleetInput) => Promise<FleetReport>>('archiveFleet', {
      workflowId: uniqueName('lp-search-fleet'),
      taskQueue: pipeline.config.temporal.taskQueue,
      args: [input],
    });
    let finished = false;
    void run.finally(() => (finished = true)).catch(() => undefined);
    const child = pipeline.client.workflow.getHandle(databaseWorkflowId(table.database));
    const seen: string[] = [];
    while (!finished) {
      const described = await child.describe().catch(() => null);
      const value = described?.typedSearchAttributes.get(TABLE_SEARCH_ATTRIBUTE);
      if (value !== undefined && seen.at(-1) !== value) seen.push(value);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const report = await run;
    expect(report.status).toBe('completed');
    expect(report.databases[0]!.tables.map((t) => [t.table, t.deleted])).toEqual([
      ['public.events', 120],
      ['public.audit', 120],
    ]);
    expect(seen).toEqual(['public.events', 'public.audit']);

    const query = `ArchiverDatabase = "${table.database}" AND ArchiverTable = "public.audit"`;
    const deadline = Date.now() + 15_000;
    let found: string[] = [];
    while (found.length === 0 && Date.now() < deadline) {
      found = [];
      for await (const execution of pipeline.client.workflow.list({ query }))
        found.push(execution.workflowId);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(found).toEqual([child.workflowId]);
  });
});
