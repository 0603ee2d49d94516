/**
 * The walking skeleton on the real stack: the `archiver worker` and `archiver run` commands archive a PostgreSQL
 * table and a MariaDB table into MinIO through the Temporal dev server.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  decompressSync,
  getJson,
  getObjectBytes,
  isDataKey,
  sha256Hex,
  sidecarKeys,
} from '../../src/storage';
import type { FleetReport } from '../../src/shared';
import { runCli, startWorkerProcess, stopProcess } from '../helpers/cli';
import {
  createBucket,
  createMysqlDatabase,
  createPgDatabase,
  mysqlConnect,
  pgConnect,
  s3Client,
  S3_ENDPOINT,
  TEMPORAL_ADDRESS,
  uniqueName,
} from '../helpers/services';

const OLD_ROWS = 120;
const NEW_ROWS = 15;

describe('archiver run on the real stack', () => {
  let s3: S3Client;
  let bucket: string;
  let pg: { name: string; url: string };
  let my: { name: string; url: string };
  let configPath: string;
  let worker: { child: ChildProcess; output: () => string };

  beforeAll(async () => {
    s3 = s3Client();
    bucket = await createBucket(s3, 'skeleton');
    pg = await createPgDatabase('skel');
    my = await createMysqlDatabase('skel');

    const pgc = await pgConnect(pg.url);
    await pgc.query(
      `CREATE TABLE events (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, payload text)`,
    );
    await pgc.query(
      `INSERT INTO events (created_at, payload)
       SELECT now() - interval '200 days' + g * interval '1 minute', 'old ' || g FROM generate_series(1, $1) g`,
      [OLD_ROWS],
    );
    await pgc.query(
      `INSERT INTO events (created_at, payload) SELECT now() - interval '1 day', 'new ' || g FROM generate_series(1, $1) g`,
      [NEW_ROWS],
    );
    await pgc.end();

    const myc = await mysqlConnect(my.url);
    await myc.query(
      `CREATE TABLE events (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, created_at DATETIME(6) NOT NULL, payload TEXT)`,
    );
    for (let i = 0; i < OLD_ROWS; i++) {
      await myc.query(
        `INSERT INTO events (created_at, payload) VALUES (NOW(6) - INTERVAL 200 DAY + INTERVAL ? MINUTE, ?)`,
        [i, `old ${i}`],
      );
    }
    for (let i = 0; i < NEW_ROWS; i++) {
      await myc.query(`INSERT INTO events (created_at, payload) VALUES (NOW(6) - INTERVAL 1 DAY, ?)`, [
        `new ${i}`,
      ]);
    }
    await myc.end();

    const dir = mkdtempSync(join(tmpdir(), 'skeleton-'));
    configPath = join(dir, 'archiver.yaml');
    writeFileSync(
      configPath,
      `temporal: { address: "${TEMPORAL_ADDRESS}", namespace: default, taskQueue: ${uniqueName('skeleton')} }
storage: { bucket: ${bucket}, prefix: it, endpoint: "${S3_ENDPOINT}", region: us-east-1, forcePathStyle: true }
run: { concurrency: 2 }
databases:
  - name: ${pg.name}
    engine: postgres
    url: "${pg.url}"
    tables:
      - { name: public.events, timestampColumn: created_at, olderThan: 90d, batchSize: 50 }
  - name: ${my.name}
    engine: mysql
    url: "${my.url}"
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d, batchSize: 50 }
`,
    );
    worker = await startWorkerProcess(configPath);
  });

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) await stopProcess(worker.child);
    s3?.destroy();
  });

  it('archives old rows of both engines, deletes them, and prints the report as JSON', async () => {
    const result = await runCli(['run', '--config', configPath, '--wait', '--json']);
    const report = JSON.parse(result.stdout) as FleetReport;
    expect({ code: result.code, report }).toMatchObject({ code: 0, report: { status: 'completed' } });
    expect(report.status).toBe('completed');
    expect(report.databases.map((d) => d.status)).toEqual(['completed', 'completed']);
    for (const db of report.databases) {
      expect(db.tables).toHaveLength(1);
      expect(db.tables[0]).toMatchObject({
        status: 'completed',
        archived: OLD_ROWS,
        deleted: OLD_ROWS,
        batches: 3,
      });
    }

    const pgc = await pgConnect(pg.url);
    const pgLeft = await pgc.query<{ n: string; old: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE payload LIKE 'old%') AS old FROM events`,
    );
    await pgc.end();
    expect(pgLeft.rows[0]).toEqual({ n: String(NEW_ROWS), old: '0' });

    const myc = await mysqlConnect(my.url);
    const [myLeft] = await myc.query(`SELECT COUNT(*) AS n, SUM(payload LIKE 'old%') AS old FROM events`);
    await myc.end();
    expect(myLeft).toEqual([{ n: NEW_ROWS, old: '0' }]);
  });

  it('leaves zstd objects, the default, whose rows and checksums match their metadata', async () => {
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `it/${pg.name}/public.events/` }),
    );
    const dataKeys = (listed.Contents ?? []).map((o) => o.Key!).filter(isDataKey);
    expect(dataKeys).toHaveLength(3);
    expect(dataKeys.every((k) => k.endsWith('.jsonl.zst'))).toBe(true);
    let rows = 0;
    for (const key of dataKeys) {
      const raw = decompressSync(key, await getObjectBytes(s3, bucket, key));
      const meta = await getJson<{ sha256: string; rowCount: number }>(s3, bucket, sidecarKeys(key).meta);
      expect(sha256Hex(raw)).toBe(meta.sha256);
      const lines = raw.toString('utf8').trim().split('\n');
      expect(lines).toHaveLength(meta.rowCount);
      rows += lines.length;
    }
    expect(rows).toBe(OLD_ROWS);
  });

  it('keeps its report beside the archives', async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'it/_runs/' }));
    expect((listed.Contents ?? []).some((o) => o.Key!.endsWith('/report.json'))).toBe(true);
  });

  it('drains and exits 0 when the worker gets SIGTERM', async () => {
    expect(await stopProcess(worker.child)).toBe(0);
    expect(worker.output()).toContain('Worker stopped');
  });
});
