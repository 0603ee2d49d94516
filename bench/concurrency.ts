import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { createConnection } from 'mysql2/promise';
import { Client as PgClient } from 'pg';
import { stringify } from 'yaml';
import { exec } from './exec';
import { measure, type Measurement } from './measure';
import { oneOf, positive } from './options';
import { processCpuS } from './proc';
import { deletePrefix, ensureBucket, s3Client } from './s3';
import { countRows, seed, seedShape } from './seed';
import { servicePid } from './services';
import { MARIADB, PG, TEMPORAL_ADDRESS, WORK_DIR, cutoffLiteral, type Engine } from './settings';
import {
  REPO_ROOT,
  benchTable,
  checkReport,
  databaseEntry,
  lockSection,
  runArchiver,
  serviceSections,
  startWorker,
  type ArchiverWorker,
} from './tools/db-archiver';

/**
 * `npx tsx bench/concurrency.ts`: the parallelism trade-offs of one worker (docs/parallelism.md). Seeds D
 * databases with the bench's events table, starts one worker process, and archives the whole fleet once per
 * `run.concurrency` level (reseeding before each, so every level archives the same rows), measuring wall time,
 * the worker's peak RSS, the connections the worker holds (sampled every 200 ms), and the CPU of the database
 * server and of Temporal+MinIO. Optionally, one more series varies `databases[].pool` at a fixed concurrency
 * (each pool size needs a worker of its own: the pool is the worker's setting).
 *
 * Its own databases (conc_pg_N / conc_my_N, dropped at the end), bucket, S3 prefix and task queue.
 */

const BUCKET = 'db-archiver-conc';
const TASK_QUEUE = 'archiver-conc';
const S3_PREFIX = 'conc';
const SAMPLE_MS = 200;
const SEED_SETTLE_MS = 2_000;
const PG_PORT = PG.port;
const MARIADB_PORT = MARIADB.port;

interface Options {
  databases: number;
  rows: number;
  batch: number;
  levels: number[];
  engine: Engine;
  pool: number;
  pools: number[];
  poolConcurrency: number;
  repeats: number;
  maxConcurrentActivities: number;
  json?: string;
  build: boolean;
}

interface Step {
  series: 'concurrency' | 'pool';
  repeat: number;
  concurrency: number;
  pool: number;
}

interface ConnectionPeaks {
  /** Connections to the source databases, as the server lists them (pg_stat_activity / PROCESSLIST). */
  sourceTotal: number;
  /** The most any one source database had at once. */
  sourcePerDatabase: number;
  /** Of those, the most at once that were not idle (PostgreSQL state <> 'idle', MariaDB COMMAND <> 'Sleep'). */
  sourceActive: number;
  /** Mean over the samples of the source connections open, and of those not idle. */
  sourceMean: number;
  sourceActiveMean: number;
  /** The worker's own established TCP connections to the PostgreSQL port (source and lease lock) and MariaDB's. */
  workerToPostgres: number;
  workerToMariadb: number;
  samples: number;
}

interface LevelResult extends Step, Measurement, ConnectionPeaks {
  rows: number;
  rowsPerS: number;
  workerCpuS: number;
  serverCpuMsPer1000Rows: number;
  loadStart: number[];
  loadEnd: number[];
}

