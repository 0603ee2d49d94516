/**
 * One chaos scenario: a table in the lab's PostgreSQL or MariaDB, an `archiver worker` process, one fault
 * injected at a chosen point of a chosen batch (seen from the server: the batch's activity is running, or has
 * just completed), healed after a while, the run awaited, and the data-loss oracle's verdict. Optionally a
 * writer changes old rows during the run, so the guarded delete is exercised too: with the guard gone, the
 * oracle would find a deleted row whose archived copy is not its last version.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createConnection, type Connection as MysqlConnection } from 'mysql2/promise';
import { parseConfig } from '../../../src/config';
import { buildFleetInput } from '../../../src/cli/fleet-input';
import { createEngine, eachRow, type Engine, type TableInfo } from '../../../src/engines';
import {
  acquireOrThrow,
  createLockBackend,
  leaseResource,
  processOwner,
  type Lease,
} from '../../../src/locks';
import { databaseWorkflowId, fleetWorkflowId, type FleetReport } from '../../../src/shared';
import { getJson, tablePrefix, type DeletionRecord } from '../../../src/storage';
import { startWorkerProcess, stopProcess } from '../../helpers/cli';
import { eventsConfigYaml } from '../../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../../helpers/events-table';
import { createBucket, uniqueName } from '../../helpers/services';
import {
  checkNothingLost,
  isClean,
  snapshotTable,
  UNKNOWN_VERSION,
  type OracleVerdict,
  type Snapshot,
} from '../oracle';
import {
  ARCHIVER_VIEW,
  crashService,
  LAB,
  labServices,
  throughProxy,
  toxiproxy,
  type ProxyName,
} from './lab';
import type { S3FaultProxy } from './s3-fault-proxy';

export const FAULT_KINDS = [
  'worker-kill',
  'temporal-restart',
  'db-connections-killed',
  'db-restart',
  'db-net-cut',
  'db-net-slow',
  'db-net-reset',
  's3-net-cut',
  's3-net-slow',
  's3-net-reset',
  's3-errors',
  'minio-restart',
  'lock-backend-lost',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Where in a batch the fault lands: while the batch's rows are read, uploaded, deleted or verified, or between. */
export const BATCH_POINTS = ['extract', 'upload', 'after-upload', 'delete', 'verify'] as const;
export type BatchPoint = (typeof BATCH_POINTS)[number];

const TARGET_ACTIVITY: Record<BatchPoint, string> = {
  extract: 'archiveBatch',
  upload: 'archiveBatch',
  'after-upload': 'archiveBatch',
  delete: 'deleteBatch',
  verify: 'verifyBatch',
};

