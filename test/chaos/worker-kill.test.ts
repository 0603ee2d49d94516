/**
 * A worker process killed with SIGKILL in the middle of a run: a new worker picks the run up from the last
 * completed step, the run completes, and the data-loss oracle finds nothing lost.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { parseConfig } from '../../src/config';
import { buildFleetInput } from '../../src/cli/fleet-input';
import { createEngine } from '../../src/engines';
import {
  databaseProgressQuery,
  databaseWorkflowId,
  fleetWorkflowId,
  type FleetReport,
} from '../../src/shared';
import { tablePrefix } from '../../src/storage';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { startWorkerProcess, stopProcess } from '../helpers/cli';
import { createBucket, s3Client, TEMPORAL_ADDRESS } from '../helpers/services';
import { checkNothingLost, isClean, snapshotTable } from './oracle';

describe.each(['postgres', 'mysql'] as EngineKind[])('%s: a killed worker', (kind) => {
  it('is replaced by a new one that finishes the run with nothing lost', async () => {
    const s3 = s3Client();
    const table = await EventsTable.create(kind, 'kill');
    const bucket = await createBucket(s3, 'kill');
    await table.insert(1, 30_000, 200, (id) => `row ${id} ${'p'.repeat(150)}`);
    const yaml = eventsConfigYaml([table], {
      bucket,
      batchSize: 500,
      sections: 'run: { heartbeatTimeout: 5s }',
    });
    const configPath = join(mkdtempSync(join(tmpdir(), 'kill-')), 'archiver.yaml');
    writeFileSync(configPath, yaml);
    const config = parseConfig(yaml, configPath);

    const engine = createEngine({ engine: kind, url: table.url, poolSize: 2 });
    const info = await engine.introspect(table.configName);
    const before = await snapshotTable(engine, info, 'created_at');
    const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    const client = new Client({ connection });
    let worker = await startWorkerProcess(configPath);
    try {
      const handle = await client.workflow.start('archiveFleet', {
        workflowId: `${fleetWorkflowId(Date.now())}-kill`,
        taskQueue: config.temporal.taskQueue,
        args: [buildFleetInput(config, { databases: [], dryRun: false })],
      });
      const child = client.workflow.getHandle(databaseWorkflowId(table.database));
      for (;;) {
        const progress = await child.query(databaseProgressQuery).catch(() => null);
        if ((progress?.tables[0]?.batches ?? 0) >= 5) break;
        await sleep(50);
      }
      worker.child.kill('SIGKILL');
      await new Promise((resolve) => worker.child.once('exit', resolve));
      worker = await startWorkerProcess(configPath);

      const report = (await handle.result()) as FleetReport;
      expect(report.databases[0]!.tables[0]).toMatchObject({ status: 'completed', archived: 30_000 });
      const verdict = await checkNothingLost({
        engine,
        table: info,
        timestampColumn: 'created_at',
        s3,
        bucket,
        tablePrefix: tablePrefix('t', table.database, info.qualifiedName),
        before,
      });
      expect(verdict).toMatchObject({ snapshotRows: 30_000, remainingRows: 0, deletedRows: 30_000 });
      expect(isClean(verdict)).toBe(true);
    } finally {
      await stopProcess(worker.child);
      await connection.close();
      await engine.close();
      await table.close();
      s3.destroy();
    }
  });
});
