/**
 * Load protection in the workflows, on the time-skipping test server with fake activities: the pacing sleeps
 * (`sleepBetweenBatches`, `maxRowsPerSecond`) over simulated minutes, the run time limit stopping at a batch
 * boundary with the batch archived ahead left undeleted, a fleet whose time is up before a database starts, and
 * the replica-lag wait (shown in the progress query, no delete while it lasts, pausable, cancellable, through
 * continue-as-new, and failing the table when the replica is not one).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import type { Activities } from '../../src/activities';
import {
  databaseProgressQuery,
  pauseSignal,
  resumeSignal,
  type DatabaseInput,
  type DatabaseProgressView,
  type DatabaseReport,
  type FleetInput,
  type FleetReport,
  type ReplicaLagReading,
} from '../../src/shared';
import { startTimeSkippingEnvironment } from '../helpers/runtime';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const TABLE = {
  name: 'public.events',
  timestampColumn: 'created_at',
  olderThanMs: 90 * DAY_MS,
  batchSize: 100,
  delete: true,
  drift: 'warn' as const,
  verify: { samplePercent: 1, min: 10, max: 1000 },
};

function databaseInput(startedAtMs: number, overrides: Partial<DatabaseInput> = {}): DatabaseInput {
  return {
    database: 'shop',
    engine: 'postgres',
    runId: 'run-1',
    startedAtMs,
    dryRun: false,
    tables: [TABLE],
    ...overrides,
  };
}

/**
 * Two databases, one at a time, 15 minutes: the first sleeps 10 minutes between its batches, so the second is
 * due to start after the time is up.
 */
function fleetPastItsTime(): FleetInput {
  return {
    concurrency: 1,
    dryRun: false,
    maxRunTimeMs: 15 * MINUTE_MS,
    databases: [
      {
        database: 'shop',
        engine: 'postgres',
        tables: [TABLE],
        loadProtection: { sleepBetweenBatchesMs: 10 * MINUTE_MS },
      },
      { database: 'billing', engine: 'mysql', tables: [{ ...TABLE, name: 'invoices' }] },
    ],
  };
}

/** What the fakes saw: every archived and deleted data key, in order, with the lag checks between them. */
interface Journal {
  events: string[];
  archived: string[];
  deleted: string[];
}

/** A table of `batches` full batches of 100 rows and then none, as the real activities would report it. */
function fakeActivities(
  batches: number,
  journal: Journal,
  extra: Partial<Activities> = {},
): Partial<Activities> {
  const served = new Map<string, number>();
  return {
    async prepareTable() {
      return { notBeforeMs: null, watermark: 'unused', drift: [] };
    },
    async archiveBatch(input) {
      const count = served.get(input.table.name) ?? 0;
      if (count >= batches) return null;
      served.set(input.table.name, count + 1);
      const dataKey = `${input.table.name}/${input.batchSeq}`;
      journal.archived.push(dataKey);
      journal.events.push(`archive ${dataKey}`);
      return {
        rows: 100,
        dataKey,
        sha256: 'x',
        compressedBytes: 1000,
        firstKey: [String(input.batchSeq * 100 + 1)],
        lastKey: [String(input.batchSeq * 100 + 100)],
        maxTimestamp: null,
      };
    },
    async deleteBatch(ref) {
      journal.deleted.push(ref.dataKey);
      journal.events.push(`delete ${ref.dataKey}`);
      return { deleted: 100, skippedChanged: 0, alreadyGone: 0 };
    },
    async verifyBatch() {
      return { verified: 10 };
    },
    async saveWatermark() {},
    async cleanupStaleUploads() {
      return 0;
    },
    async writeReport() {
      return 'report.json';
    },
    ...extra,
  };
}

const newJournal = (): Journal => ({ events: [], archived: [], deleted: [] });