export interface ScenarioOptions {
  engine: EngineKind;
  fault: FaultKind;
  point: BatchPoint;
  /** The batch (1-based) whose activity triggers the fault; default 2. */
  batch?: number;
  /** Milliseconds after the activity is seen running before the fault hits; default 150. */
  delayMs?: number;
  /** How long the fault lasts before it is healed; default 2000. */
  holdMs?: number;
  rows?: number;
  batchSize?: number;
  /** Bytes of payload per row; random (incompressible) payloads make batches big enough for multipart. */
  payloadBytes?: number;
  randomPayload?: boolean;
  multipart?: boolean;
  /** Change old rows while the run goes on (exercises the guarded delete). */
  mutate?: boolean;
  /** Lock backend for the run; default none, `lock-backend-lost` defaults to redis. */
  lock?: 'none' | 'redis' | 'postgres';
  /** For `lock-backend-lost`: another owner takes the lease while it is lost, and keeps it for holdMs. */
  competitor?: boolean;
  /** Latency added to the database and S3 links for the whole run, so each batch step lasts long enough to be hit. */
  baseLatencyMs?: number;
  /** Bandwidth limit (KB/s, both directions) on the database and S3 links for the whole run, for the same reason. */
  bandwidthKBps?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface ScenarioResult {
  engine: EngineKind;
  fault: FaultKind;
  point: BatchPoint;
  /** The run finished and every table completed, without anyone stepping in. */
  completed: boolean;
  status: string;
  error?: string;
  verdict: OracleVerdict;
  clean: boolean;
  injected: boolean;
  /** The attempt of the target activity that the fault hit failed and was retried. */
  retriedTarget: boolean;
  maxAttempt: Record<string, number>;
  failures: string[];
  /** From the fault's end until the run moved on (a new activity started, or the run ended). */
  recoveryMs: number | null;
  durationMs: number;
  /** Deletion records written while the lease was held by someone else (must be 0). */
  deletesWhileLeaseLost: number;
  competitorHeld: boolean;
  s3Requests: S3FaultProxy['requests'];
  bucket: string;
  /** Everything the worker processes wrote. */
  workerLog: string;
}

export interface LabContext {
  client: Client;
  connection: Connection;
  s3: S3Client;
  s3Proxy: S3FaultProxy;
}

interface PendingActivity {
  id: string;
  type: string;
  attempt: number;
  failure?: string;
}

async function pendingActivities(client: Client, workflowId: string): Promise<PendingActivity[] | null> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    return (description.raw.pendingActivities ?? []).map((p) => ({
      id: p.activityId ?? '',
      type: p.activityType?.name ?? '',
      attempt: p.attempt ?? 1,
      failure: p.lastFailure?.message ?? undefined,
    }));
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Changes old rows during the run, one at a time, and records each one's new fingerprint. */
class RowWriter {
  readonly changed: Snapshot = new Map();
  errors = 0;
  lastError = '';
  private stopped = false;
  private loop: Promise<void> | null = null;
  private pg: PgClient | null = null;
  private my: MysqlConnection | null = null;

  constructor(
    private readonly kind: EngineKind,
    private readonly directUrl: string,
    private readonly engine: Engine,
    private readonly table: TableInfo,
    private readonly candidates: number[],
  ) {}

  /** Session ids the fault injector must spare (it kills the archiver's connections, not the test's). */
  mysqlThreadId(): number | null {
    return this.my?.threadId ?? null;
  }

  private async connect(): Promise<void> {
    if (this.kind === 'postgres') {
      if (this.pg) return;
      const client = new PgClient({
        connectionString: this.directUrl,
        application_name: 'db-archiver-chaos',
      });
      client.on('error', () => undefined);
      await client.connect();
      this.pg = client;
    } else {
      if (this.my) return;
      const conn = await createConnection({ uri: this.directUrl, timezone: 'Z' });
      conn.on('error', () => undefined);
      this.my = conn;
    }
  }

  private async drop(): Promise<void> {
    await this.pg?.end().catch(() => undefined);
    this.my?.destroy();
    this.pg = null;
    this.my = null;
  }

  private async change(id: number): Promise<boolean> {
    await this.connect();
    if (this.pg) {
      const r = await this.pg.query(`UPDATE events SET payload = payload || ' (changed)' WHERE id = $1`, [
        id,
      ]);
      return (r.rowCount ?? 0) > 0;
    }
    const [r] = await this.my!.query(
      `UPDATE events SET payload = CONCAT(payload, ' (changed)') WHERE id = ?`,
      [id],
    );
    return (r as { affectedRows: number }).affectedRows > 0;
  }

  private async fingerprint(id: number): Promise<string | null> {
    for await (const { row, rowHash } of eachRow(
      this.engine.streamRows({
        table: this.table,
        timestampColumn: 'created_at',
        cutoff: new Date('9999-01-01T00:00:00Z'),
        afterKey: [String(id - 1)],
        limit: 1,
      }),
    )) {
      return row.id === String(id) ? rowHash : null;
    }
    return null;
  }

