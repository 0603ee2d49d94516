/**
 * Running for months: schema drift is noticed (warn or fail), and archive-only tables archive each row once
 * across runs through their watermark, falling back to a full scan when the watermark is damaged.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadState, s3StateStore, stateKey } from '../../src/storage';
import type { Watermark } from '../../src/activities/save-watermark';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { createBucket, mysqlConnect, pgConnect, s3Client } from '../helpers/services';

async function addColumn(table: EventsTable): Promise<void> {
  if (table.engine === 'postgres') {
    const client = await pgConnect(table.url);
    await client.query('ALTER TABLE events ADD COLUMN note text');
    await client.end();
  } else {
    const conn = await mysqlConnect(table.url);
    await conn.query('ALTER TABLE events ADD COLUMN note TEXT');
    await conn.end();
  }
}

describe('schema drift', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it.each(['postgres', 'mysql'] as const)(
    '%s: warns and carries on with drift: warn, and stops only that table with drift: fail',
    async (engine) => {
      const warned = await EventsTable.create(engine, 'driftwarn');
      const failing = await EventsTable.create(engine, 'driftfail');
      const bucket = await createBucket(s3, 'drift');
      for (const t of [warned, failing]) await t.insert(1, 20, 200, (id) => `row ${id}`);
      const yaml = eventsConfigYaml([warned, failing], {
        bucket,
        tableExtra: (t) => (t === failing ? ', drift: fail' : ''),
      });
      const pipeline = await startPipeline(yaml);
      try {
        const first = await pipeline.runFleet();
        expect(first.report.status).toBe('completed');
        for (const t of [warned, failing]) {
          await addColumn(t);
          await t.insert(21, 30, 200, (id) => `row ${id}`);
        }
        const second = await pipeline.runFleet();
        const byName = new Map(second.report.databases.map((d) => [d.name, d.tables[0]!]));
        expect(second.report.status).toBe('partial');
        expect(byName.get(warned.database)).toMatchObject({ status: 'completed', archived: 10, deleted: 10 });
        expect(byName.get(warned.database)!.schemaDrift).toEqual([
          expect.stringMatching(/^column note added/),
        ]);
        expect(byName.get(failing.database)).toMatchObject({ status: 'failed', archived: 0 });
        expect(byName.get(failing.database)!.error).toMatch(/drift is set to fail: column note added/);
        expect(await failing.ids()).toHaveLength(10);
      } finally {
        await pipeline.stop();
        await warned.close();
        await failing.close();
      }
    },
  );
});

describe('watermarks of archive-only tables', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it.each(['postgres', 'mysql'] as const)(
    '%s: archive each row once across runs, and scan from the start after a corrupt watermark',
    async (engine) => {
      const table = await EventsTable.create(engine, 'watermark');
      const bucket = await createBucket(s3, 'watermark');
      await table.insert(1, 50, 200, (id) => `row ${id}`);
      const pipeline = await startPipeline(
        eventsConfigYaml([table], { bucket, batchSize: 20, tableExtra: () => ', delete: false' }),
      );
      const key = stateKey(
        't',
        table.database,
        table.engine === 'postgres' ? 'public.events' : `${table.database}.events`,
        'watermark',
      );
      try {
        const first = await pipeline.runFleet();
        expect(first.report.databases[0]!.tables[0]).toMatchObject({
          archived: 50,
          deleted: 0,
          watermark: 'missing',
        });
        const saved = await loadState<Watermark>(s3StateStore(s3, bucket), key);
        expect(saved).toMatchObject({
          status: 'ok',
          value: { version: 2, completed: true, lastKey: ['50'], position: { key: ['50'] } },
        });

        // Rows that arrived since the last run after its last archived row, and only they, are archived next time.
        await table.insert(101, 103, 100, (id) => `row ${id}`);
        const second = await pipeline.runFleet();
        expect(second.report.databases[0]!.tables[0]).toMatchObject({ archived: 3, watermark: 'ok' });
        const third = await pipeline.runFleet();
        expect(third.report.databases[0]!.tables[0]).toMatchObject({ archived: 0, watermark: 'ok' });

        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const tampered = (await response.Body!.transformToString()).replace(
          /"timestamp": "[^"]+"/,
          '"timestamp": "2099-01-01 00:00:00+00"',
        );
        expect(tampered).toContain('2099-01-01');
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: tampered }));
        const fourth = await pipeline.runFleet();
        expect(fourth.report.databases[0]!.tables[0]).toMatchObject({ archived: 53, watermark: 'corrupt' });
        expect(await table.ids()).toHaveLength(53);
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );
});

describe('watermarks kept in the source database', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it.each(['postgres', 'mysql'] as const)(
    '%s: live in db_archiver_state, and a tampered one falls back to a full scan',
    async (engine) => {
      const table = await EventsTable.create(engine, 'wmdb');
      const bucket = await createBucket(s3, 'wmdb');
      await table.insert(1, 30, 200, (id) => `row ${id}`);
      const yaml = eventsConfigYaml([table], {
        bucket,
        batchSize: 20,
        tableExtra: () => ', delete: false',
      }).replace(`engine: ${engine}\n`, `engine: ${engine}\n    watermarkStore: database\n`);
      const pipeline = await startPipeline(yaml);
      try {
        expect((await pipeline.runFleet()).report.databases[0]!.tables[0]).toMatchObject({
          archived: 30,
          watermark: 'missing',
        });
        expect((await pipeline.runFleet()).report.databases[0]!.tables[0]).toMatchObject({
          archived: 0,
          watermark: 'ok',
        });
        // Nothing went to S3's _state/ for the watermark: the database holds it.
        const key = stateKey(
          't',
          table.database,
          engine === 'postgres' ? 'public.events' : `${table.database}.events`,
          'watermark',
        );
        expect((await loadState(s3StateStore(s3, bucket), key)).status).toBe('missing');
        if (engine === 'postgres') {
          const client = await pgConnect(table.url);
          const { rows } = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM db_archiver_state WHERE state_key = $1`,
            [key],
          );
          expect(rows[0]!.n).toBe('1');
          await client.query(
            `UPDATE db_archiver_state SET body = replace(body, '"completed": true', '"completed": false')`,
          );
          await client.end();
        } else {
          const conn = await mysqlConnect(table.url);
          await conn.query(
            `UPDATE db_archiver_state SET body = REPLACE(body, '"completed": true', '"completed": false')`,
          );
          await conn.end();
        }
        expect((await pipeline.runFleet()).report.databases[0]!.tables[0]).toMatchObject({
          archived: 30,
          watermark: 'corrupt',
        });
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );
});
