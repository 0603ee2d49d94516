/**
 * The worker's Prometheus endpoint and activity log fields, on the real stack: `archiver worker` with
 * its metrics endpoint (on by default) archives a PostgreSQL table through the Temporal dev server into MinIO, and the counters
 * scraped over HTTP match the run's report; every activity log line names its database, table, run and batch.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetReport } from '../../src/shared';
import { runCli, startWorkerProcess, stopProcess } from '../helpers/cli';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { createBucket, PG_ADMIN_URL, s3Client } from '../helpers/services';

const OLD_ROWS = 120;
const NEW_ROWS = 30;

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One sample of a scraped metric: the value of the line whose labels include all of `labels`; 0 if none. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total += Number(match[3]);
  }
  return total;
}

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('worker metrics and logs', () => {
  let table: EventsTable;
  let configPath: string;
  let port: number;
  let worker: { child: ChildProcess; output: () => string } | undefined;
  let missingDatabase: string;

  beforeAll(async () => {
    const bucket = await createBucket(s3Client(), 'metrics');
    table = await EventsTable.create('postgres', 'metrics');
    await table.insert(1, OLD_ROWS, 200, (id) => `old ${id}`);
    await table.insert(OLD_ROWS + 1, OLD_ROWS + NEW_ROWS, 1, (id) => `new ${id}`);
    port = await freePort();
    // A second database whose table does not exist: its prepareTable fails once, with TableNotFoundError.
    missingDatabase = `${table.database}-missing`;
    const yaml =
      eventsConfigYaml([table], {
        bucket,
        batchSize: 50,
        sections: `worker: { metrics: { port: ${port} } }\nlock: { backend: postgres, url: "${PG_ADMIN_URL}" }`,
      }) +
      `  - name: ${missingDatabase}
    engine: postgres
    url: "${table.url}"
    tables:
      - { name: public.no_such_table, timestampColumn: created_at, olderThan: 90d }
`;
    configPath = join(mkdtempSync(join(tmpdir(), 'metrics-')), 'archiver.yaml');
    writeFileSync(configPath, yaml);
    worker = await startWorkerProcess(configPath);
  });

  afterAll(async () => {
    if (worker) await stopProcess(worker.child);
    await table?.close();
  });

  it('serves counters that match the run, next to the SDK metrics, on worker.metrics.port', async () => {
    const run = await runCli(['run', '--config', configPath, '--json']);
    const report = JSON.parse(run.stdout) as FleetReport;
    expect(report.status).toBe('partial');
    const tableReport = report.databases.find((d) => d.name === table.database)!.tables[0]!;
    expect(tableReport).toMatchObject({ archived: OLD_ROWS, deleted: OLD_ROWS, batches: 3 });

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const labels = { database: table.database, table: 'public.events' };
    expect(sample(text, 'archiver_rows_archived_total', labels)).toBe(OLD_ROWS);
    expect(sample(text, 'archiver_batches_archived_total', labels)).toBe(3);
    expect(sample(text, 'archiver_bytes_uploaded_total', labels)).toBe(tableReport.bytes);
    expect(sample(text, 'archiver_rows_deleted_total', labels)).toBe(OLD_ROWS);
    expect(sample(text, 'archiver_rows_skipped_changed_total', labels)).toBe(0);
    expect(sample(text, 'archiver_rows_verified_total', labels)).toBe(tableReport.verified);
    expect(tableReport.verified).toBeGreaterThan(0);
    for (const activity of ['archiveBatch', 'deleteBatch', 'verifyBatch']) {
      expect(sample(text, 'archiver_batch_duration_seconds_count', { ...labels, activity })).toBe(3);
    }
    expect(
      sample(text, 'archiver_activity_failures_total', {
        activity: 'prepareTable',
        database: missingDatabase,
        error_type: 'TableNotFoundError',
      }),
    ).toBe(1);
    const resource = `db-archiver/${table.database}`;
    expect(sample(text, 'archiver_lease_events_total', { resource, event: 'acquired' })).toBe(1);
    expect(sample(text, 'archiver_lease_events_total', { resource, event: 'released' })).toBe(1);
    expect(sample(text, 'archiver_lease_held', { resource })).toBe(0);
    // The SDK's own metrics come from the same endpoint.
    expect(sample(text, 'temporal_activity_execution_latency_count', { activity_type: 'archiveBatch' })).toBe(
      3,
    );
  });

  it('puts database, table, run and batch on every activity log line', () => {
    const lines = logLines(worker!.output());
    const verified = lines.filter((line) => line.msg === 'Batch verified');
    expect(verified).toHaveLength(3);
    for (const line of verified) {
      expect(line).toMatchObject({ database: table.database, activityType: 'verifyBatch' });
      expect(line.table).toEqual(expect.any(String));
      expect(line.runId).toEqual(expect.stringMatching(/\S/));
      expect(line.batch).toEqual(expect.any(Number));
    }
    const failed = lines.find(
      (line) => line.msg === 'Activity failed' && line.activityType === 'prepareTable',
    );
    expect(failed).toMatchObject({ database: missingDatabase, table: 'public.no_such_table' });
  });

  it('refuses a metrics port that is taken, naming the setting to change (exit 2)', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const taken = (busy.address() as { port: number }).port;
    try {
      const result = await runCli(['worker', '--config', configPath, '--metrics-port', String(taken)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`worker.metrics: cannot serve metrics on 127.0.0.1:${taken}`);
    } finally {
      busy.close();
    }
  });

  it('serves metrics by default on 127.0.0.1:9464 and says so; a second worker finds the port taken and runs without', async () => {
    const plain = configPath.replace(/archiver\.yaml$/, 'default-metrics.yaml');
    writeFileSync(plain, readFileSync(configPath, 'utf8').replace(/^worker: .*$/m, ''));
    const first = await startWorkerProcess(plain);
    try {
      expect(logLines(first.output())).toContainEqual(
        expect.objectContaining({
          msg: 'Serving Prometheus metrics',
          endpoint: 'http://127.0.0.1:9464/metrics',
        }),
      );
      const scraped = await (await fetch('http://127.0.0.1:9464/metrics')).text();
      expect(scraped).toMatch(/^temporal_\w+/m);
      const second = await startWorkerProcess(plain);
      try {
        expect(logLines(second.output())).toContainEqual(
          expect.objectContaining({
            level: 40,
            address: '127.0.0.1:9464',
            msg: expect.stringMatching(/port is taken/),
          }),
        );
      } finally {
        await stopProcess(second.child);
      }
    } finally {
      await stopProcess(first.child);
    }
  });

  it('serves none with --metrics-port 0 or worker.metrics: false, and says so', async () => {
    const off = configPath.replace(/archiver\.yaml$/, 'metrics-off.yaml');
    writeFileSync(
      off,
      readFileSync(configPath, 'utf8').replace(/^worker: .*$/m, 'worker: { metrics: false }'),
    );
    for (const [file, args] of [
      [off, []],
      [configPath, ['--metrics-port', '0']],
    ] as const) {
      const running = await startWorkerProcess(file, [...args]);
      try {
        const lines = logLines(running.output());
        expect(lines.map((line) => line.msg)).toContain(
          'Metrics endpoint off (--metrics-port 0 or worker.metrics: false)',
        );
        expect(lines.map((line) => line.msg)).not.toContain('Serving Prometheus metrics');
      } finally {
        await stopProcess(running.child);
      }
    }
  });

  it('refuses --metrics-host when metrics are off, and a host name (exit 2)', async () => {
    const noPort = await runCli([
      'worker',
      '--config',
      configPath,
      '--metrics-port',
      '0',
      '--metrics-host',
      '0.0.0.0',
    ]);
    expect(noPort.code).toBe(2);
    expect(noPort.stderr).toContain('--metrics-host has no endpoint to apply to');
    const hostName = await runCli(['worker', '--config', configPath, '--metrics-host', 'localhost']);
    expect(hostName.code).toBe(2);
    expect(hostName.stderr).toContain('--metrics-host must be an IP address');
  });

  it('refuses an unknown --log-format (exit 2)', async () => {
    const result = await runCli(['worker', '--config', configPath, '--log-format', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--log-format.*json, pretty/);
  });
});