  start(everyMs: number, random: () => number): void {
    const pool = [...this.candidates];
    this.loop = (async () => {
      while (!this.stopped && pool.length > 0) {
        const id = pool.splice(Math.floor(random() * pool.length), 1)[0]!;
        try {
          if (await this.change(id)) {
            const key = JSON.stringify([String(id)]);
            this.changed.set(key, UNKNOWN_VERSION);
            const hash = await this.fingerprint(id).catch(() => null);
            if (hash) this.changed.set(key, hash);
          }
        } catch (error) {
          this.errors += 1;
          this.lastError = String(error);
          await this.drop(); // the database restarted or the session was killed; reconnect next time
        }
        await sleep(everyMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.drop();
  }
}

/** Kills every session of `database` except the test's own. */
async function killConnections(kind: EngineKind, database: string, spare: number | null): Promise<number> {
  if (kind === 'postgres') {
    const admin = new PgClient({ connectionString: LAB.pgAdmin });
    await admin.connect();
    try {
      const r = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> 'db-archiver-chaos'`,
        [database],
      );
      return r.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }
  const admin = await createConnection(LAB.mysqlAdmin);
  try {
    const [rows] = await admin.query(
      `SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()`,
      [database],
    );
    let killed = 0;
    for (const { id } of rows as { id: number }[]) {
      if (id === spare) continue;
      await admin.query(`KILL ${Number(id)}`).catch(() => undefined);
      killed += 1;
    }
    return killed;
  } finally {
    await admin.end();
  }
}

/** A deterministic pseudo-random source (mulberry32), so a seed reproduces a soak. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runScenario(
  lab: LabContext,
  options: ScenarioOptions,
  random: () => number = Math.random,
): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const rows = options.rows ?? 3_000;
  const batchSize = options.batchSize ?? 500;
  const holdMs = options.holdMs ?? 2_000;
  const lockKind = options.lock ?? (options.fault === 'lock-backend-lost' ? 'redis' : 'none');
  const dbProxy: ProxyName = options.engine === 'postgres' ? 'postgres' : 'mysql';

  const table = await EventsTable.create(options.engine, 'chaos', { pg: LAB.pgAdmin, mysql: LAB.mysqlAdmin });
  const bucket = await createBucket(lab.s3, 'chaos');
  const payloadBytes = options.payloadBytes ?? 200;
  await table.insert(1, rows, 200, (id) =>
    options.randomPayload
      ? randomBytes(Math.ceil((payloadBytes * 3) / 4)).toString('base64')
      : `row ${id} ${'p'.repeat(Math.max(0, payloadBytes - 12))}`,
  );
  // A few rows newer than the cutoff, which must stay.
  await table.insert(rows + 1, rows + 20, 1, (id) => `new ${id}`);
  // Its session must not be among those a fault kills; the writer below has its own.
  await table.close();

  const lockSection =
    lockKind === 'redis'
      ? `lock: { backend: redis, url: "${LAB.redis}", ttl: 20s, refreshEvery: 1s }`
      : lockKind === 'postgres'
        ? `lock: { backend: postgres, url: "${LAB.pgAdmin}", ttl: 20s, refreshEvery: 1s }`
        : '';
  const yaml = eventsConfigYaml([table], {
    bucket,
    batchSize,
    urlFor: (t) => throughProxy(t.url),
    temporalAddress: ARCHIVER_VIEW.temporal,
    s3Endpoint: ARCHIVER_VIEW.s3,
    storageExtra: options.multipart ? ', multipartThresholdBytes: 5242880, partSizeBytes: 5242880' : '',
    sections: `run: { heartbeatTimeout: 5s }\nworker: { resourceLogEvery: 5s, shutdownGrace: 10s }\n${lockSection}`,
  });
  const configPath = join(mkdtempSync(join(tmpdir(), 'chaos-')), 'archiver.yaml');
  writeFileSync(configPath, yaml);
  const config = parseConfig(yaml, configPath);

  const engine = createEngine({ engine: options.engine, url: table.url, poolSize: 2 });
  const info = await engine.introspect(table.configName);
  const before = await snapshotTable(engine, info, 'created_at');
  const cutoff = new Date(Date.now() - 90 * 86_400_000);
  const writer = new RowWriter(
    options.engine,
    table.url,
    engine,
    info,
    Array.from({ length: rows }, (_, i) => i + 1),
  );
  const s3RequestsBefore = lab.s3Proxy.requests.length;

  const workerLog = join(dirname(configPath), 'worker.log');
  const workerOutputs: (() => string)[] = [];
  let worker = await startWorkerProcess(configPath);
  workerOutputs.push(worker.output);
  const workflowIdDb = databaseWorkflowId(table.database);
  const target = TARGET_ACTIVITY[options.point];
  const nth = options.batch ?? 2;
  const seen = new Map<string, string[]>();
  const maxAttempt: Record<string, number> = {};
  const failures = new Set<string>();
  let injectedAt: number | null = null;
  let healedAt: number | null = null;
  let recoveredAt: number | null = null;
  let pendingAtHeal = new Set<string>();
  let competitorHeld = false;
  let leaseLostWindow: [number, number] | null = null;
  let done = false;

  const cleanups: (() => Promise<void>)[] = [];

  const inject = async (): Promise<void> => {
    if (done) return; // the run ended before the fault's moment came
    injectedAt = Date.now();
    log(`inject ${options.fault} at ${options.point} of batch ${nth}`);
    let heal: () => Promise<void> = async () => undefined;
    switch (options.fault) {
      case 'worker-kill':
        worker.child.kill('SIGKILL');
        await new Promise((resolve) => worker.child.once('exit', resolve));
        heal = async () => {
          worker = await startWorkerProcess(configPath);
          workerOutputs.push(worker.output);
        };
        break;
      case 'temporal-restart':
        await labServices('down', ['temporal']);
        heal = () => labServices('up', ['temporal']);
        break;
      case 'db-connections-killed':
        log(
          `killed ${await killConnections(options.engine, table.database, writer.mysqlThreadId())} sessions`,
        );
        break;
      case 'db-restart': {
        const service = options.engine === 'postgres' ? 'postgres' : 'mariadb';
        await labServices('down', [service]);
        heal = () => labServices('up', [service]);
        break;
      }
      case 'db-net-cut':
      case 's3-net-cut': {
        const proxy = options.fault === 'db-net-cut' ? dbProxy : 's3';
        await toxiproxy.setEnabled(proxy, false);
        heal = () => toxiproxy.setEnabled(proxy, true);
        break;
      }
      case 'db-net-slow':
      case 's3-net-slow': {
        const proxy = options.fault === 'db-net-slow' ? dbProxy : 's3';
        for (const stream of ['upstream', 'downstream'] as const)
          await toxiproxy.addToxic(proxy, {
            name: `slow-${stream}`,
            type: 'latency',
            stream,
            attributes: { latency: 700, jitter: 300 },
          });
        heal = async () => {
          for (const stream of ['upstream', 'downstream'])
            await toxiproxy.removeToxic(proxy, `slow-${stream}`);
        };
        break;
      }
      case 'db-net-reset':
      case 's3-net-reset': {
        const proxy = options.fault === 'db-net-reset' ? dbProxy : 's3';
        await toxiproxy.addToxic(proxy, { name: 'reset', type: 'reset_peer', attributes: { timeout: 0 } });
        heal = () => toxiproxy.removeToxic(proxy, 'reset');
        break;
      }
      case 's3-errors':
        lab.s3Proxy.failWhen = () => true;
        heal = async () => {
          lab.s3Proxy.failWhen = null;
        };
        break;
      case 'minio-restart':
        await labServices('down', ['minio']);
        heal = () => labServices('up', ['minio']);
        break;
      case 'lock-backend-lost': {
        const resource = leaseResource(table.database);
        const other = createLockBackend(config.lock);
        if (lockKind === 'redis') {
          await crashService('redis');
          await labServices('up', ['redis']);
          // What a crash loses: the lease key written after the last snapshot.
          await other.forceRelease(resource);
        } else {
          const admin = new PgClient({ connectionString: LAB.pgAdmin });
          await admin.connect();
          await admin
            .query(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'db-archiver lease'`,
            )
            .finally(() => admin.end());
        }
        let lease: Lease | null = null;
        if (options.competitor) {
          const deadline = Date.now() + 5_000;
          while (!lease && Date.now() < deadline) {
            lease = await acquireOrThrow(
              other,
              resource,
              processOwner('chaos-competitor', 'another run'),
              60_000,
            ).catch(() => null);
            if (!lease) await sleep(20);
          }
          competitorHeld = lease !== null;
        }
        const windowStart = Date.now();
        heal = async () => {
          if (lease) leaseLostWindow = [windowStart, Date.now()];
          if (lease) await other.release(lease).catch(() => undefined);
          await other.close();
        };
        break;
      }
    }
    await sleep(holdMs);
    await heal();
    healedAt = Date.now();
    log(`healed after ${healedAt - injectedAt} ms`);
  };

  let injection: Promise<void> | null = null;
  const watch = (async () => {
    let previous = new Set<string>();
    while (!done) {
      const pending = await pendingActivities(lab.client, workflowIdDb);
      if (pending) {
        const now = new Set(pending.map((p) => p.id));
        for (const p of pending) {
          const ids = seen.get(p.type) ?? [];
          if (!ids.includes(p.id)) seen.set(p.type, [...ids, p.id]);
          maxAttempt[p.type] = Math.max(maxAttempt[p.type] ?? 1, p.attempt);
          if (p.failure) failures.add(`${p.type}: ${p.failure}`);
        }
        if (!injection) {
          const targetId = seen.get(target)?.[nth - 1];
          const fire =
            targetId !== undefined &&
            (options.point === 'after-upload'
              ? previous.has(targetId) && !now.has(targetId)
              : now.has(targetId));
          if (fire && options.multipart && options.point === 'upload') {
            // Mid multipart upload: once one part of this batch's object is stored.
            injection = new Promise<void>((resolve) => {
              lab.s3Proxy.onRequest = (r) => {
                if (r.op === 'UploadPart' && r.status === 200 && !r.injected) {
                  lab.s3Proxy.onRequest = null;
                  resolve();
                }
              };
            }).then(inject);
            injection.then(() => (pendingAtHeal = new Set(now))).catch(() => undefined);
          } else if (fire) {
            const delay = options.point === 'after-upload' ? 0 : (options.delayMs ?? 150);
            injection = sleep(delay).then(inject);
            injection
              .then(() => {
                pendingAtHeal = new Set(now);
              })
              .catch(() => undefined);
          }
        }
        if (healedAt !== null && recoveredAt === null && [...now].some((id) => !pendingAtHeal.has(id))) {
          recoveredAt = Date.now();
        }
        previous = now;
      }
      await sleep(100);
    }
  })();

  let report: FleetReport | null = null;
  let error: string | undefined;
  for (const proxy of [dbProxy, 's3'] as const) {
    for (const stream of ['upstream', 'downstream'] as const) {
      if (options.baseLatencyMs)
        await toxiproxy.addToxic(proxy, {
          name: `base-latency-${stream}`,
          type: 'latency',
          stream,
          attributes: { latency: options.baseLatencyMs / 2, jitter: 0 },
        });
      if (options.bandwidthKBps)
        await toxiproxy.addToxic(proxy, {
          name: `base-bandwidth-${stream}`,
          type: 'bandwidth',
          stream,
          attributes: { rate: options.bandwidthKBps },
        });
    }
    cleanups.push(async () => {
      for (const stream of ['upstream', 'downstream']) {
        await toxiproxy.removeToxic(proxy, `base-latency-${stream}`);
        await toxiproxy.removeToxic(proxy, `base-bandwidth-${stream}`);
      }
    });
  }
  if (options.mutate) writer.start(50, random);
  try {
    const handle = await lab.client.workflow.start('archiveFleet', {
      workflowId: `${fleetWorkflowId(Date.now())}-${uniqueName('chaos')}`,
      taskQueue: config.temporal.taskQueue,
      args: [buildFleetInput(config, { databases: [], dryRun: false })],
    });
    const timeout = options.timeoutMs ?? 240_000;
    let timer: NodeJS.Timeout | undefined;
    report = (await Promise.race([
      handle.result().finally(() => clearTimeout(timer)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`run did not finish within ${timeout / 1000} s`)), timeout);
      }),
    ])) as FleetReport;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    done = true;
    await watch;
    lab.s3Proxy.onRequest = null;
    if (injectedAt !== null)
      await (injection as Promise<void> | null)?.catch((e: unknown) => {
        error ??= `fault injection failed: ${String(e)}`;
      });
    if (healedAt !== null && recoveredAt === null) recoveredAt = Date.now();
    await writer.stop();
    log(`writer changed ${writer.changed.size} rows, ${writer.errors} errors ${writer.lastError}`);
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    let exitTimer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      stopProcess(worker.child).then(() => true),
      new Promise<boolean>((resolve) => (exitTimer = setTimeout(() => resolve(false), 45_000))),
    ]);
    clearTimeout(exitTimer);
    if (!exited) {
      // A worker that cannot drain is a finding in itself: say so, then make room for the next run.
      error ??= 'the worker did not exit within 45 s of SIGTERM';
      // With NODE_OPTIONS=--report-on-signal the worker writes a diagnostic report (stacks, open handles) first.
      worker.child.kill('SIGUSR2');
      await sleep(2_000);
      worker.child.kill('SIGKILL');
    }
    writeFileSync(workerLog, workerOutputs.map((o) => o()).join('\n--- next worker ---\n'));
  }

  const prefix = tablePrefix('t', table.database, info.qualifiedName);
  const verdict = await checkNothingLost({
    engine,
    table: info,
    timestampColumn: 'created_at',
    s3: lab.s3,
    bucket,
    tablePrefix: prefix,
    before,
    changedDuringRun: writer.changed,
    cutoff: report?.databases[0]?.status === 'completed' ? cutoff : undefined,
  });
  const deletesWhileLeaseLost = leaseLostWindow
    ? await deletionsBetween(lab.s3, bucket, prefix, leaseLostWindow as [number, number])
    : 0;
  await engine.close();

  const database = report?.databases[0];
  const tableReport = database?.tables[0];
  const completed = database?.status === 'completed' && tableReport?.status === 'completed';
  return {
    engine: options.engine,
    fault: options.fault,
    point: options.point,
    completed,
    status: tableReport?.status ?? database?.status ?? 'no report',
    error: error ?? tableReport?.error ?? database?.error,
    verdict,
    clean: isClean(verdict),
    injected: injectedAt !== null,
    retriedTarget: (maxAttempt[target] ?? 1) > 1,
    maxAttempt,
    failures: [...failures],
    recoveryMs: healedAt !== null && recoveredAt !== null ? Math.max(0, recoveredAt - healedAt) : null,
    durationMs: Date.now() - started,
    deletesWhileLeaseLost,
    competitorHeld,
    s3Requests: lab.s3Proxy.requests.slice(s3RequestsBefore),
    bucket,
    workerLog,
  };
}

