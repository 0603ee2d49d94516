/**
 * Load protection end to end, on the real services and the real replicas of scripts/services.sh: a run with
 * maxReplicaLag waits while its replica is behind (the progress query and `archiver status` show the wait, and
 * no row is deleted meanwhile), goes on once the replica has caught up, and finishes with nothing lost; and a run
 * with maxRunTime stops between two batches, deleting nothing it did not archive, with the rest archived by the
 * next run.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { decodeRow, splitLines } from '../../src/codec';
import { formatProgress } from '../../src/cli/progress';
import { decompressSync, getJson, isDataKey, sidecarKeys, type DeletionRecord } from '../../src/storage';
import { databaseProgressQuery, databaseWorkflowId, type DatabaseProgressView } from '../../src/shared';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { slowArchiveBatch, startPipeline, type TestPipeline } from '../helpers/pipeline';
import { replicaUrlOf, resumeApplying, stopApplying, waitUntilReplicated } from '../helpers/replicas';
import { createBucket, s3Client, S3_ENDPOINT, TEMPORAL_ADDRESS, uniqueName } from '../helpers/services';

const ENGINES: EngineKind[] = ['postgres', 'mysql'];

/** The ids in the archive's data objects, and those the deletion records list as deleted. */
async function archived(s3: S3Client, bucket: string): Promise<{ ids: Set<number>; deleted: Set<number> }> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const keys = (listed.Contents ?? []).map((o) => o.Key!).filter(isDataKey);
  const ids = new Set<number>();
  const deleted = new Set<number>();
  for (const key of keys) {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await response.Body!.transformToByteArray());
    for (const row of splitLines(decompressSync(key, bytes).toString('utf8')).map(decodeRow)) {
      ids.add(Number(row.id));
    }
    const record = await getJson<DeletionRecord>(s3, bucket, sidecarKeys(key).deleted).catch(() => null);
    for (const [id] of record?.deleted ?? []) deleted.add(Number(id));
  }
  return { ids, deleted };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function until<T>(read: () => Promise<T>, test: (value: T) => boolean, what: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch((error: unknown) => {
      if (process.env.DEBUG_UNTIL) console.log(String(error));
      return undefined;
    });
    if (value !== undefined && test(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function config(table: EventsTable, bucket: string, databaseKeys: string, run = ''): string {
  return `temporal: { address: "${TEMPORAL_ADDRESS}", taskQueue: ${uniqueName('lp')} }
storage: { bucket: ${bucket}, prefix: t, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
${run}
databases:
  - name: ${table.database}
    engine: ${table.engine}
    url: "${table.url}"
${databaseKeys}
    tables:
      - { name: ${table.configName}, timestampColumn: created_at, olderThan: 90d, batchSize: 50 }
`;
}

describe.each(ENGINES)('%s: load protection end to end', (engine) => {
  let s3: S3Client;
  let table: EventsTable | undefined;
  let pipeline: TestPipeline | undefined;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterEach(async () => {
    await resumeApplying(engine);
    await pipeline?.stop();
    await table?.close();
    pipeline = undefined;
    table = undefined;
  });
  afterAll(() => s3.destroy());

  it('waits while the replica is behind, deleting nothing, and finishes once it has caught up, losing nothing', async () => {
    table = await EventsTable.create(engine, 'lp_lag');
    await table.insert(1, 200, 120, (id) => `old ${id}`);
    await table.insert(1001, 1010, 1, (id) => `new ${id}`);
    await waitUntilReplicated(table);
    await stopApplying(engine);
    // A write the replica receives and does not apply: the PostgreSQL standby's lag then grows by the second.
    await table.insert(2001, 2001, 1, (id) => `new ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const bucket = await createBucket(s3, 'lp-lag');
    pipeline = await startPipeline(
      config(
        table,
        bucket,
        `    maxReplicaLag: 1s\n    replicaCheckEvery: 300ms\n    replicaUrl: "${replicaUrlOf(table)}"`,
      ),
    );
    const run = pipeline.runFleet();
    const handle = pipeline.client.workflow.getHandle(databaseWorkflowId(table.database));
    const view = await until(
      () => handle.query(databaseProgressQuery),
      (v: DatabaseProgressView) => v.waiting?.reason === 'replica-lag',
      'the replica-lag wait in the progress query',
    );
    expect(view.waiting).toMatchObject({ reason: 'replica-lag', maxSeconds: 1 });
    if (engine === 'postgres') {
      expect(view.waiting).toMatchObject({ problem: expect.stringMatching(/WAL replay is paused/) });
      expect((view.waiting as { lagSeconds: number }).lagSeconds).toBeGreaterThan(1);
    } else {
      expect(view.waiting).toMatchObject({
        lagSeconds: null,
        problem: expect.stringMatching(/SQL thread: No/),
      });
    }
    const status = formatProgress({
      workflowId: handle.workflowId,
      workflowType: 'archiveDatabase',
      status: 'RUNNING',
      databases: [view],
    }).join('\n');
    expect(status).toMatch(/waiting for the replica: lag .*, limit 1s \(maxReplicaLag\)/);

    // Nothing is deleted while the replica is behind, however long it stays behind.
    const before = await table.ids();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await table.ids()).toEqual(before);
    expect(before).toHaveLength(211);
    expect((await handle.query(databaseProgressQuery)).waiting?.reason).toBe('replica-lag');

    await resumeApplying(engine);
    const { report } = await run;
    expect(report.status).toBe('completed');
    expect(report.databases[0]!.tables[0]).toMatchObject({
      status: 'completed',
      archived: 200,
      deleted: 200,
    });
    expect(await table.ids()).toEqual([...range(1001, 1010), 2001]);
    const archive = await archived(s3, bucket);
    expect([...archive.ids].sort((a, b) => a - b)).toEqual(range(1, 200));
    expect([...archive.deleted].sort((a, b) => a - b)).toEqual(range(1, 200));
    await waitUntilReplicated(table);
  });

  it('stops at a batch boundary when maxRunTime is up, deleting only what it archived; the next run archives the rest', async () => {
    table = await EventsTable.create(engine, 'lp_runtime');
    await table.insert(1, 500, 120, (id) => `old ${id}`);
    await table.insert(1001, 1005, 1, (id) => `new ${id}`);
    const bucket = await createBucket(s3, 'lp-runtime');
    // Each archive takes at least 700 ms, so the 2.5 s limit passes after a few of the ten batches.
    pipeline = await startPipeline(
      config(table, bucket, '', 'run: { maxRunTime: 2500ms }'),
      slowArchiveBatch(700),
    );
    const first = await pipeline.runFleet();
    expect(first.report).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    const stopped = first.report.databases[0]!;
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    const tableReport = stopped.tables[0]!;
    expect(tableReport).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    expect(tableReport.deleted).toBeGreaterThan(0);
    expect(tableReport.deleted).toBeLessThan(500);
    expect(tableReport.deleted).toBe(tableReport.archived);

    // Every row gone from the source is in the archive and recorded there as deleted; the rest is still there.
    const left = await table.ids();
    const gone = range(1, 500).filter((id) => !left.includes(id));
    expect(gone).toHaveLength(tableReport.deleted);
    const archive = await archived(s3, bucket);
    for (const id of gone)
      expect([id, archive.ids.has(id), archive.deleted.has(id)]).toEqual([id, true, true]);
    expect(archive.deleted.size).toBe(gone.length);
    // At most one batch was archived ahead and left undeleted; its rows are still in the source.
    expect(archive.ids.size - archive.deleted.size).toBeLessThanOrEqual(50);
    for (const id of archive.ids) if (!archive.deleted.has(id)) expect(left).toContain(id);

    await pipeline.stop();
    pipeline = await startPipeline(config(table, bucket, ''));
    const second = await pipeline.runFleet();
    expect(second.report.status).toBe('completed');
    expect(second.report.databases[0]!.tables[0]).toMatchObject({
      status: 'completed',
      deleted: 500 - gone.length,
    });
    expect(await table.ids()).toEqual(range(1001, 1005));
    const after = await archived(s3, bucket);
    expect([...after.deleted].sort((a, b) => a - b)).toEqual(range(1, 500));
  });
});