const say = (message: string) => process.stderr.write(`concurrency: ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

function list(name: string, max: number) {
  return (value: string): number[] => value.split(',').map((v) => positive(name, max)(v.trim()));
}

function parseOptions(argv: string[]): Options {
  const program = new Command('npx tsx bench/concurrency.ts')
    .description(
      'Archives D seeded databases with one worker at several run.concurrency levels (and pool sizes).',
    )
    .option('--databases <n>', 'databases to seed and archive', positive('--databases', 64), 4)
    .option('--rows <n>', 'rows per database (77% of them old)', positive('--rows', 10_000_000), 100_000)
    .option('--batch <n>', 'batchSize', positive('--batch', 1_000_000), 10_000)
    .option('--levels <list>', 'run.concurrency levels, comma-separated', list('--levels', 64), [1, 2, 4])
    .option(
      '--engine <engine>',
      'postgres or mariadb (default: postgres)',
      oneOf(['postgres', 'mariadb'] as const),
    )
    .option('--pool <n>', 'databases[].pool for the concurrency series', positive('--pool', 100), 4)
    .option(
      '--pools <list>',
      'also: these pool sizes at --pool-concurrency, a fresh worker each',
      list('--pools', 100),
    )
    .option(
      '--pool-concurrency <n>',
      'run.concurrency of the pool series',
      positive('--pool-concurrency', 64),
      2,
    )
    .option(
      '--repeats <n>',
      'runs of each series; odd repeats run it in reverse order',
      positive('--repeats', 20),
      1,
    )
    .option(
      '--max-concurrent-activities <n>',
      'worker.maxConcurrentActivities',
      positive('--max-concurrent-activities', 1000),
      16,
    )
    .option('--json <file>', 'also write the raw results to this file')
    .option('--no-build', 'do not run `npm run build` first (dist/ is what the worker runs)')
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  const o = program.opts<Omit<Options, 'engine' | 'pools'> & { engine?: Engine; pools?: number[] }>();
  return { ...o, engine: o.engine ?? 'postgres', pools: o.pools ?? [] };
}

function databaseNames(options: Options): string[] {
  const tag = options.engine === 'postgres' ? 'pg' : 'my';
  return Array.from({ length: options.databases }, (_, i) => `conc_${tag}_${i + 1}`);
}

const warmName = (engine: Engine) => `conc_${engine === 'postgres' ? 'pg' : 'my'}_warm`;

/** The configured name is the server's database name too. */
function writeConfig(file: string, options: Options, concurrency: number, pool: number): void {
  const table = benchTable(options.engine, options.batch);
  const databases = [...databaseNames(options), warmName(options.engine)].map((name) =>
    databaseEntry(options.engine, { name, database: name, pool, tables: [table] }),
  );
  const config = {
    ...serviceSections({ taskQueue: TASK_QUEUE, bucket: BUCKET, prefix: S3_PREFIX }),
    run: { concurrency },
    worker: { maxConcurrentActivities: options.maxConcurrentActivities },
    lock: lockSection('postgres'),
    databases,
  };
  writeFileSync(file, `# Written by bench/concurrency.ts.\n${stringify(config)}`);
}

/** Established TCP connections of one process, counted by remote port (from /proc/PID/fd and /proc/net/tcp*). */
function socketsByRemotePort(pid: number): Map<number, number> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return new Map();
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const counts = new Map<number, number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '01' || !inodes.has(f[9]!)) continue; // 01: ESTABLISHED
      const port = parseInt(f[2]!.split(':')[1]!, 16);
      counts.set(port, (counts.get(port) ?? 0) + 1);
    }
  }
  return counts;
}

