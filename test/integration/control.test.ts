/**
 * Operating a run: pause and resume at batch boundaries, cancel at a safe point, progress through the CLI, and
 * the fleet's concurrency limit.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { getJson, isDataKey, sidecarKeys, type DeletionRecord } from '../../src/storage';
import {
  databaseProgressQuery,
  fleetWorkflowId,
  pauseSignal,
  resumeSignal,
  type FleetReport,
} from '../../src/shared';
import { buildFleetInput } from '../../src/cli/fleet-input';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { slowArchiveBatch, startPipeline } from '../helpers/pipeline';
import { runCli } from '../helpers/cli';
import { createBucket, s3Client } from '../helpers/services';

describe('operating a run', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('pauses after the batch in flight, reports it, and resumes to the end', async () => {
    const table = await EventsTable.create('postgres', 'pause');
    const bucket = await createBucket(s3, 'pause');
    await table.insert(1, 200, 200, (id) => `row ${id}`);
    const pipeline = await startPipeline(
      eventsConfigYaml([table], { bucket, batchSize: 10 }),
      slowArchiveBatch(150),
    );
    const configPath = join(mkdtempSync(join(tmpdir(), 'pause-')), 'archiver.yaml');
    writeFileSync(configPath, eventsConfigYaml([table], { bucket }));
    try {
      const workflowId = `${fleetWorkflowId(Date.now())}-pause`;
      const handle = await pipeline.client.workflow.start('archiveFleet', {
        workflowId,
        taskQueue: pipeline.config.temporal.taskQueue,
        args: [buildFleetInput(pipeline.config, { databases: [], dryRun: false })],
      });
      const child = pipeline.client.workflow.getHandle(`archive-db-${table.database}`);
      await waitFor(
        async () =>
          ((await child.query(databaseProgressQuery).catch(() => null))?.tables[0]?.batches ?? 0) >= 2,
      );
      await handle.signal(pauseSignal);
      await waitFor(async () => (await child.query(databaseProgressQuery)).paused);
      await sleep(1_000); // the batch in flight finishes
      const before = (await child.query(databaseProgressQuery)).tables[0]!.batches;
      await sleep(1_500);
      const after = (await child.query(databaseProgressQuery)).tables[0]!.batches;
      expect(after).toBe(before);
      expect(after).toBeLessThan(20);

      const status = await runCli(['status', workflowId, '--config', configPath, '--json']);
      expect(status.code).toBe(0);
      const progress = JSON.parse(status.stdout);
      expect(progress).toMatchObject({ status: 'RUNNING', fleet: { paused: true } });
      expect(progress.databases[0].tables[0]).toMatchObject({ status: 'running', batches: after });

      await handle.signal(resumeSignal);
      const report = (await handle.result()) as FleetReport;
      expect(report.databases[0]!.tables[0]).toMatchObject({ archived: 200, deleted: 200, batches: 20 });
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('cancels at a safe point: every archived batch is either wholly deleted or untouched', async () => {
    const table = await EventsTable.create('mysql', 'cancel');
    const bucket = await createBucket(s3, 'cancel');
    await table.insert(1, 200, 200, (id) => `row ${id}`);
    const pipeline = await startPipeline(
      eventsConfigYaml([table], { bucket, batchSize: 10 }),
      slowArchiveBatch(200),
    );
    try {
      const handle = await pipeline.client.workflow.start('archiveFleet', {
        workflowId: `${fleetWorkflowId(Date.now())}-cancel`,
        taskQueue: pipeline.config.temporal.taskQueue,
        args: [buildFleetInput(pipeline.config, { databases: [], dryRun: false })],
      });
      const child = pipeline.client.workflow.getHandle(`archive-db-${table.database}`);
      await waitFor(
        async () =>
          ((await child.query(databaseProgressQuery).catch(() => null))?.tables[0]?.batches ?? 0) >= 3,
      );
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);

      const remaining = await table.ids();
      expect(remaining.length).toBeGreaterThan(0);
      expect(remaining.length).toBeLessThan(200);
      // Rows gone from the source are exactly the rows some deletion record lists.
      const { Contents = [] } = await s3.send(
        new (await import('@aws-sdk/client-s3')).ListObjectsV2Command({ Bucket: bucket }),
      );
      const deleted = new Set<number>();
      for (const key of Contents.map((o) => o.Key!).filter(isDataKey)) {
        const record = await getJson<DeletionRecord>(s3, bucket, sidecarKeys(key).deleted).catch(() => null);
        for (const k of record?.deleted ?? []) deleted.add(Number(k[0]));
      }
      const all = Array.from({ length: 200 }, (_, i) => i + 1);
      expect(all.filter((id) => !remaining.includes(id))).toEqual([...deleted].sort((a, b) => a - b));
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('goes on with the other databases when one database workflow is cancelled on its own', async () => {
    const [cancelled, other] = await Promise.all([
      EventsTable.create('postgres', 'cancel_one'),
      EventsTable.create('postgres', 'cancel_other'),
    ]);
    for (const t of [cancelled, other]) await t.insert(1, 100, 200, (id) => `row ${id}`);
    const bucket = await createBucket(s3, 'cancelone');
    const pipeline = await startPipeline(
      eventsConfigYaml([cancelled, other], { bucket, batchSize: 10 }),
      slowArchiveBatch(150),
    );
    try {
      const handle = await pipeline.client.workflow.start('archiveFleet', {
        workflowId: `${fleetWorkflowId(Date.now())}-cancel-one`,
        taskQueue: pipeline.config.temporal.taskQueue,
        args: [buildFleetInput(pipeline.config, { databases: [], dryRun: false })],
      });
      const child = pipeline.client.workflow.getHandle(`archive-db-${cancelled.database}`);
      await waitFor(
        async () =>
          ((await child.query(databaseProgressQuery).catch(() => null))?.tables[0]?.batches ?? 0) >= 2,
      );
      await child.cancel();
      const report = (await handle.result()) as FleetReport;
      const byName = new Map(report.databases.map((d) => [d.name, d]));
      expect(byName.get(cancelled.database)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^cancelled: archive-db-.* was cancelled on its own/),
      });
      expect(byName.get(other.database)!.tables[0]).toMatchObject({ archived: 100, deleted: 100 });
      const left = await cancelled.ids();
      expect(left.length).toBeGreaterThan(0);
      expect(left.length).toBeLessThan(100);
    } finally {
      await pipeline.stop();
      await cancelled.close();
      await other.close();
    }
  });

  it('runs at most run.concurrency databases at once', async () => {
    const tables = await Promise.all(
      ['conc1', 'conc2', 'conc3'].map((p) => EventsTable.create('postgres', p)),
    );
    for (const t of tables) await t.insert(1, 30, 200, (id) => `row ${id}`);
    const bucket = await createBucket(s3, 'conc');
    const active = new Map<string, number>();
    let most = 0;
    const yaml = eventsConfigYaml(tables, { bucket, batchSize: 10 }).replace(
      'databases:',
      'run: { concurrency: 2 }\ndatabases:',
    );
    // A database counts as active from its first activity until its last one returns.
    const spans = new Map<string, { start: number; end: number }>();
    const pipeline = await startPipeline(yaml, (real) => ({
      async archiveBatch(input) {
        const span = spans.get(input.database) ?? { start: Date.now(), end: 0 };
        spans.set(input.database, span);
        await sleep(100);
        const result = await real.archiveBatch(input);
        span.end = Date.now();
        return result;
      },
    }));
    try {
      const { report } = await pipeline.runFleet();
      expect(report.status).toBe('completed');
      const points = [...spans.values()].flatMap((s) => [s.start, s.end]);
      for (const t of points) {
        const overlapping = [...spans.values()].filter((s) => s.start <= t && t < s.end).length;
        most = Math.max(most, overlapping);
      }
      active.clear();
      expect(spans.size).toBe(3);
      expect(most).toBe(2);
    } finally {
      await pipeline.stop();
      for (const t of tables) await t.close();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(100);
  }
}