/** Deletion records whose deletedAt falls inside the window (with 300 ms grace at the start). */
async function deletionsBetween(
  s3: S3Client,
  bucket: string,
  prefix: string,
  window: [number, number],
): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of listed.Contents ?? []) {
      if (!object.Key!.endsWith('.deleted.json')) continue;
      const record = await getJson<DeletionRecord>(s3, bucket, object.Key!);
      const at = Date.parse(record.deletedAt);
      if (record.deleted.length > 0 && at > window[0] + 300 && at < window[1]) count += 1;
    }
    token = listed.NextContinuationToken;
  } while (token);
  return count;
}

/** A short summary line for logs. */
export function describeResult(r: ScenarioResult): string {
  const v = r.verdict;
  return `${r.engine} ${r.fault} @${r.point}: ${r.completed ? 'completed' : `NOT completed (${r.status}: ${r.error ?? ''})`}, oracle ${r.clean ? 'clean' : 'DIRTY'} (snapshot ${v.snapshotRows}, deleted ${v.deletedRows}, remaining ${v.remainingRows}, lost ${v.lost.length}, wrong version ${v.wrongVersion.length}), retried ${r.retriedTarget}, recovery ${r.recoveryMs ?? '-'} ms, ${(r.durationMs / 1000).toFixed(1)} s`;
}