/** How long a finished workflow ran on the server's (skipped) clock. */
async function serverRunTimeMs(handle: { describe(): Promise<{ startTime: Date; closeTime?: Date }> }) {
  const { startTime, closeTime } = await handle.describe();
  return closeTime!.getTime() - startTime.getTime();
}

async function until<T>(read: () => Promise<T>, test: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('load protection in the workflows (time-skipping server, fake activities)', () => {
  let env: TestWorkflowEnvironment;
  let queues = 0;

  beforeAll(async () => {
    env = await startTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(
    activities: Partial<Activities>,
    body: (queue: string) => Promise<T>,
  ): Promise<T> {
    const taskQueue = `lp-${++queues}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities,
    });
    return worker.runUntil(body(taskQueue));
  }

  function archiveDatabase(queue: string, input: DatabaseInput, id = `lp-db-${Date.now()}-${queues}`) {
    return env.client.workflow.start<(i: DatabaseInput) => Promise<DatabaseReport>>('archiveDatabase', {
      taskQueue: queue,
      workflowId: id,
      args: [input],
    });
  }

  it('sleeps sleepBetweenBatches between batches, on timers', async () => {
    const journal = newJournal();
    const started = await env.currentTimeMs();
    const [report, elapsed] = await withWorker(fakeActivities(3, journal), async (queue) => {
      const handle = await archiveDatabase(
        queue,
        databaseInput(started, { loadProtection: { sleepBetweenBatchesMs: 10 * MINUTE_MS } }),
      );
      return [await handle.result(), await serverRunTimeMs(handle)] as const;
    });
    expect(report.tables[0]).toMatchObject({ status: 'completed', archived: 300, deleted: 300 });
    // Three batches, two pauses between them.
    expect(elapsed).toBeGreaterThanOrEqual(20 * MINUTE_MS);
    expect(elapsed).toBeLessThan(30 * MINUTE_MS);
  });

  it('keeps the average under maxRowsPerSecond, counting the batch archived ahead', async () => {
    const journal = newJournal();
    const started = await env.currentTimeMs();
    const [report, elapsed] = await withWorker(fakeActivities(5, journal), async (queue) => {
      const handle = await archiveDatabase(
        queue,
        databaseInput(started, { loadProtection: { maxRowsPerSecond: 10 } }),
      );
      return [await handle.result(), await serverRunTimeMs(handle)] as const;
    });
    expect(report.tables[0]).toMatchObject({ status: 'completed', archived: 500, deleted: 500 });
    // 500 rows at 10 rows/s: the last delete starts no sooner than 50 s after the first batch.
    expect(elapsed).toBeGreaterThanOrEqual(50_000);
    expect(elapsed).toBeLessThan(60_000);
  });

  it('stops at the batch boundary after maxRunTime, leaving the batch archived ahead undeleted', async () => {
    const journal = newJournal();
    const started = await env.currentTimeMs();
    const input = databaseInput(started, {
      loadProtection: { sleepBetweenBatchesMs: 10 * MINUTE_MS },
      maxRunTimeMs: 25 * MINUTE_MS,
      tables: [TABLE, { ...TABLE, name: 'public.audit' }],
    });
    const [report, elapsed] = await withWorker(fakeActivities(10, journal), async (queue) => {
      const handle = await archiveDatabase(queue, input);
      return [await handle.result(), await serverRunTimeMs(handle)] as const;
    });
    // Batches at 0, 10 and 20 minutes; the sleep after the third is cut short at 25 minutes, and the run stops.
    expect(report).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    expect(report.tables).toEqual([
      expect.objectContaining({
        table: 'public.events',
        status: 'stopped',
        stopReason: 'maxRunTime',
        archived: 300,
        deleted: 300,
        batches: 3,
      }),
      expect.objectContaining({ table: 'public.audit', status: 'stopped', archived: 0, batches: 0 }),
    ]);
    expect(journal.deleted).toEqual(['public.events/0', 'public.events/1', 'public.events/2']);
    // Batch 3 was archived while batch 2 was deleted; it is left as it is, not deleted.
    expect(journal.archived).toEqual([...journal.deleted, 'public.events/3']);
    for (const key of journal.deleted) {
      expect(journal.events.indexOf(`archive ${key}`)).toBeLessThan(journal.events.indexOf(`delete ${key}`));
    }
    expect(elapsed).toBeGreaterThanOrEqual(24 * MINUTE_MS);
    expect(elapsed).toBeLessThan(26 * MINUTE_MS);
  });

  it('archives nothing ahead once the time is up, so the batch in flight is the last one deleted', async () => {
    const journal = newJournal();
    const fake = fakeActivities(10, journal);
    // The first archive takes 5 real seconds (an activity's time is not skipped); the limit passes meanwhile.
    const activities = {
      ...fake,
      async archiveBatch(input: Parameters<Activities['archiveBatch']>[0]) {
        if (input.batchSeq === 0) await new Promise((resolve) => setTimeout(resolve, 5_000));
        return fake.archiveBatch!(input);
      },
    };
    const started = await env.currentTimeMs();
    const report = await withWorker(activities, async (queue) =>
      (await archiveDatabase(queue, databaseInput(started, { maxRunTimeMs: 3_000 }))).result(),
    );
    expect(report.tables[0]).toMatchObject({ status: 'stopped', archived: 100, deleted: 100, batches: 1 });
    expect(journal.archived).toEqual(['public.events/0']);
    expect(journal.deleted).toEqual(['public.events/0']);
  });

  it('stops before the first batch when the time is already up', async () => {
    const journal = newJournal();
    const report = await withWorker(fakeActivities(10, journal), async (queue) =>
      (await archiveDatabase(queue, databaseInput(Date.now() - 60_000, { maxRunTimeMs: 1_000 }))).result(),
    );
    expect(report).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    expect(report.tables[0]).toMatchObject({ status: 'stopped', archived: 0, deleted: 0 });
    expect(journal.archived).toEqual([]);
  });

  it('does not start a database of the fleet once the time is up, and the run counts as stopped, not failed', async () => {
    const journal = newJournal();
    const input = fleetPastItsTime();
    const report = await withWorker(fakeActivities(10, journal), (queue) =>
      env.client.workflow.execute<(i: FleetInput) => Promise<FleetReport>>('archiveFleet', {
        taskQueue: queue,
        workflowId: `lp-fleet-${Date.now()}`,
        args: [input],
      }),
    );
    expect(report).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    expect(report.databases.map((d) => [d.name, d.status])).toEqual([
      ['shop', 'stopped'],
      ['billing', 'stopped'],
    ]);
    expect(report.databases[0]!.tables[0]).toMatchObject({ archived: 200, deleted: 200 });
    expect(report.databases[1]!.tables).toEqual([
      expect.objectContaining({
        table: 'invoices',
        status: 'stopped',
        stopReason: 'maxRunTime',
        archived: 0,
      }),
    ]);
    expect(journal.deleted.every((key) => key.startsWith('public.events/'))).toBe(true);
  });

  it('stops a paused fleet at the time limit too: the databases not started are reported, no resume needed', async () => {
    const journal = newJournal();
    const input = fleetPastItsTime();
    const report = await withWorker(fakeActivities(10, journal), async (queue) => {
      const handle = await env.client.workflow.start<(i: FleetInput) => Promise<FleetReport>>(
        'archiveFleet',
        {
          taskQueue: queue,
          workflowId: `lp-fleet-paused-${Date.now()}`,
          args: [input],
        },
      );
      await until(
        async () => journal.archived.length,
        (n) => n >= 1,
        'the first archive',
      );
      // Paused and never resumed: the run must still end at its time limit.
      await handle.signal(pauseSignal);
      return handle.result();
    });
    expect(report).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    expect(report.databases.map((d) => [d.name, d.status])).toEqual([
      ['shop', 'stopped'],
      ['billing', 'stopped'],
    ]);
    expect(report.databases[1]!.tables[0]).toMatchObject({
      table: 'invoices',
      status: 'stopped',
      archived: 0,
    });
  });

  describe('waiting for the replica', () => {
    const lagLimit = { maxMs: 10_000, checkEveryMs: 1_000 };

    /** A replica whose lag the test sets; every check is journaled between the archives and deletes. */
    /**
     * A fake replica. With `behindAfterFirstDelete`, the reading switches to it at the first check after a delete,
     * switched by the check itself: a test polling for the first delete could be too late for three fast fake
     * batches, which would all pass before the replica "fell behind".
     */
    function replica(
      journal: Journal,
      initial: ReplicaLagReading,
      behindAfterFirstDelete?: ReplicaLagReading,
    ) {
      const state = { reading: initial, checks: 0 };
      let fell = false;
      const activities: Partial<Activities> = {
        async replicaLag() {
          if (behindAfterFirstDelete && !fell && journal.deleted.length >= 1) {
            fell = true;
            state.reading = behindAfterFirstDelete;
          }
          state.checks++;
          journal.events.push(`lag ${String(state.reading.lagSeconds)}`);
          return state.reading;
        },
      };
      return { state, activities };
    }

    it('waits while the lag is over the limit, shows it, deletes nothing meanwhile, and goes on once it is back', async () => {
      const journal = newJournal();
      // The first batch goes through; the replica falls behind at the first check after a delete.
      const lag = replica(journal, { lagSeconds: 0 }, { lagSeconds: 42 });
      const activities = fakeActivities(3, journal, lag.activities);
      const started = await env.currentTimeMs();
      const report = await withWorker(activities, async (queue) => {
        const handle = await archiveDatabase(
          queue,
          databaseInput(started, { loadProtection: { replicaLag: lagLimit } }),
        );
        const view = await until(
          () => handle.query(databaseProgressQuery),
          (v: DatabaseProgressView) => v.waiting?.reason === 'replica-lag',
          'the replica-lag wait in the progress query',
        );
        expect(view.waiting).toMatchObject({ reason: 'replica-lag', lagSeconds: 42, maxSeconds: 10 });
        const deletesWhileBehind = journal.deleted.length;
        const checks = lag.state.checks;
        await until(
          async () => lag.state.checks,
          (n) => n >= checks + 3,
          'three more lag checks',
        );
        expect(journal.deleted.length).toBe(deletesWhileBehind);
        // Unknown lag (replication stopped) is waited out the same way.
        lag.state.reading = { lagSeconds: null, problem: 'replication is not running' };
        const unknown = await until(
          () => handle.query(databaseProgressQuery),
          (v: DatabaseProgressView) => v.waiting?.reason === 'replica-lag' && v.waiting.lagSeconds === null,
          'an unknown lag in the progress query',
        );
        expect(unknown.waiting).toMatchObject({
          problem: 'replication is not running',
          since: view.waiting!.since,
        });
        expect(journal.deleted.length).toBe(deletesWhileBehind);
        lag.state.reading = { lagSeconds: 3 };
        const result = await handle.result();
        expect((await handle.query(databaseProgressQuery).catch(() => null))?.waiting).toBeUndefined();
        return result;
      });
      expect(report.tables[0]).toMatchObject({ status: 'completed', archived: 300, deleted: 300 });
      // Every delete came right after a lag check that found the replica within the limit.
      for (const key of journal.deleted) {
        const at = journal.events.indexOf(`delete ${key}`);
        const lastCheck = journal.events
          .slice(0, at)
          .reverse()
          .find((e) => e.startsWith('lag '));
        expect([lastCheck, key]).toEqual([expect.stringMatching(/^lag (0|3)$/), key]);
      }
    });

    it('stays paused by the operator during the wait, and can be cancelled while it waits', async () => {
      const journal = newJournal();
      const lag = replica(journal, { lagSeconds: 99 });
      await withWorker(fakeActivities(3, journal, lag.activities), async (queue) => {
        const handle = await archiveDatabase(
          queue,
          databaseInput(await env.currentTimeMs(), { loadProtection: { replicaLag: lagLimit } }),
        );
        await until(
          async () => lag.state.checks,
          (n) => n >= 2,
          'two lag checks',
        );
        await handle.signal(pauseSignal);
        const paused = await until(
          () => handle.query(databaseProgressQuery),
          (v: DatabaseProgressView) => v.paused,
          'the pause',
        );
        expect(paused.waiting).toMatchObject({ reason: 'replica-lag', lagSeconds: 99 });
        lag.state.reading = { lagSeconds: 0 };
        const checks = lag.state.checks;
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        // Paused: the replica is fine now, but nothing moves until resume.
        expect(lag.state.checks).toBeLessThanOrEqual(checks + 1);
        expect(journal.deleted).toEqual([]);
        lag.state.reading = { lagSeconds: 99 };
        await handle.signal(resumeSignal);
        await until(
          async () => lag.state.checks,
          (n) => n >= checks + 2,
          'checks after resume',
        );
        await handle.cancel();
        await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
      });
      expect(journal.deleted).toEqual([]);
    });

    it('continues as new during a long wait and finishes the table afterwards', async () => {
      const journal = newJournal();
      const lag = replica(journal, { lagSeconds: 0 }, { lagSeconds: 50 });
      const report = await withWorker(fakeActivities(3, journal, lag.activities), async (queue) => {
        const handle = await archiveDatabase(
          queue,
          databaseInput(await env.currentTimeMs(), {
            loadProtection: { replicaLag: { maxMs: 10_000, checkEveryMs: 200 }, sleepBetweenBatchesMs: 100 },
            historyEventsLimit: 60,
          }),
        );
        const first = (await handle.describe()).runId;
        const latest = env.client.workflow.getHandle(handle.workflowId);
        await until(
          async () => (await latest.describe()).runId,
          (runId) => runId !== first,
          'continue-as-new during the wait',
        );
        // The new run is still waiting, with the wait's start carried over.
        const view = await until(
          () => latest.query(databaseProgressQuery),
          (v: DatabaseProgressView) => v.waiting?.reason === 'replica-lag',
          'the wait in the new run',
        );
        expect(view.waiting).toMatchObject({ lagSeconds: 50 });
        // Carried over, not started again: the new run goes on with the wait and does not pace first.
        const { startTime } = await latest.describe();
        expect(Date.parse(view.waiting!.since)).toBeLessThan(startTime.getTime());
        const deleted = journal.deleted.length;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(journal.deleted.length).toBe(deleted);
        lag.state.reading = { lagSeconds: 0 };
        return env.client.workflow.getHandle(handle.workflowId).result() as Promise<DatabaseReport>;
      });
      expect(report.tables[0]).toMatchObject({
        status: 'completed',
        archived: 300,
        deleted: 300,
        batches: 3,
      });
      expect(journal.deleted).toEqual(['public.events/0', 'public.events/1', 'public.events/2']);
    });

    it('fails the table with a clear error when the replica is not a replica', async () => {
      const journal = newJournal();
      const activities = fakeActivities(3, journal, {
        async replicaLag() {
          throw ApplicationFailure.nonRetryable(
            'The server at replicaUrl of database shop is not a replica (pg_is_in_recovery() is false); point replicaUrl at a streaming standby of the database, or remove maxReplicaLag.',
            'NotAReplicaError',
          );
        },
      });
      const report = await withWorker(activities, async (queue) =>
        (
          await archiveDatabase(
            queue,
            databaseInput(await env.currentTimeMs(), { loadProtection: { replicaLag: lagLimit } }),
          )
        ).result(),
      );
      expect(report.status).toBe('failed');
      expect(report.tables[0]!.error).toMatch(
        /^batch 0: The server at replicaUrl of database shop is not a replica/,
      );
      expect(journal.archived).toEqual([]);
    });
  });
});
