/**
 * `archiver restore` on the real services, for both engines: each key comes back in the version that was
 * deleted, a damaged object is refused loudly while the others are restored, a second restore adds nothing,
 * and time ranges and column drift do what the report says.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { restoreCli, writeConfig } from '../helpers/restore-cli';
import { runCli } from '../helpers/cli';
import { SqlSession } from '../helpers/sql-session';
import { writeBatch } from '../helpers/archive-writer';
import { createBucket, s3Client } from '../helpers/services';

const OLD_ROWS = 120;
const BATCH_SIZE = 40;
const CHANGED_ID = 7;

describe.each<EngineKind>(['postgres', 'mysql'])('%s: archiver restore', (engine) => {
  let s3: S3Client;
  let bucket: string;
  let events: EventsTable;
  let sql: SqlSession;
  let pipeline: TestPipeline;
  let configPath: string;
  let restore: (args: string[]) => ReturnType<typeof restoreCli>;
  const table = (name: string) => (engine === 'postgres' ? `public.${name}` : name);
  /** `archiver restore` without --json, for what its report does not show: the workflow id, a refusal. */
  const restoreCommand = (args: string[]) => runCli(['restore', '--config', configPath, ...args]);

  beforeAll(async () => {
    s3 = s3Client();
    bucket = await createBucket(s3, 'restore');
    events = await EventsTable.create(engine, 'restore');
    await events.insert(1, OLD_ROWS, 200, (id) => `v1 of ${id}`);
    await events.insert(OLD_ROWS + 1, OLD_ROWS + 10, 1, (id) => `new ${id}`);
    sql = await SqlSession.open(engine, events.database, events.url);
    await sql.snapshot('events', 'events_before');
    await sql.query(`UPDATE events_before SET payload = ? WHERE id = ?`, [`v2 of ${CHANGED_ID}`, CHANGED_ID]);
    await sql.query(`DELETE FROM events_before WHERE id > ?`, [OLD_ROWS]);

    // Row 7 changes between the first run's archive and delete: its v1 stays in the first run's object, not
    // deleted, and the second run archives and deletes v2.
    const yaml = eventsConfigYaml([events], { bucket, batchSize: BATCH_SIZE });
    let changed = false;
    pipeline = await startPipeline(yaml, (real) => ({
      async deleteBatch(ref) {
        if (!changed) {
          changed = true;
          await events.update(CHANGED_ID, `v2 of ${CHANGED_ID}`);
        }
        return real.deleteBatch(ref);
      },
    }));
    const first = await pipeline.runFleet();
    expect(first.report.databases[0]!.tables[0]).toMatchObject({ archived: OLD_ROWS, deleted: OLD_ROWS - 1 });
    const second = await pipeline.runFleet();
    expect(second.report.databases[0]!.tables[0]).toMatchObject({ archived: 1, deleted: 1 });
    configPath = writeConfig(yaml);
    restore = (args) => restoreCli(configPath, ['--database', events.database, ...args]);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await sql?.close();
    await events?.close();
    s3?.destroy();
  });

  it('restores every deleted row into a new table, each key in the version its batch deleted', async () => {
    const { code, report } = await restore(['--table', 'events', '--into', table('events_all')]);
    expect(code).toBe(0);
    expect(report).toMatchObject({
      status: 'completed',
      table: engine === 'postgres' ? 'public.events' : `${events.database}.events`,
      targetCreated: true,
      objects: 4,
      objectsRestored: 4,
      objectsFailed: 0,
      rowsInserted: OLD_ROWS,
      // The stale v1 of row 7, in the first run's object, is not taken.
      rowsSkippedExisting: 1,
    });
    expect(await sql.difference('events_before', 'events_all', ['id'])).toMatchObject({
      rowsA: OLD_ROWS,
      rowsB: OLD_ROWS,
      onlyInA: 0,
      onlyInB: 0,
    });
  });

  it('restores into the original table, and a second restore inserts nothing', async () => {
    const first = await restore(['--table', table('events')]);
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({ targetCreated: false, rowsInserted: OLD_ROWS });
    expect(await sql.count('events')).toBe(OLD_ROWS + 10);
    expect(await sql.difference('events_before', 'events', ['id'])).toMatchObject({
      onlyInA: 0,
      onlyInB: 10,
    });

    const second = await restore(['--table', table('events')]);
    expect(second.code).toBe(0);
    expect(second.report).toMatchObject({
      rowsInserted: 0,
      rowsSkippedExisting: OLD_ROWS + 1,
      objectsFailed: 0,
    });
    expect(await sql.count('events')).toBe(OLD_ROWS + 10);
  });

  it('restores only rows whose timestamp is in [--from, --to), skipping batches outside it', async () => {
    const iso =
      engine === 'postgres'
        ? `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
        : `DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ')`;
    const bounds = await sql.query<{ id: string | number; at: string }>(
      `SELECT id, ${iso} AS at FROM events_before WHERE id IN (11, 21) ORDER BY id`,
    );
    const { code, report } = await restore([
      '--table',
      'events',
      '--into',
      table('events_range'),
      '--from',
      bounds[0]!.at,
      '--to',
      bounds[1]!.at,
    ]);
    expect(code).toBe(0);
    // Only the first batch (rows 1-40) overlaps; rows 11-20 are in range.
    expect(report).toMatchObject({ objects: 1, objectsSkipped: 3, rowsInserted: 10, rowsOutOfRange: 30 });
    const outside = report.objectReports.filter((o) => o.status === 'outOfRange');
    expect(outside).toHaveLength(3);
    expect(outside[0]!.reason).toMatch(/^its rows are from /);
    const ids = await sql.query<{ id: string | number }>(`SELECT id FROM events_range ORDER BY id`);
    expect(ids.map((r) => Number(r.id))).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('maps columns by name into an existing table and says which it could not map', async () => {
    await sql.query(
      engine === 'postgres'
        ? `CREATE TABLE events_drift (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, note text DEFAULT 'none')`
        : `CREATE TABLE events_drift (id BIGINT PRIMARY KEY, created_at DATETIME(6) NOT NULL, note VARCHAR(10) DEFAULT 'none')`,
    );
    const { code, report, stderr } = await restore(['--table', 'events', '--into', table('events_drift')]);
    expect(code).toBe(0);
    expect(report).toMatchObject({
      targetCreated: false,
      rowsInserted: OLD_ROWS,
      unmappedColumns: ['payload'],
      missingColumns: ['note'],
    });
    expect(stderr).toContain('not in the target, not restored: payload');
    expect(await sql.count('events_drift', `note = 'none'`)).toBe(OLD_ROWS);
    expect(
      await sql.count('events_drift e JOIN events_before b ON b.id = e.id', 'b.created_at = e.created_at'),
    ).toBe(OLD_ROWS);
  });

  it('keeps row data out of the restore workflow history', async () => {
    const result = await restoreCommand([
      '--database',
      events.database,
      '--table',
      'events',
      '--into',
      table('events_history'),
      '--wait',
    ]);
    expect(result.code).toBe(0);
    const workflowId = result.stdout.trim();
    expect(workflowId).toMatch(new RegExp(`^restore-${events.database}-events-`));
    const history = await pipeline.client.workflow.getHandle(workflowId).fetchHistory();
    const text = JSON.stringify(history, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    expect(text).toContain('restoreBatch');
    expect(text).not.toContain('v1 of');
    expect(await sql.count('events_history')).toBe(OLD_ROWS);
  });

  it('takes the newest archived version of a key never deleted, and the deleted one over a newer stale copy', async () => {
    const s3Table = engine === 'postgres' ? 'public.versions' : `${events.database}.versions`;
    const columns =
      engine === 'postgres'
        ? [
            { name: 'id', dataType: 'bigint', nullable: false },
            { name: 'created_at', dataType: 'timestamp with time zone', nullable: false },
            { name: 'payload', dataType: 'text', nullable: true },
          ]
        : [
            { name: 'id', dataType: 'bigint(20)', nullable: false },
            { name: 'created_at', dataType: 'datetime(6)', nullable: false },
            { name: 'payload', dataType: 'longtext', nullable: true },
          ];
    const at = engine === 'postgres' ? '2001-01-01 00:00:00+00' : '2001-01-01 00:00:00.000000';
    const rows = (ids: number[], version: string) =>
      ids.map((id) => ({ id: String(id), created_at: at, payload: `${version}${id}` }));
    const batch = (
      runId: string,
      createdAt: string,
      ids: number[],
      deletion?: { deleted: number[]; skippedChanged: number[] },
    ) =>
      writeBatch(s3, bucket, {
        engine,
        prefix: 't',
        database: events.database,
        table: s3Table,
        runId,
        batch: 0,
        createdAt,
        columns,
        primaryKey: ['id'],
        timestampColumn: 'created_at',
        rows: rows(ids, runId),
        ...(deletion
          ? {
              deletion: {
                deleted: deletion.deleted.map((i) => [String(i)]),
                skippedChanged: deletion.skippedChanged.map((i) => [String(i)]),
              },
            }
          : {}),
      });
    await batch('A', '2020-01-01T00:00:00.000Z', [1]);
    await batch('B', '2021-01-01T00:00:00.000Z', [1, 6]);
    await batch('C', '2020-06-01T00:00:00.000Z', [2, 3, 4], { deleted: [2, 3], skippedChanged: [4] });
    await batch('D', '2022-01-01T00:00:00.000Z', [2, 3, 5, 6], { deleted: [3, 5], skippedChanged: [2, 6] });

    const { code, report } = await restore(['--table', 'versions', '--into', table('versions_restored')]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ objects: 4, rowsInserted: 6, rowsSkippedExisting: 4 });
    const restored = await sql.query<{ id: string | number; payload: string }>(
      `SELECT id, payload FROM versions_restored ORDER BY id`,
    );
    expect(restored.map((r) => [Number(r.id), r.payload])).toEqual([
      [1, 'B1'], // never deleted: the newest archived version
      [2, 'C2'], // deleted by C; D's newer copy was skipped as changed
      [3, 'D3'], // deleted twice: the newer deletion
      [4, 'C4'], // never deleted, one version
      [5, 'D5'],
      [6, 'D6'], // never deleted: D is newer than B
    ]);
  });

  it('fails with a clear message, and exit code 1, for a table with no archived objects', async () => {
    const { code, report } = await restore(['--table', 'nothing_here']);
    expect(code).toBe(1);
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/No archived objects of table nothing_here/);
  });

  it('refuses an unknown database or a bad time with exit code 2, before starting anything', async () => {
    const unknown = await restoreCommand(['--database', 'nope', '--table', 'events']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--database nope');
    const bad = await restoreCommand([
      '--database',
      events.database,
      '--table',
      'events',
      '--from',
      'last tuesday',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from last tuesday');
  });

  // Last: it damages one of the objects the tests above restore from.
  it('refuses a damaged object loudly, inserts nothing from it, and restores the others', async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 't/' }));
    const dataKeys = (listed.Contents ?? [])
      .map((o) => o.Key!)
      .filter((k) => k.includes('/events/') || k.includes('.events/'))
      .filter((k) => /batch-000001\.jsonl\.(gz|zst)$/.test(k));
    expect(dataKeys).toHaveLength(1);
    const damaged = dataKeys[0]!;
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: damaged }));
    const body = Buffer.from(await response.Body!.transformToByteArray());
    body[body.length >> 1]! ^= 0xff;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: damaged, Body: body }));

    const { code, report, stderr } = await restore(['--table', 'events', '--into', table('events_damaged')]);
    expect(code).toBe(1);
    expect(report).toMatchObject({ status: 'partial', objects: 4, objectsFailed: 1, objectsRestored: 3 });
    expect(report.objectReports[0]).toMatchObject({ dataKey: damaged, status: 'failed', inserted: 0 });
    expect(report.objectReports[0]!.error).toMatch(/SHA-256/);
    expect(stderr).toContain(`FAILED ${damaged}`);
    // The damaged batch held rows 41-80: none of them is restored, every other row is.
    expect(await sql.count('events_damaged', 'id BETWEEN 41 AND 80')).toBe(0);
    expect(await sql.count('events_damaged')).toBe(OLD_ROWS - BATCH_SIZE);
  });
});
