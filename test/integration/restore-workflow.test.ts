/**
 * The restoreTable workflow on the Temporal dev server with fake activities: the order it restores batches in,
 * a failing batch that does not stop the others, paged listings, and continue-as-new on a long restore.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import { ChecksumMismatchError } from '../../src/errors';
import type {
  BatchDescriptor,
  ListBatchesInput,
  RestoreBatchInput,
  RestoreInput,
  RestoreReport,
} from '../../src/shared/restore';
import { ensureRuntime } from '../helpers/runtime';
import { TEMPORAL_ADDRESS, uniqueName } from '../helpers/services';

const BATCHES = 30;
const batchKey = (i: number) => `p/db/public.t/runs/run/batch-${String(i).padStart(6, '0')}.jsonl.gz`;

/** Thirty batches of 10 rows over three listing pages; every third batch deleted 8 of its rows, the rest none. */
function fakeActivities(calls: RestoreBatchInput[], damaged: string): Partial<Activities> {
  const all: BatchDescriptor[] = Array.from({ length: BATCHES }, (_, i) => ({
    dataKey: batchKey(i),
    createdAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    rows: 10,
    deletedRows: i % 3 === 0 ? 8 : null,
  }));
  return {
    async listArchivedBatches(input: ListBatchesInput) {
      const page = Number(input.continuationToken ?? '0');
      return {
        table: 'public.t',
        batches: all.slice(page * 10, page * 10 + 10),
        skipped:
          page === 0
            ? [
                {
                  dataKey: 'p/db/public.t/runs/x/batch-000000.jsonl.gz',
                  status: 'incomplete' as const,
                  reason: 'no metadata',
                },
              ]
            : [],
        continuationToken: page < 2 ? String(page + 1) : null,
      };
    },
    async prepareRestoreTarget(input) {
      return { target: input.target, created: true };
    },
    async restoreBatch(input: RestoreBatchInput) {
      calls.push(input);
      if (input.dataKey === damaged) throw new ChecksumMismatchError(input.dataKey, 'aaa', 'bbb');
      const rows = input.part === 'deleted' ? 8 : input.dataKey.endsWith('0.jsonl.gz') ? 2 : 10;
      return {
        dataKey: input.dataKey,
        rows,
        inserted: rows - 1,
        skippedExisting: 1,
        outOfRange: 0,
        unmappedColumns: ['gone'],
        missingColumns: [],
      };
    },
  } as Partial<Activities>;
}

describe('the restoreTable workflow', () => {
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    ensureRuntime();
    nativeConnection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
    connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  it('restores deleted parts newest first, then the rest, reports a damaged batch and continues as new on the way', async () => {
    const taskQueue = uniqueName('restore-wf');
    const calls: RestoreBatchInput[] = [];
    const damaged = batchKey(6);
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: fakeActivities(calls, damaged),
    });
    const workflowId = uniqueName('restore-wf');
    const input: RestoreInput = { database: 'db', table: 't', into: 'public.t_back', historyEventsLimit: 40 };
    const handle = await client.workflow.start<(i: RestoreInput) => Promise<RestoreReport>>('restoreTable', {
      workflowId,
      taskQueue,
      args: [input],
    });
    const report = await worker.runUntil(handle.result());

    const deletedParts = calls.filter((c) => c.part === 'deleted').map((c) => c.dataKey);
    const keptParts = calls.filter((c) => c.part === 'kept').map((c) => c.dataKey);
    // Newest first; the damaged batch (6) is tried once and then left alone.
    expect(deletedParts).toEqual([27, 24, 21, 18, 15, 12, 9, 6, 3, 0].map(batchKey));
    expect(keptParts).toEqual(
      Array.from({ length: BATCHES }, (_, i) => BATCHES - 1 - i)
        .filter((i) => i !== 6)
        .map(batchKey),
    );
    expect(calls.indexOf(calls.find((c) => c.part === 'kept')!)).toBe(10);
    expect(calls.every((c) => c.target === 'public.t_back' && c.database === 'db')).toBe(true);

    expect(report).toMatchObject({
      status: 'partial',
      table: 'public.t',
      target: 'public.t_back',
      targetCreated: true,
      objects: BATCHES,
      objectsRestored: BATCHES - 1,
      objectsFailed: 1,
      objectsSkipped: 1,
      unmappedColumns: ['gone'],
      objectReportsOmitted: 0,
    });
    expect(report.objectReports[0]).toMatchObject({ dataKey: damaged, status: 'failed' });
    expect(report.objectReports[0]!.error).toMatch(/SHA-256/);
    const restoredParts = calls.length - 1;
    expect(report.rowsSkippedExisting).toBe(restoredParts);
    expect(report.objectReports.find((r) => r.status === 'incomplete')).toBeDefined();

    // The first run handed over to a new one; the report still counts every batch.
    const firstRun = await client.workflow.getHandle(workflowId, handle.firstExecutionRunId).fetchHistory();
    const last = firstRun.events![firstRun.events!.length - 1]!;
    expect(last.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  });
});
