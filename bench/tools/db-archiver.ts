import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { stringify } from 'yaml';
import type { FleetReport } from '../../src/shared';
import type { CompressionChoice } from '../options';
import { exec } from '../exec';
import {
  BENCH_DATABASE,
  BENCH_TABLE,
  BUCKET,
  OLDER_THAN_DAYS,
  S3_ENDPOINT,
  TASK_QUEUE,
  TEMPORAL_ADDRESS,
  WARM_DATABASE,
  mariadbUrl,
  pgUrl,
  type Engine,
} from '../settings';

/** db-archiver end to end: its own worker process, `archiver run` against it, the configuration they share. */

export const REPO_ROOT = resolve(__dirname, '..', '..');
const CLI = join(REPO_ROOT, 'bin', 'archiver.js');

/** S3 prefix of the bench's archives; a run's objects are under `{prefix}/{database}/`. */
export const S3_PREFIX = 'bench';

export type LockBackend = 'postgres' | 'redis' | 'none';

/** Configured database names: the measured one and a tiny one that warms the worker up before a measurement. */
export function databaseName(engine: Engine, warm = false): string {
  return `${warm ? 'warm' : 'bench'}_${engine}`;
}

/** The `lock` section for a lease lock on the local PostgreSQL or Redis, or none. */
export function lockSection(backend: LockBackend): object {
  if (backend === 'postgres') return { backend, url: pgUrl('postgres') };
  if (backend === 'redis') return { backend, url: 'redis://127.0.0.1:6379' };
  return { backend };
}

/**
 * The `temporal` and `storage` sections for the local services: the caller's own task queue, so no other worker
 * takes its runs, and its own bucket and prefix (MinIO wants path-style requests).
 */
export function serviceSections(own: { taskQueue: string; bucket: string; prefix: string }): {
  temporal: object;
  storage: object;
} {
  return {
    temporal: { address: TEMPORAL_ADDRESS, namespace: 'default', taskQueue: own.taskQueue },
    storage: {
      bucket: own.bucket,
      prefix: own.prefix,
      endpoint: S3_ENDPOINT,
      region: 'us-east-1',
      forcePathStyle: true,
    },
  };
}

/** The bench table of one engine as a configuration lists it: rows past the cutoff, guarded deletes on. */
export function benchTable(engine: Engine, batchSize: number): object {
  return {
    name: engine === 'postgres' ? `public.${BENCH_TABLE}` : BENCH_TABLE,
    timestampColumn: 'created_at',
    olderThan: `${OLDER_THAN_DAYS}d`,
    batchSize,
    delete: true,
  };
}

/** A configured database on the local server of `engine`; `database` is the server's name for it. */
export function databaseEntry(
  engine: Engine,
  entry: { name: string; database: string; pool: number; tables: object[] },
): object {
  return {
    name: entry.name,
    engine: engine === 'postgres' ? 'postgres' : 'mysql',
    url: engine === 'postgres' ? pgUrl(entry.database) : mariadbUrl(entry.database),
    pool: entry.pool,
    tables: entry.tables,
  };
}

/**
 * Everything on that can be: checksums, guarded deletes and sample verification always are; a lease lock too.
 * `compression` sets storage.compression and its level (db-archiver's defaults without it).
 */
export function writeConfig(
  file: string,
  batchSize: number,
  lock: LockBackend,
  compression?: CompressionChoice,
): void {
  const databases = (['postgres', 'mariadb'] as const).flatMap((engine) =>
    [false, true].map((warm) =>
      databaseEntry(engine, {
        name: databaseName(engine, warm),
        database: warm ? WARM_DATABASE : BENCH_DATABASE,
        pool: 4,
        tables: [benchTable(engine, batchSize)],
      }),
    ),
  );
  const services = serviceSections({ taskQueue: TASK_QUEUE, bucket: BUCKET, prefix: S3_PREFIX });
  const config = {
    ...services,
    storage: {
      ...services.storage,
      ...(compression ? { compression: compression.compression, compressionLevel: compression.level } : {}),
    },
    run: { concurrency: 2 },
    lock: lockSection(lock),
    databases,
  };
  writeFileSync(file, `# Written by bench/tools/db-archiver.ts for npm run bench.\n${stringify(config)}`);
}

