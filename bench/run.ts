import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { S3Client } from '@aws-sdk/client-s3';
import { exec } from './exec';
import { machineInfo } from './machine';
import { measure, type Measurement } from './measure';
import { parseOptions, type BenchOptions } from './options';
import { archiverNotes, resultsTable } from './report';
import { TOOLS_BY_ENGINE, type S3Usage, type Tool, type ToolResult } from './results';
import { bucketRequests, deletePrefix, ensureBucket, listKeys, requestsBetween, s3Client } from './s3';
import { countRows, seed, seedShape, type SeedShape } from './seed';
import { servicePid } from './services';
import {
  BENCH_DATABASE,
  TEMPORAL_ADDRESS,
  WARM_DATABASE,
  WORK_DIR,
  cutoffLiteral,
  type Engine,
} from './settings';
import { temporalShare } from './temporal-share';
import {
  REPO_ROOT,
  S3_PREFIX,
  checkReport,
  databaseName,
  runArchiver,
  startWorker,
  writeConfig,
  type ArchiverRun,
  type ArchiverWorker,
} from './tools/db-archiver';
import { deleteLimit, keysetLoop, readLimit } from './tools/psql';
import { ptArchiver } from './tools/pt-archiver';

/** `npm run bench`: seeds, runs every selected tool on identical data, prints the table. See bench/RESULTS.md. */

// MinIO's metrics are cached for about 10 s: read them only after that long without traffic.
const METRICS_SETTLE_MS = 11_000;
const SEED_SETTLE_MS = 2_000;

interface Context {
  options: BenchOptions;
  shape: SeedShape;
  configFile: string;
  log: string;
  worker?: ArchiverWorker;
  temporal?: Client;
  s3?: S3Client;
}

