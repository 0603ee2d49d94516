/**
 * End-to-end throughput of the profiler's table through Temporal: an in-process worker on the dev server, the
 * real fleet workflow, one table of the `perf` database. Reports rows/s, the worker's peak RSS (sampled), and
 * Temporal's scheduling share: the part of the wall time during which no batch activity was running.
 *
 *   npx tsx bench/profile-run.ts --rows 1000000 --batch 10000 --engine postgres|mariadb [--no-seed]
 *     [--cpu-profile FILE]     V8 CPU profile of the run alone (not the bundling before it); see bench/cpu-profile.ts
 *     [--heartbeat-throttle D]  the worker's maxHeartbeatThrottleInterval, e.g. "500 milliseconds" as src/worker.ts
 *                              sets it (default: the SDK's)
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../src/activities';
import { parseConfig } from '../src/config';
import { EngineRegistry } from '../src/engines';
import { createS3Client } from '../src/storage';
import { createLockBackend } from '../src/locks';
import { buildFleetInput } from '../src/cli/fleet-input';
import type { FleetReport } from '../src/shared';
import { oldRows, perfTarget, seedPerfTable, type ProfileEngine } from './profile-seed';

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** Wraps the activities to record when any of them is running (intervals may overlap). */
function tracked(activities: Activities, busy: { active: number; since: number; ms: number }): Activities {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, fn] of Object.entries(activities) as [string, AnyActivity][]) {
    wrapped[name] = {
      async [name](...args: never[]) {
        if (busy.active++ === 0) busy.since = performance.now();
        try {
          return await fn(...args);
        } finally {
          if (--busy.active === 0) busy.ms += performance.now() - busy.since;
        }
      },
    }[name]!;
  }
  return wrapped as Activities;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '10000' },
      engine: { type: 'string', default: 'postgres' },
      'no-seed': { type: 'boolean', default: false },
      'storage-extra': { type: 'string', default: '' },
      'table-extra': { type: 'string', default: '' },
      'cpu-profile': { type: 'string' },
      'heartbeat-throttle': { type: 'string' },
    },
  });
  const engine = values.engine as ProfileEngine;
  const rows = Number(values.rows);
  const target = perfTarget(engine);
  if (!values['no-seed']) {
    const start = performance.now();
    await seedPerfTable(engine, rows);
    console.error(`seeded ${rows} rows in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  const bucket = 'perf-run';
  const yaml = `temporal: { address: "127.0.0.1:7233", namespace: default, taskQueue: perf-${Date.now()} }
storage: { bucket: ${bucket}, prefix: run-${Date.now()}, endpoint: "http://127.0.0.1:9000", forcePathStyle: true${values['storage-extra']} }
databases:
  - name: perf
    engine: ${target.kind}
    url: "${target.url}"
    tables:
      - { name: ${target.table}, timestampColumn: created_at, olderThan: 90d, batchSize: ${values.batch}${values['table-extra']} }
`;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = parseConfig(yaml, 'profile');
  const engines = new EngineRegistry(config.databases);
  const s3 = createS3Client(config.storage);
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
  const locks = createLockBackend(config.lock);
  const busy = { active: 0, since: 0, ms: 0 };
  const activities = tracked(createActivities({ engines, s3, locks, storage: config.storage }), busy);
  const nativeConnection = await NativeConnection.connect({ address: '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('../src/workflows'),
    activities,
    ...(values['heartbeat-throttle'] ? { maxHeartbeatThrottleInterval: values['heartbeat-throttle'] } : {}),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: '127.0.0.1:7233' });
  const client = new Client({ connection });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const input = buildFleetInput(config, { databases: [], dryRun: false });
  // The workflow bundle is built above, in this process; what it costs is reported apart from the run's own peak.
  const rssAtStart = process.memoryUsage().rss;
  const profiler = values['cpu-profile'] ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
  }
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const report = await client.workflow.execute<(i: typeof input) => Promise<FleetReport>>('archiveFleet', {
    workflowId: `perf-${Date.now()}`,
    taskQueue: config.temporal.taskQueue,
    args: [input],
  });
  const wallMs = performance.now() - start;
  clearInterval(sampler);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(values['cpu-profile']!, JSON.stringify(profile));
    profiler.disconnect();
  }
  const table = report.databases[0]?.tables[0];
  const archived = table?.archived ?? 0;
  console.log(
    JSON.stringify({
      engine,
      rows,
      expected: oldRows(rows),
      batch: Number(values.batch),
      status: report.status,
      archived,
      deleted: table?.deleted,
      batches: table?.batches,
      wallS: +(wallMs / 1000).toFixed(2),
      cpuS: +((process.cpuUsage(cpuStart).user + process.cpuUsage(cpuStart).system) / 1e6).toFixed(2),
      rowsPerS: Math.round(archived / (wallMs / 1000)),
      rssAtStartMb: Math.round(rssAtStart / 1048576),
      peakRssMb: Math.round(peakRss / 1048576),
      schedulingShare: +(1 - busy.ms / wallMs).toFixed(3),
    }),
  );
  worker.shutdown();
  await running;
  await engines.closeAll();
  await locks.close();
  s3.destroy();
  await connection.close();
  await nativeConnection.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
