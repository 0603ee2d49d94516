/**
 * `archiver run --max-run-time`: a duration that is not one is bad usage (exit 2, nothing started); a run whose
 * time is up reports its tables stopped, says so, and exits 0, because stopping on the time limit is not a
 * failure. Uses the built CLI and a worker process, like an operator's cron job would.
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

describe('archiver run --max-run-time', () => {
  let s3: S3Client;
  let table: EventsTable;
  let worker: ChildProcess | undefined;
  let configPath: string;

  beforeAll(async () => {
    s3 = s3Client();
    table = await EventsTable.create('mysql', 'lp_cli');
    await table.insert(1, 100, 120, (id) => `old ${id}`);
    const bucket = await createBucket(s3, 'lp-cli');
    configPath = join(mkdtempSync(join(tmpdir(), 'lp-cli-')), 'archiver.yaml');
    writeFileSync(configPath, eventsConfigYaml([table], { bucket }));
  });
  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await table?.close();
    s3?.destroy();
  });

  it('refuses a value that is not a duration, naming the flag, before contacting anything', async () => {
    const result = await runCli(['run', '--config', configPath, '--max-run-time', '90']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--max-run-time "90": must be a duration like 90d, 12h, 30m, e.g. --max-run-time 2h',
    );
    expect(result.stdout).toBe('');
  });

  it('stops a run whose time is up, reports the tables stopped, deletes nothing and exits 0', async () => {
    worker = (await startWorkerProcess(configPath)).child;
    const json = await runCli(['run', '--config', configPath, '--max-run-time', '1ms', '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as FleetReport;
    expect(report).toMatchObject({ status: 'stopped', stopReason: 'maxRunTime' });
    expect(report.databases[0]!.tables[0]).toMatchObject({
      status: 'stopped',
      stopReason: 'maxRunTime',
      deleted: 0,
    });
    expect(await table.ids()).toHaveLength(100);

    const waited = await runCli(['run', '--config', configPath, '--max-run-time', '1ms', '--wait']);
    expect(waited.code).toBe(0);
    expect(waited.stderr).toMatch(/: stopped \(the run time limit, run\.maxRunTime, was reached/);
    expect(waited.stderr).toMatch(/events: stopped archived=0 deleted=0 .* \(stopped: maxRunTime reached\)/);

    // The README's form: a limit the run stays within changes nothing, the run completes.
    const within = await runCli(['run', '--config', configPath, '--max-run-time', '2h', '--wait']);
    expect(within.code).toBe(0);
    expect(within.stderr).toMatch(/events: completed archived=\d+ deleted=\d+/);
  });
});