const say = (message: string) => process.stderr.write(`bench: ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Everything a run needs, checked before anything is seeded, with what to do about each gap. */
function preflight(options: BenchOptions): void {
  const wants = (engine: Engine, tool: Tool) =>
    options.engines.includes(engine) && options.tools.includes(tool);
  const problems: string[] = [];
  if (wants('mariadb', 'pt-archiver') && !onPath('pt-archiver'))
    problems.push(
      'pt-archiver is not installed: run `bash bench/setup.sh` (installs percona-toolkit, pinned)',
    );
  const psqlTools: Tool[] = ['psql-loop', 'read-limit', 'delete-limit'];
  if (options.engines.includes('postgres') && psqlTools.some((t) => options.tools.includes(t))) {
    if (!onPath('psql'))
      problems.push('psql is not on PATH: `bash scripts/services.sh up postgres` installs it');
    if (!onPath('gzip')) problems.push('gzip is not on PATH: apt-get install gzip');
  }
  for (const service of [...options.engines, 'temporal', 'minio'] as const) {
    try {
      servicePid(service);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const selected = options.engines.flatMap((e) =>
    TOOLS_BY_ENGINE[e].filter((t) => options.tools.includes(t)),
  );
  if (selected.length === 0)
    problems.push(`none of --tools ${options.tools.join(',')} runs on --engine ${options.engines.join(',')}`);
  if (problems.length > 0) throw new Error(`cannot run the benchmark:\n  - ${problems.join('\n  - ')}`);
}

/**
 * A fresh worker for each measurement (memory a previous run left resident would otherwise count in this run's
 * peak), then a tiny archival on its own database, so the measured run finds its code, bundle and clients warm.
 */
async function warmUp(ctx: Context, engine: Engine): Promise<void> {
  await ctx.worker?.stop();
  const workerLog = join(WORK_DIR, `worker-${engine}.log`);
  writeFileSync(workerLog, '');
  say(`${engine} db-archiver: starting a worker (log: ${workerLog}) and warming it up`);
  ctx.worker = await startWorker(ctx.configFile, workerLog);
  await seed(engine, WARM_DATABASE, seedShape(100));
  await runArchiver(ctx.temporal!, ctx.configFile, databaseName(engine, true), ctx.log);
  await deletePrefix(ctx.s3!, `${S3_PREFIX}/`);
}

async function runDbArchiver(
  ctx: Context,
  engine: Engine,
): Promise<Measurement & Pick<ToolResult, 'temporal' | 's3'>> {
  await warmUp(ctx, engine);
  const { worker, temporal, s3 } = ctx;
  await sleep(METRICS_SETTLE_MS);
  const requestsBefore = await bucketRequests();
  let run: ArchiverRun | undefined;
  const m = await measure(engine, worker!.pid, async () => {
    run = await runArchiver(temporal!, ctx.configFile, databaseName(engine), ctx.log);
    return run.resultAtMs;
  });
  checkReport(run!.report, ctx.shape.oldRows);
  const share = await temporalShare(temporal!, run!.workflowId);
  const objects = (await listKeys(s3!, `${S3_PREFIX}/`)).length;
  await sleep(METRICS_SETTLE_MS);
  const requests = requestsBetween(requestsBefore, await bucketRequests());
  const totalRequests = Object.values(requests).reduce((a, b) => a + b, 0);
  const perMillion = 1e6 / ctx.shape.oldRows;
  const s3Usage: S3Usage = {
    requests,
    totalRequests,
    objects,
    requestsPerMillionRows: totalRequests * perMillion,
    objectsPerMillionRows: objects * perMillion,
  };
  await deletePrefix(s3!, `${S3_PREFIX}/`);
  const activitySharedWall = (m.wallS * 1000 - share.activityMs) / (m.wallS * 1000);
  return { ...m, temporal: { ...share, shareOfWall: activitySharedWall }, s3: s3Usage };
}

async function runAnchor(ctx: Context, engine: Engine, tool: Tool, cutoff: string): Promise<Measurement> {
  const outDir = join(WORK_DIR, 'out', `${engine}-${tool}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const run = { cutoff, batchSize: ctx.options.batch, oldRows: ctx.shape.oldRows, outDir, log: ctx.log };
  const body: Record<string, () => Promise<void>> = {
    'pt-archiver': () => ptArchiver(run),
    'psql-loop': () => keysetLoop(run),
    'read-limit': () => readLimit(run),
    'delete-limit': () => deleteLimit(run),
  };
  try {
    return await measure(engine, null, body[tool]!);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function runTool(ctx: Context, engine: Engine, tool: Tool, repeat: number): Promise<ToolResult> {
  const { shape } = ctx;
  say(
    `${engine} ${tool}${ctx.options.repeats > 1 ? ` (repeat ${repeat + 1})` : ''}: seeding ${shape.rows} rows`,
  );
  await seed(engine, BENCH_DATABASE, shape);
  // The seeding session's server process may still be ending; its CPU must not straddle the first snapshot.
  await sleep(SEED_SETTLE_MS);
  const cutoff = cutoffLiteral(Date.now());
  say(`${engine} ${tool}: running`);
  const m =
    tool === 'db-archiver' ? await runDbArchiver(ctx, engine) : await runAnchor(ctx, engine, tool, cutoff);
  const left = await countRows(engine, BENCH_DATABASE, cutoff);
  const expected =
    tool === 'read-limit'
      ? { total: shape.rows, old: shape.oldRows }
      : { total: shape.rows - shape.oldRows, old: 0 };
  if (left.total !== expected.total || left.old !== expected.old)
    throw new Error(
      `${engine} ${tool} left ${left.total} rows (${left.old} old), expected ${expected.total} (${expected.old} old); log: ${ctx.log}`,
    );
  const rowsPerS = shape.oldRows / m.wallS;
  say(`${engine} ${tool}: ${shape.oldRows} rows in ${m.wallS.toFixed(2)} s (${Math.round(rowsPerS)} rows/s)`);
  const batched = tool !== 'read-limit' && tool !== 'delete-limit';
  return {
    ...m,
    repeat,
    engine,
    tool,
    batch: batched ? ctx.options.batch : null,
    rows: shape.oldRows,
    rowsPerS,
  };
}

/** Alternating order: odd repeats run the tools in reverse, so neither side always goes first. */
function plan(options: BenchOptions): Array<{ repeat: number; engine: Engine; tool: Tool }> {
  const steps = [];
  for (let repeat = 0; repeat < options.repeats; repeat += 1) {
    for (const engine of options.engines) {
      const tools = TOOLS_BY_ENGINE[engine].filter((t) => options.tools.includes(t));
      for (const tool of repeat % 2 === 1 ? [...tools].reverse() : tools)
        steps.push({ repeat, engine, tool });
    }
  }
  return steps;
}

async function startArchiver(ctx: Context): Promise<void> {
  if (ctx.options.build) {
    say('npm run build (dist/ is what the worker runs; --no-build skips this)');
    await exec('npm', ['run', '--silent', 'build'], { log: ctx.log, cwd: REPO_ROOT });
  }
  writeConfig(ctx.configFile, ctx.options.batch, ctx.options.lock, ctx.options.compression);
  ctx.s3 = s3Client();
  await ensureBucket(ctx.s3);
  await deletePrefix(ctx.s3, `${S3_PREFIX}/`);
  ctx.temporal = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The local MinIO's credentials, as `bash scripts/services.sh env` exports them; the worker inherits them.
  process.env.AWS_ACCESS_KEY_ID ??= 'minioadmin';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'minioadmin';
  process.env.AWS_REGION ??= 'us-east-1';
  preflight(options);
  mkdirSync(WORK_DIR, { recursive: true });
  const ctx: Context = {
    options,
    shape: seedShape(options.rows),
    configFile: join(WORK_DIR, 'archiver-bench.yaml'),
    log: join(WORK_DIR, 'bench.log'),
  };
  writeFileSync(ctx.log, '');
  const machine = machineInfo();
  say(
    `${machine.nproc} CPUs (${machine.cpuModel}), ${machine.ramGiB} GiB, load ${machine.loadAverage.join(' ')}; log: ${ctx.log}`,
  );
  const results: ToolResult[] = [];
  try {
    if (options.tools.includes('db-archiver')) await startArchiver(ctx);
    for (const step of plan(options)) results.push(await runTool(ctx, step.engine, step.tool, step.repeat));
  } finally {
    await ctx.worker?.stop();
    await ctx.temporal?.connection.close();
    ctx.s3?.destroy();
  }
  process.stdout.write(`\n${resultsTable(results, options.repeats)}\n`);
  const notes = archiverNotes(results);
  if (notes) process.stdout.write(`\n${notes}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify({ machine, options, results }, null, 2)}\n`);
    say(`raw results in ${options.json}`);
  }
}

main().catch((error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