/** Samples the connections every SAMPLE_MS until stopped; keeps the peaks. */
async function sampleConnections(
  engine: Engine,
  names: string[],
  workerPid: number,
): Promise<{ stop: () => Promise<ConnectionPeaks> }> {
  const peaks: ConnectionPeaks = {
    sourceTotal: 0,
    sourcePerDatabase: 0,
    sourceActive: 0,
    sourceMean: 0,
    sourceActiveMean: 0,
    workerToPostgres: 0,
    workerToMariadb: 0,
    samples: 0,
  };
  let perDatabase: () => Promise<Array<{ n: number; active: number }>>;
  let close: () => Promise<void>;
  if (engine === 'postgres') {
    const pg = new PgClient({ ...PG, database: 'postgres', application_name: 'bench concurrency sampler' });
    await pg.connect();
    perDatabase = async () =>
      (
        await pg.query<{ n: string; active: string }>(
          `SELECT count(a.pid) AS n, count(a.pid) FILTER (WHERE a.state <> 'idle') AS active
             FROM unnest($1::text[]) AS d(name)
             LEFT JOIN pg_stat_activity a ON a.datname = d.name GROUP BY d.name`,
          [names],
        )
      ).rows.map((r) => ({ n: Number(r.n), active: Number(r.active) }));
    close = () => pg.end();
  } else {
    const my = await createConnection({ ...MARIADB });
    perDatabase = async () => {
      const [rows] = await my.query(
        `SELECT DB AS name, COUNT(*) AS n, SUM(COMMAND <> 'Sleep') AS active
           FROM information_schema.PROCESSLIST WHERE DB IN (?) GROUP BY DB`,
        [names],
      );
      return (rows as Array<{ n: number | string; active: number | string }>).map((r) => ({
        n: Number(r.n),
        active: Number(r.active),
      }));
    };
    close = () => my.end();
  }
  let running = true;
  let sumOpen = 0;
  let sumActive = 0;
  const loop = (async () => {
    while (running) {
      const counts = await perDatabase();
      const sockets = socketsByRemotePort(workerPid);
      const open = counts.reduce((a, c) => a + c.n, 0);
      const active = counts.reduce((a, c) => a + c.active, 0);
      sumOpen += open;
      sumActive += active;
      peaks.sourceTotal = Math.max(peaks.sourceTotal, open);
      peaks.sourceActive = Math.max(peaks.sourceActive, active);
      peaks.sourcePerDatabase = Math.max(peaks.sourcePerDatabase, ...counts.map((c) => c.n), 0);
      peaks.workerToPostgres = Math.max(peaks.workerToPostgres, sockets.get(PG_PORT) ?? 0);
      peaks.workerToMariadb = Math.max(peaks.workerToMariadb, sockets.get(MARIADB_PORT) ?? 0);
      peaks.samples += 1;
      await sleep(SAMPLE_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await close();
      peaks.sourceMean = sumOpen / Math.max(peaks.samples, 1);
      peaks.sourceActiveMean = sumActive / Math.max(peaks.samples, 1);
      return peaks;
    },
  };
}

async function dropDatabases(engine: Engine, names: string[]): Promise<void> {
  if (engine === 'postgres') {
    const pg = new PgClient({ ...PG, database: 'postgres' });
    await pg.connect();
    try {
      for (const name of names) await pg.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await pg.end();
    }
    return;
  }
  const my = await createConnection({ ...MARIADB });
  try {
    for (const name of names) await my.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await my.end();
  }
}

function plan(options: Options): Step[] {
  const steps: Step[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat += 1) {
    const reverse = <T>(xs: T[]) => (repeat % 2 === 1 ? [...xs].reverse() : xs);
    for (const concurrency of reverse(options.levels))
      steps.push({ series: 'concurrency', repeat, concurrency, pool: options.pool });
  }
  for (let repeat = 0; repeat < options.repeats; repeat += 1) {
    const reverse = <T>(xs: T[]) => (repeat % 2 === 1 ? [...xs].reverse() : xs);
    for (const pool of reverse(options.pools))
      steps.push({ series: 'pool', repeat, concurrency: options.poolConcurrency, pool });
  }
  return steps;
}

function table(results: LevelResult[]): string {
  const head = [
    'series',
    'repeat',
    'concurrency',
    'pool',
    'rows',
    'wall s',
    'rows/s',
    'worker peak RSS MB',
    'source conns peak (per db)',
    'not idle peak',
    'mean open / not idle',
    'worker sockets pg/mariadb',
    'worker CPU s',
    'server CPU s',
    'server CPU ms / 1k rows',
    'Temporal+MinIO CPU s',
    'load start',
    'load end',
  ];
  const rows = results.map((r) => [
    r.series,
    String(r.repeat + 1),
    String(r.concurrency),
    String(r.pool),
    r.rows.toLocaleString('en-US'),
    r.wallS.toFixed(2),
    Math.round(r.rowsPerS).toLocaleString('en-US'),
    r.workerPeakRssMb === null ? '-' : r.workerPeakRssMb.toFixed(0),
    `${r.sourceTotal} (${r.sourcePerDatabase})`,
    String(r.sourceActive),
    `${r.sourceMean.toFixed(1)} / ${r.sourceActiveMean.toFixed(1)}`,
    `${r.workerToPostgres}/${r.workerToMariadb}`,
    r.workerCpuS.toFixed(2),
    r.serverCpuS.toFixed(2),
    r.serverCpuMsPer1000Rows.toFixed(1),
    r.infraCpuS.toFixed(2),
    r.loadStart.join(' '),
    r.loadEnd.join(' '),
  ]);
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.env.AWS_ACCESS_KEY_ID ??= 'minioadmin';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'minioadmin';
  process.env.AWS_REGION ??= 'us-east-1';
  for (const service of [options.engine, 'postgres', 'temporal', 'minio'] as const) servicePid(service);
  const dir = join(WORK_DIR, 'concurrency');
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'concurrency.log');
  writeFileSync(log, '');
  const names = databaseNames(options);
  const shape = seedShape(options.rows);
  const engine = options.engine;
  say(`${names.length} ${engine} databases x ${options.rows} rows; load ${load().join(' ')}; log: ${log}`);
  if (options.build) {
    say('npm run build (dist/ is what the worker runs; --no-build skips this)');
    await exec('npm', ['run', '--silent', 'build'], { log, cwd: REPO_ROOT });
  }
  const s3 = s3Client();
  await ensureBucket(s3, BUCKET);
  await deletePrefix(s3, `${S3_PREFIX}/`, BUCKET);
  const temporal = new TemporalClient({
    connection: await Connection.connect({ address: TEMPORAL_ADDRESS }),
  });
  const configFor = (concurrency: number, pool: number) => {
    const file = join(dir, `archiver-c${concurrency}-p${pool}.yaml`);
    writeConfig(file, options, concurrency, pool);
    return file;
  };
  let worker: ArchiverWorker | undefined;
  let workerPool: number | undefined;
  const results: LevelResult[] = [];
  try {
    for (const step of plan(options)) {
      // One worker for the whole concurrency series; a fresh one per pool size (the pool is the worker's).
      if (worker === undefined || workerPool !== step.pool || step.series === 'pool') {
        await worker?.stop();
        const workerLog = join(dir, `worker-p${step.pool}.log`);
        writeFileSync(workerLog, '');
        say(`starting a worker with pool ${step.pool} (log: ${workerLog}) and warming it up`);
        worker = await startWorker(configFor(1, step.pool), workerLog);
        workerPool = step.pool;
        await seed(engine, warmName(engine), seedShape(100));
        await runArchiver(temporal, configFor(1, step.pool), warmName(engine), log);
        await deletePrefix(s3, `${S3_PREFIX}/`, BUCKET);
      }
      const label = `${step.series} ${step.repeat + 1}: concurrency ${step.concurrency}, pool ${step.pool}`;
      say(`${label}: seeding ${names.length} x ${shape.rows} rows`);
      for (const name of names) await seed(engine, name, shape);
      await deletePrefix(s3, `${S3_PREFIX}/`, BUCKET);
      await sleep(SEED_SETTLE_MS);
      const configFile = configFor(step.concurrency, step.pool);
      const loadStart = load();
      const pid = worker.pid;
      const cpuBefore = processCpuS(pid);
      let peaks: ConnectionPeaks | undefined;
      let report: Awaited<ReturnType<typeof runArchiver>>['report'] | undefined;
      const m = await measure(engine, pid, async () => {
        const sampler = await sampleConnections(engine, names, pid);
        try {
          const run = await runArchiver(temporal, configFile, names, log);
          report = run.report;
          return run.resultAtMs;
        } finally {
          peaks = await sampler.stop();
        }
      });
      const loadEnd = load();
      const rows = shape.oldRows * names.length;
      checkReport(report!, rows);
      const cutoff = cutoffLiteral(Date.now());
      for (const name of names) {
        const left = await countRows(engine, name, cutoff);
        if (left.old !== 0 || left.total !== shape.rows - shape.oldRows)
          throw new Error(`${name}: ${left.total} rows left (${left.old} old) after ${label}`);
      }
      const result: LevelResult = {
        ...step,
        ...m,
        ...peaks!,
        rows,
        rowsPerS: rows / m.wallS,
        workerCpuS: processCpuS(pid) - cpuBefore,
        serverCpuMsPer1000Rows: (m.serverCpuS * 1000) / (rows / 1000),
        loadStart,
        loadEnd,
      };
      results.push(result);
      say(
        `${label}: ${rows} rows in ${m.wallS.toFixed(2)} s (${Math.round(result.rowsPerS)} rows/s), ` +
          `RSS ${m.workerPeakRssMb?.toFixed(0)} MB, source connections ${result.sourceTotal}, load ${loadStart.join(' ')} -> ${loadEnd.join(' ')}`,
      );
    }
  } finally {
    await worker?.stop();
    await temporal.connection.close();
    await deletePrefix(s3, `${S3_PREFIX}/`, BUCKET).catch(() => undefined);
    s3.destroy();
    await dropDatabases(engine, [...names, warmName(engine)]).catch((error: unknown) =>
      say(`could not drop the databases: ${String(error)}`),
    );
  }
  process.stdout.write(`\n${table(results)}\n`);
  if (options.json) {
    writeFileSync(
      options.json,
      `${JSON.stringify({ date: new Date().toISOString(), options, results }, null, 2)}\n`,
    );
    say(`raw results in ${options.json}`);
  }
}

main().catch((error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
