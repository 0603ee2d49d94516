/**
 * Connection pools: one per database, isolated. A database whose batches keep failing neither blocks the others
 * nor leaks connections, and the worker closes every pool when it stops.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { EventsTable } from '../helpers/events-table';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { startPipeline } from '../helpers/pipeline';
import {
  createBucket,
  mysqlConnect,
  MYSQL_ADMIN_URL,
  PG_ADMIN_URL,
  pgConnect,
  s3Client,
} from '../helpers/services';

async function pgConnections(database: string): Promise<{ total: number; busy: number }> {
  const admin = await pgConnect(PG_ADMIN_URL);
  try {
    const result = await admin.query<{ total: string; busy: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE state <> 'idle') AS busy FROM pg_stat_activity WHERE datname = $1`,
      [database],
    );
    return { total: Number(result.rows[0]!.total), busy: Number(result.rows[0]!.busy) };
  } finally {
    await admin.end();
  }
}

async function mysqlConnections(database: string): Promise<{ total: number; busy: number }> {
  const admin = await mysqlConnect(MYSQL_ADMIN_URL);
  try {
    const [rows] = await admin.query(
      `SELECT COUNT(*) AS total, COALESCE(SUM(COMMAND <> 'Sleep'), 0) AS busy FROM information_schema.PROCESSLIST WHERE DB = ?`,
      [database],
    );
    const row = (rows as { total: number; busy: string }[])[0]!;
    return { total: Number(row.total), busy: Number(row.busy) };
  } finally {
    await admin.end();
  }
}

describe('connection pools', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it('keep a failing database from blocking the others or leaking connections', async () => {
    const good = await EventsTable.create('postgres', 'poolgood');
    const badPg = await EventsTable.create('postgres', 'poolbadpg');
    const badMy = await EventsTable.create('mysql', 'poolbadmy');
    for (const t of [good, badPg, badMy]) await t.insert(1, 60, 200, (id) => `row ${id}`);
    const bucket = await createBucket(s3, 'pools');
    // The failing databases' filter breaks mid-stream (PostgreSQL: division by zero at id 30) or at once
    // (MariaDB: an unknown column): statements that fail the same way on every attempt.
    const failing = new Map([
      [badPg, `, where: "100 / (id - 30) > 0"`],
      [badMy, `, where: "no_such_column = 1"`],
    ]);
    const yaml = eventsConfigYaml([good, badPg, badMy], {
      bucket,
      batchSize: 50,
      tableExtra: (t) => failing.get(t) ?? '',
    });
    const pipeline = await startPipeline(yaml);
    try {
      const { report } = await pipeline.runFleet();
      const byName = new Map(report.databases.map((d) => [d.name, d]));
      expect(report.status).toBe('partial');
      expect(byName.get(good.database)!.tables[0]).toMatchObject({
        status: 'completed',
        archived: 60,
        deleted: 60,
      });
      expect(byName.get(badPg.database)!.tables[0]!.error).toMatch(/division by zero/);
      expect(byName.get(badMy.database)!.tables[0]!.error).toMatch(/no_such_column/);
      expect(await badPg.ids()).toHaveLength(60);
      expect(await badMy.ids()).toHaveLength(60);

      // While the worker still runs, the failing databases hold at most a pool's worth of idle connections.
      const pg = await pgConnections(badPg.database);
      const my = await mysqlConnections(badMy.database);
      expect(pg.total).toBeLessThanOrEqual(4 + 1); // the pool, plus the test's own connection
      expect(pg.busy).toBeLessThanOrEqual(1);
      expect(my.total).toBeLessThanOrEqual(4 + 1);
      expect(my.busy).toBe(0);
    } finally {
      await pipeline.stop();
    }
    // Stopping the worker closes every pool it opened.
    expect((await pgConnections(badPg.database)).total).toBeLessThanOrEqual(1);
    expect((await pgConnections(good.database)).total).toBeLessThanOrEqual(1);
    expect((await mysqlConnections(badMy.database)).total).toBeLessThanOrEqual(1);
    for (const t of [good, badPg, badMy]) await t.close();
  });
});
