/**
 * Both compressions on the real services, for both engines: a table archived with `compression: gzip` (as every
 * version wrote before zstd became the default) and then, the key dropped, with the default zstd holds both kinds
 * of data object side by side; `archiver verify` checks them all, `archiver restore` brings back every row from
 * both, and a restore of the zstd batches alone is a zstd round trip. The zstd objects are plain zstd frames that
 * any reader decompresses to the recorded bytes.
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { zstdDecompressSync } from 'node:zlib';
import type { VerifyReport } from '../../src/shared/verify';
import { getJson, sidecarKeys, type BatchMeta } from '../../src/storage';
import { runCli } from '../helpers/cli';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { restoreCli, writeConfig } from '../helpers/restore-cli';
import { createBucket, s3Client } from '../helpers/services';
import { SqlSession } from '../helpers/sql-session';

const GZIP_ROWS = 80; // ids 1..80, 300 days old: two gzip batches
const ZSTD_ROWS = 120; // ids 1001..1120, 200 days old: three zstd batches
const BATCH_SIZE = 40;

describe.each<EngineKind>(['postgres', 'mysql'])('%s: zstd data objects', (engine) => {
  let s3: S3Client;
  let bucket: string;
  let events: EventsTable;
  let sql: SqlSession;
  let configPath: string;
  let pipeline: TestPipeline | undefined;
  const table = (name: string) => (engine === 'postgres' ? `public.${name}` : name);
  const restore = (args: string[]) =>
    restoreCli(configPath, ['--database', events.database, '--table', 'events', ...args]);

  async function dataKeys(): Promise<string[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 't/' }));
    return (listed.Contents ?? [])
      .map((o) => o.Key!)
      .filter((k) => /\.jsonl\.(gz|zst)$/.test(k))
      .sort();
  }

  /**
   * Archives what is old now with the given `storage` extras, in a worker of its own that replaces the previous
   * one (the last stays up to serve the verify and restore commands), and checks the report.
   */
  async function archive(storageExtra: string, rows: number): Promise<string> {
    await pipeline?.stop();
    const yaml = eventsConfigYaml([events], { bucket, batchSize: BATCH_SIZE, storageExtra });
    pipeline = await startPipeline(yaml);
    const { report } = await pipeline.runFleet();
    expect(report.databases[0]!.tables[0]).toMatchObject({ archived: rows, deleted: rows });
    return yaml;
  }

  beforeAll(async () => {
    s3 = s3Client();
    bucket = await createBucket(s3, 'zstd');
    events = await EventsTable.create(engine, 'zstd');
    sql = await SqlSession.open(engine, events.database, events.url);
    await events.insert(1, GZIP_ROWS, 300, (id) => `gzip row ${id} ${'x'.repeat(id)}`);
    await sql.snapshot('events', 'events_before');
    await events.insert(GZIP_ROWS + 1, GZIP_ROWS + 10, 1, (id) => `young ${id}`);
    await archive(', compression: gzip', GZIP_ROWS);
    // The configuration drops `compression: gzip` (a level stays, now zstd's); rows that became old meanwhile go
    // to zstd objects.
    await events.insert(1001, 1000 + ZSTD_ROWS, 200, (id) => `zstd row ${id} é ${'y'.repeat(id % 97)}`);
    await sql.query(`INSERT INTO events_before SELECT * FROM events WHERE id > ?`, [1000]);
    configPath = writeConfig(await archive(', compressionLevel: 3', ZSTD_ROWS));
  });

  afterAll(async () => {
    await pipeline?.stop();
    await sql?.close();
    await events?.close();
    s3?.destroy();
  });

  it('writes .jsonl.zst objects that any zstd reader decompresses to the recorded bytes', async () => {
    const keys = await dataKeys();
    expect(keys.filter((k) => k.endsWith('.jsonl.gz'))).toHaveLength(2);
    const zstd = keys.filter((k) => k.endsWith('.jsonl.zst'));
    expect(zstd).toHaveLength(3);
    for (const key of keys) {
      const meta = await getJson<BatchMeta>(s3, bucket, sidecarKeys(key).meta);
      expect(meta).toMatchObject({ dataKey: key, compression: key.endsWith('.zst') ? 'zstd' : 'gzip' });
    }
    for (const key of zstd) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ContentType).toBe('application/zstd');
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const text = zstdDecompressSync(Buffer.from(await body.Body!.transformToByteArray()));
      const meta = await getJson<BatchMeta>(s3, bucket, sidecarKeys(key).meta);
      expect(createHash('sha256').update(text).digest('hex')).toBe(meta.sha256);
      expect(text.toString('utf8').trimEnd().split('\n')).toHaveLength(meta.rowCount);
    }
  });

  it('verifies the mixed archive: every gzip and zstd batch checks out', async () => {
    const result = await runCli(['verify', '--config', configPath, '--json']);
    const report = JSON.parse(result.stdout) as VerifyReport;
    expect(result.code).toBe(0);
    expect(report).toMatchObject({
      status: 'ok',
      batches: 5,
      batchesWithProblems: 0,
      rows: GZIP_ROWS + ZSTD_ROWS,
      problems: 0,
    });
  });

  it('restores every row of the mixed archive, from gzip and zstd objects alike', async () => {
    const { code, report } = await restore(['--into', table('events_all')]);
    expect(code).toBe(0);
    expect(report).toMatchObject({
      status: 'completed',
      objects: 5,
      objectsRestored: 5,
      objectsFailed: 0,
      rowsInserted: GZIP_ROWS + ZSTD_ROWS,
    });
    expect(await sql.difference('events_before', 'events_all', ['id'])).toMatchObject({
      rowsA: GZIP_ROWS + ZSTD_ROWS,
      onlyInA: 0,
      onlyInB: 0,
    });
  });

  it('round-trips the zstd batches alone: a restore of their time range takes only them', async () => {
    const day = 86_400_000;
    const { code, report } = await restore([
      '--into',
      table('events_zstd'),
      '--from',
      new Date(Date.now() - 250 * day).toISOString(),
      '--to',
      new Date(Date.now() - 100 * day).toISOString(),
    ]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ objectsRestored: 3, objectsFailed: 0, rowsInserted: ZSTD_ROWS });
    await sql.query(`DELETE FROM events_before WHERE id <= ?`, [GZIP_ROWS]);
    expect(await sql.difference('events_before', 'events_zstd', ['id'])).toMatchObject({
      rowsA: ZSTD_ROWS,
      rowsB: ZSTD_ROWS,
      onlyInA: 0,
      onlyInB: 0,
    });
  });
});
