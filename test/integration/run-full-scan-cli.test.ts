/**
 * `archiver run --full-scan` as an operator types it (the built CLI and a worker process): rows that arrived
 * behind an archive-only table's watermark are archived, the rows already archived are counted as skipped, and
 * the flag is refused (exit 2, nothing started) when no selected table is archive-only.
 */
import type { ChildProcess } from 'node:child_process';
import type { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetReport } from '../../src/shared';
import { runCli, startWorkerProcess, stopProcess } from '../helpers/cli';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { createBucket, s3Client } from '../helpers/services';

describe('archiver run --full-scan', () => {
  let s3: S3Client;
  let table: EventsTable;
  let worker: ChildProcess | undefined;
  let dir: string;
  let configPath: string;

  beforeAll(async () => {
    s3 = s3Client();
    table = await EventsTable.create('postgres', 'fullscan_cli');
    await table.insert(1, 60, 200, (id) => `old ${id}`);
    const bucket = await createBucket(s3, 'fullscan-cli');
    dir = mkdtempSync(join(tmpdir(), 'fullscan-cli-'));
    configPath = join(dir, 'archiver.yaml');
    writeFileSync(
      configPath,
      eventsConfigYaml([table], { bucket, batchSize: 25, tableExtra: () => ', delete: false' }),
    );
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await table?.close();
    s3?.destroy();
  });

  it('archives the rows behind the watermark and skips the archived ones', async () => {
    worker = (await startWorkerProcess(configPath)).child;
    const first = await runCli(['run', '--config', configPath, '--json']);
    expect(first.code).toBe(0);
    expect((JSON.parse(first.stdout) as FleetReport).databases[0]!.tables[0]).toMatchObject({ archived: 60 });

    // Back-dated: older than every archived row, so no incremental run reads them.
    await table.insert(61, 64, 300, (id) => `back-dated ${id}`);
    const incremental = await runCli(['run', '--config', configPath, '--wait']);
    expect(incremental.code).toBe(0);
    expect(incremental.stderr).toMatch(/events: completed archived=0 /);

    // The docs' form.
    const full = await runCli(['run', '--config', configPath, '--full-scan', '--wait']);
    expect(full.code).toBe(0);
    expect(full.stderr).toMatch(/events: completed archived=4 deleted=0 .* alreadyArchived=60\b/);
    expect(await table.ids()).toHaveLength(64);

    const again = await runCli(['run', '--config', configPath, '--full-scan', '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as FleetReport).databases[0]!.tables[0]).toMatchObject({
      archived: 0,
      alreadyArchived: 64,
      watermark: 'full-scan',
      start: { after: null, notBefore: null, fullScan: true },
    });
  });

  it('refuses the flag when no selected table is archive-only, before starting anything', async () => {
    const deleting = join(dir, 'deleting.yaml');
    writeFileSync(deleting, eventsConfigYaml([table], { bucket: 'unused' }));
    const result = await runCli(['run', '--config', deleting, '--full-scan']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--full-scan: no selected table is archive-only (delete: false)');
    expect(result.stdout).toBe('');
  });
});