export interface ArchiverWorker {
  pid: number;
  log: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
}

/** Starts `archiver worker` as its own process and waits until it polls its task queue. */
export async function startWorker(configFile: string, log: string): Promise<ArchiverWorker> {
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, [CLI, 'worker', '--config', configFile], {
    cwd: REPO_ROOT,
    stdio: ['ignore', fd, fd],
    // As the Dockerfile runs it: two glibc malloc arenas instead of one per thread (the SDK core's, zlib's
    // and crypto's thread pools each get their own otherwise), about 35 MB less resident memory at peak.
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' },
  });
  closeSync(fd);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    await exited(child);
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  while (!readFileSync(log, 'utf8').includes('"Worker started"')) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
      throw new Error(`the db-archiver worker exited during startup; its log: ${log}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the db-archiver worker did not start within 120 s; its log: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { pid: child.pid!, log, stop };
}

export interface ArchiverRun {
  workflowId: string;
  report: FleetReport;
  /** performance.now() when the workflow's result arrived. */
  resultAtMs: number;
}

/**
 * `archiver run --database NAME --wait` (one `--database` per name when given several), timed to the workflow's result: the CLI prints the fleet workflow id
 * first, and the result is awaited here beside it. (The CLI itself may exit some seconds after the result: its
 * progress follower sleeps in 10 s steps on a non-TTY stderr.) Returns once the CLI has exited too, so its CPU
 * time is counted.
 */
export async function runArchiver(
  temporal: Client,
  configFile: string,
  database: string | readonly string[],
  log: string,
): Promise<ArchiverRun> {
  const only = (typeof database === 'string' ? [database] : database).flatMap((d) => ['--database', d]);
  let out = '';
  let announce: (id: string) => void = () => undefined;
  const announced = new Promise<string>((resolve) => (announce = resolve));
  const cli = exec(process.execPath, [CLI, 'run', '--config', configFile, ...only, '--wait'], {
    log,
    cwd: REPO_ROOT,
    capture: true,
    onStdout: (chunk) => {
      out += chunk;
      if (out.includes('\n')) announce(out.split('\n')[0]!.trim());
    },
  });
  const workflowId = await Promise.race([
    announced,
    cli.then(() => {
      throw new Error(`archiver run exited without printing a workflow id; log: ${log}`);
    }),
  ]);
  if (!workflowId.startsWith('archive-fleet-'))
    throw new Error(
      `archiver run printed ${JSON.stringify(workflowId.slice(0, 200))}, not a workflow id; log: ${log}`,
    );
  const report = (await temporal.workflow.getHandle(workflowId).result()) as FleetReport;
  const resultAtMs = performance.now();
  await cli;
  return { workflowId, report, resultAtMs };
}

/** The checks every measured run must pass: the whole table archived and deleted, nothing failed or skipped. */
export function checkReport(report: FleetReport, expectedRows: number): void {
  const tables = report.databases.flatMap((d) => d.tables);
  const problems = [
    report.status !== 'completed' ? `status ${report.status}` : '',
    ...report.databases.filter((d) => d.error).map((d) => `${d.name}: ${d.error}`),
    ...tables.filter((t) => t.status !== 'completed').map((t) => `${t.table}: ${t.error ?? t.status}`),
  ].filter(Boolean);
  const archived = tables.reduce((n, t) => n + t.archived, 0);
  const deleted = tables.reduce((n, t) => n + t.deleted, 0);
  if (archived !== expectedRows || deleted !== expectedRows)
    problems.push(`archived ${archived} and deleted ${deleted} rows, expected ${expectedRows}`);
  if (problems.length > 0)
    throw new Error(`db-archiver run ${report.runId} went wrong: ${problems.join('; ')}`);
}
