/**
 * The workflows over long simulated periods, on the time-skipping test server with fake activities: retries with
 * backoff, a pause of days, and the lease's lifetime (acquired first, released at the end, a held lease refused).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Activities } from '../../src/activities';
import {
  leaseAcquiredSignal,
  pauseSignal,
  resumeSignal,
  type DatabaseInput,
  type DatabaseReport,
} from '../../src/shared';
import { startTimeSkippingEnvironment } from '../helpers/runtime';

const DAY_MS = 86_400_000;

function databaseInput(overrides: Partial<DatabaseInput> = {}): DatabaseInput {
  return {
    database: 'shop',
    engine: 'postgres',
    runId: 'run-1',
    startedAtMs: Date.UTC(2026, 10, 1),
    dryRun: false,
    tables: [
      {
        name: 'public.events',
        timestampColumn: 'created_at',
        olderThanMs: 90 * DAY_MS,
        batchSize: 100,
        delete: true,
        drift: 'warn',
        verify: { samplePercent: 1, min: 10, max: 1000 },
      },
    ],
    ...overrides,
  };
}

/** A table of `batches` full batches and then an empty one, as the real activities would report it. */
function fakeActivities(batches: number, extra: Partial<Activities> = {}): Partial<Activities> {
  let served = 0;
  return {
    async prepareTable() {
      return { notBeforeMs: null, watermark: 'unused', drift: [] };
    },
    async archiveBatch(input) {
      if (served >= batches) return null;
      served++;
      return {
        rows: 100,
        dataKey: `k/${input.batchSeq}`,
        sha256: 'x',
        compressedBytes: 1000,
        firstKey: [String(input.batchSeq * 100 + 1)],
        lastKey: [String(input.batchSeq * 100 + 100)],
        maxTimestamp: null,
      };
    },
    async deleteBatch() {
      return { deleted: 100, skippedChanged: 0, alreadyGone: 0 };
    },
    async verifyBatch() {
      return { verified: 10 };
    },
    async saveWatermark() {},
    ...extra,
  };
}

describe('archiveDatabase over simulated time', () => {
  let env: TestWorkflowEnvironment;
  let taskQueue = 0;

  beforeAll(async () => {
    env = await startTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run<T>(activities: Partial<Activities>, body: (queue: string) => Promise<T>): Promise<T> {
    const queue = `ts-${++taskQueue}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: queue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities,
      // As in the real worker: heartbeats, and so cancellations, travel at least every 2 seconds.
      maxHeartbeatThrottleInterval: '2 seconds',
    });
    return worker.runUntil(body(queue));
  }

  it('retries a failing batch with backoff over minutes of simulated time, then completes', async () => {
    let attempts = 0;
    const base = fakeActivities(2);
    const activities = fakeActivities(2, {
      async archiveBatch(input) {
        attempts++;
        if (attempts <= 8) throw ApplicationFailure.retryable('S3 is unavailable', 'ServiceUnavailable');
        return base.archiveBatch!(input);
      },
    });
    const started = await env.currentTimeMs();
    const report = await run(activities, (taskQueue) =>
      env.client.workflow.execute<(i: DatabaseInput) => Promise<DatabaseReport>>('archiveDatabase', {
        taskQueue,
        workflowId: `retry-${Date.now()}`,
        args: [databaseInput()],
      }),
    );
    expect(report.tables[0]).toMatchObject({ status: 'completed', archived: 200, deleted: 200 });
    expect(attempts).toBe(11);
    // 1 + 2 + 4 + 8 + 16 + 32 + 60 + 60 seconds of backoff passed on the server's clock.
    expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(183_000);
  });

  it('stays paused for days and finishes after resume', async () => {
    const report = await run(fakeActivities(3), async (taskQueue) => {
      const handle = await env.client.workflow.start('archiveDatabase', {
        taskQueue,
        workflowId: `pause-${Date.now()}`,
        args: [databaseInput()],
      });
      await handle.signal(pauseSignal);
      await env.sleep('3 days');
      await handle.signal(resumeSignal);
      return (await handle.result()) as DatabaseReport;
    });
    expect(report.tables[0]).toMatchObject({ archived: 300, batches: 3 });
  });

  it('takes the lease before the first batch and gives it up when the run ends', async () => {
    const events: string[] = [];
    const base = fakeActivities(2);
    const activities = fakeActivities(2, {
      async holdLease(input) {
        const context = Context.current();
        events.push(`acquire ${input.ownerId.split('/')[0]}`);
        await env.client.workflow
          .getHandle(context.info.workflowExecution!.workflowId)
          .signal(leaseAcquiredSignal, { resource: 'db-archiver/shop', token: 't' });
        try {
          for (;;) {
            context.heartbeat();
            await context.sleep(1000);
          }
        } finally {
          events.push('release');
        }
      },
      async archiveBatch(input) {
        events.push('batch');
        return base.archiveBatch!(input);
      },
    });
    const report = await run(activities, (taskQueue) =>
      env.client.workflow.execute<(i: DatabaseInput) => Promise<DatabaseReport>>('archiveDatabase', {
        taskQueue,
        workflowId: `lease-${Date.now()}`,
        args: [databaseInput({ lease: { ttlMs: 120_000, refreshMs: 30_000 } })],
      }),
    );
    expect(report.status).toBe('completed');
    expect(events[0]).toMatch(/^acquire lease-/);
    expect(events.filter((e) => e === 'batch')).toHaveLength(3);
    expect(events[events.length - 1]).toBe('release');
  });

  it('fails the database, archiving nothing, when another run holds the lease', async () => {
    let batches = 0;
    const activities = fakeActivities(2, {
      async holdLease() {
        throw ApplicationFailure.nonRetryable(
          'The lease on db-archiver/shop is held by archive-db-shop/other on host-b (pid 7).',
          'LeaseHeldError',
        );
      },
      async archiveBatch() {
        batches++;
        return null;
      },
    });
    const report = await run(activities, (taskQueue) =>
      env.client.workflow.execute<(i: DatabaseInput) => Promise<DatabaseReport>>('archiveDatabase', {
        taskQueue,
        workflowId: `held-${Date.now()}`,
        args: [databaseInput({ lease: { ttlMs: 120_000, refreshMs: 30_000 } })],
      }),
    );
    expect(report).toMatchObject({ status: 'failed', tables: [] });
    expect(report.error).toMatch(/held by archive-db-shop\/other/);
    expect(batches).toBe(0);
  });
});
