/**
 * Two runs of the same database at once: exactly one proceeds. Within one Temporal namespace the per-database
 * workflow id refuses the second; across namespaces (or any caller Temporal cannot see) the lease does.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import Long from 'long';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FleetReport } from '../../src/shared';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { slowArchiveBatch, startPipeline } from '../helpers/pipeline';
import { createBucket, PG_ADMIN_URL, s3Client, TEMPORAL_ADDRESS } from '../helpers/services';

const SECOND_NAMESPACE = 'archiver-second';

/** Registers a second namespace on the dev server and waits until it accepts calls. */
async function ensureNamespace(name: string): Promise<void> {
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  try {
    await connection.workflowService
      .registerNamespace({
        namespace: name,
        workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
      })
      .catch((error: { code?: number }) => {
        if (error.code !== 6) throw error; // ALREADY_EXISTS
      });
    for (let i = 0; i < 100; i++) {
      const ok = await connection.workflowService
        .listWorkflowExecutions({ namespace: name, pageSize: 1 })
        .then(() => true)
        .catch(() => false);
      if (ok) return;
      await sleep(200);
    }
    throw new Error(`namespace ${name} did not become usable`);
  } finally {
    await connection.close();
  }
}

function tableOf(report: FleetReport) {
  return report.databases[0]!;
}

describe('single-instance runs', () => {
  let s3: S3Client;
  beforeAll(async () => {
    s3 = s3Client();
    await ensureNamespace(SECOND_NAMESPACE);
  });
  afterAll(() => s3.destroy());

  it('refuse a second run in the same namespace through the per-database workflow id', async () => {
    const table = await EventsTable.create('postgres', 'sameid');
    const bucket = await createBucket(s3, 'sameid');
    await table.insert(1, 60, 200, (id) => `row ${id}`);
    const pipeline = await startPipeline(
      eventsConfigYaml([table], { bucket, batchSize: 10 }),
      slowArchiveBatch(200),
    );
    try {
      const [a, b] = await Promise.all([pipeline.runFleet(), sleep(300).then(() => pipeline.runFleet())]);
      const statuses = [tableOf(a.report).status, tableOf(b.report).status].sort();
      expect(statuses).toEqual(['completed', 'failed']);
      const refused = [a, b].map((r) => tableOf(r.report)).find((d) => d.status === 'failed')!;
      expect(refused.error).toMatch(/already (started|running)/i);
      expect(await table.ids()).toEqual([]);
    } finally {
      await pipeline.stop();
      await table.close();
    }
  });

  it('keep a run in another namespace out with the PostgreSQL lease, and release it at the end', async () => {
    const table = await EventsTable.create('postgres', 'lease');
    const bucket = await createBucket(s3, 'lease');
    await table.insert(1, 60, 200, (id) => `row ${id}`);
    const lock = `lock: { backend: postgres, url: "${PG_ADMIN_URL}" }`;
    const first = await startPipeline(
      eventsConfigYaml([table], { bucket, batchSize: 10, sections: lock }),
      slowArchiveBatch(200),
    );
    const second = await startPipeline(
      eventsConfigYaml([table], { bucket, batchSize: 10, sections: lock, namespace: SECOND_NAMESPACE }),
      slowArchiveBatch(200),
    );
    try {
      const [a, b] = await Promise.all([first.runFleet(), sleep(1_500).then(() => second.runFleet())]);
      expect(tableOf(a.report)).toMatchObject({ status: 'completed' });
      expect(tableOf(a.report).tables[0]).toMatchObject({ archived: 60, deleted: 60 });
      expect(tableOf(b.report)).toMatchObject({ status: 'failed' });
      expect(tableOf(b.report).error).toMatch(/lease|held/i);
      // The lease was released when the first run ended, so a later run takes it at once.
      await table.insert(100, 109, 200, (id) => `row ${id}`);
      const again = await second.runFleet();
      expect(tableOf(again.report)).toMatchObject({ status: 'completed' });
      expect(tableOf(again.report).tables[0]).toMatchObject({ archived: 10, deleted: 10 });
    } finally {
      await first.stop();
      await second.stop();
      await table.close();
    }
  });
});
