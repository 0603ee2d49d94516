/**
 * Every column type of the fixtures (test/fixtures/types) survives archive and restore exactly, compared in SQL.
 */
import { createEngine, eachRow, type Engine } from '../../src/engines';
import { decodeRow, encodeRow, splitLines } from '../../src/codec';
import { BatchDigest } from '../../src/activities/batch-writer';
import {
  mysqlColumns,
  mysqlTableDifference,
  pgTableDifference,
  type TableDifference,
} from '../helpers/compare';
import { createMysqlTypesDatabase, createPgTypesDatabase, FIXTURE_TABLES } from '../helpers/fixtures';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EngineKind } from '../helpers/events-table';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { restoreCli, writeConfig } from '../helpers/restore-cli';
import { SqlSession } from '../helpers/sql-session';
import {
  createBucket,
  mysqlConnect,
  pgConnect,
  s3Client,
  S3_ENDPOINT,
  TEMPORAL_ADDRESS,
  uniqueName,
} from '../helpers/services';

/** The difference of two tables of `rows` rows each, with every row identical. */
function identical(rows: number): TableDifference {
  return { rowsA: rows, rowsB: rows, onlyInA: 0, onlyInB: 0, differingColumns: [] };
}

/**
 * Reads every row through the engine, encodes it as the archive does (by position, BatchDigest) and checks the line
 * against the object-based encoding that defines the format, decodes it, and restores it under `target`.
 */
async function copyThroughCodec(engine: Engine, source: string, target: string): Promise<number> {
  const table = await engine.introspect(source);
  const columns = table.columns.map((c) => c.name);
  const digest = new BatchDigest(table, 'created_at');
  let text = '';
  for await (const extracted of eachRow(
    engine.streamRows({
      table,
      timestampColumn: 'created_at',
      cutoff: new Date(),
      afterKey: null,
      limit: 100_000,
    }),
  )) {
    const line = digest.add(extracted);
    expect(line).toBe(encodeRow(extracted.row, columns) + '\n');
    text += line;
  }
  const restored = await engine.ensureTable(target, table.columns, table.primaryKey);
  return engine.insertRows(restored, splitLines(text).map(decodeRow));
}

describe('PostgreSQL values through the engine and the JSON Lines codec', () => {
  let db: { name: string; url: string };
  let engine: Engine;

  beforeAll(async () => {
    db = await createPgTypesDatabase('codec');
    engine = createEngine({ engine: 'postgres', url: db.url, poolSize: 2 });
  });
  afterAll(async () => engine?.close());

  it.each(FIXTURE_TABLES)('restores %s into a new table with every value identical', async (name) => {
    const inserted = await copyThroughCodec(engine, `public.${name}`, `public.${name}_copy`);
    const table = await engine.introspect(`public.${name}`);
    const client = await pgConnect(db.url);
    try {
      const diff = await pgTableDifference(
        client,
        name,
        `${name}_copy`,
        table.columns.map((c) => c.name),
        table.primaryKey,
      );
      expect(diff).toEqual(identical(inserted));
      expect(inserted).toBeGreaterThan(5);
    } finally {
      await client.end();
    }
  });

  it('inserts nothing the second time', async () => {
    expect(await copyThroughCodec(engine, 'public.every_type', 'public.every_type_copy')).toBe(0);
  });

  it('compares strictly enough to notice values that `=` calls equal', async () => {
    const client = await pgConnect(db.url);
    try {
      // -0 = 0 and 1.0 = 1 for PostgreSQL, but they are not the values that were archived.
      await client.query(`UPDATE every_type_copy SET c_double = 0 WHERE id = 5`);
      await client.query(`UPDATE every_type_copy SET c_numeric_array = '{1,1.00,1.000}' WHERE id = 6`);
      const table = await engine.introspect('public.every_type');
      const diff = await pgTableDifference(
        client,
        'every_type',
        'every_type_copy',
        table.columns.map((c) => c.name),
        table.primaryKey,
      );
      expect(diff).toMatchObject({
        onlyInA: 2,
        onlyInB: 2,
        differingColumns: ['c_double', 'c_numeric_array'],
      });
    } finally {
      await client.end();
    }
  });
});

describe('MariaDB values through the engine and the JSON Lines codec', () => {
  let db: { name: string; url: string };
  let engine: Engine;

  beforeAll(async () => {
    db = await createMysqlTypesDatabase('codec');
    engine = createEngine({ engine: 'mysql', url: db.url, poolSize: 2 });
  });
  afterAll(async () => engine?.close());

  it.each(FIXTURE_TABLES)('restores %s into a new table with every value identical', async (name) => {
    const inserted = await copyThroughCodec(engine, name, `${name}_copy`);
    const table = await engine.introspect(name);
    const conn = await mysqlConnect(db.url);
    try {
      const columns = await mysqlColumns(conn, db.name, name);
      const diff = await mysqlTableDifference(conn, name, `${name}_copy`, columns, table.primaryKey);
      expect(diff).toEqual(identical(inserted));
      expect(inserted).toBeGreaterThan(5);
    } finally {
      await conn.end();
    }
  });

  it('inserts nothing the second time', async () => {
    expect(await copyThroughCodec(engine, 'every_type', 'every_type_copy')).toBe(0);
  });

  it('compares strictly enough to notice values that `=` or the FLOAT text call equal', async () => {
    const conn = await mysqlConnect(db.url);
    try {
      // 16777218 and 16777216 both print as 16777200 as FLOAT; 'x' = 'x  ' under PAD SPACE collations.
      await conn.query(`UPDATE every_type_copy SET c_float = 16777218 WHERE id = 3`);
      await conn.query(`UPDATE every_type_copy SET c_varchar = 'trailing space' WHERE id = 3`);
      const columns = await mysqlColumns(conn, db.name, 'every_type');
      const diff = await mysqlTableDifference(conn, 'every_type', 'every_type_copy', columns, ['id']);
      expect(diff).toMatchObject({ onlyInA: 1, onlyInB: 1, differingColumns: ['c_float', 'c_varchar'] });
    } finally {
      await conn.end();
    }
  });
});

/** Both fixture tables of one database, archived in small batches so keyset paging crosses the odd keys. */
function typesConfigYaml(engine: EngineKind, db: { name: string; url: string }, bucket: string): string {
  const prefix = engine === 'postgres' ? 'public.' : '';
  return `temporal: { address: "${TEMPORAL_ADDRESS}", taskQueue: ${uniqueName('types')} }
storage: { bucket: ${bucket}, prefix: types, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
databases:
  - name: ${db.name}
    engine: ${engine}
    url: "${db.url}"
    tables:
      - { name: ${prefix}every_type, timestampColumn: created_at, olderThan: 90d, batchSize: 3 }
      - { name: ${prefix}composite_key, timestampColumn: created_at, olderThan: 90d, batchSize: 4 }
`;
}

const PRIMARY_KEYS: Record<(typeof FIXTURE_TABLES)[number], Record<EngineKind, string[]>> = {
  every_type: { postgres: ['id'], mysql: ['id'] },
  composite_key: { postgres: ['region', 'seq', 'day'], mysql: ['tenant', 'code', 'region'] },
};

describe.each<EngineKind>(['postgres', 'mysql'])(
  '%s: every type archived by a run and restored by `archiver restore`',
  (engine) => {
    let s3: S3Client;
    let db: { name: string; url: string };
    let sql: SqlSession;
    let pipeline: TestPipeline;
    let configPath: string;

    beforeAll(async () => {
      s3 = s3Client();
      const bucket = await createBucket(s3, 'types');
      db =
        engine === 'postgres'
          ? await createPgTypesDatabase('types')
          : await createMysqlTypesDatabase('types');
      sql = await SqlSession.open(engine, db.name, db.url);
      for (const table of FIXTURE_TABLES) await sql.snapshot(table, `${table}_before`);
      const yaml = typesConfigYaml(engine, db, bucket);
      configPath = writeConfig(yaml);
      pipeline = await startPipeline(yaml);
      const { report } = await pipeline.runFleet();
      expect(report.status).toBe('completed');
      for (const table of report.databases[0]!.tables) expect(table.deleted).toBe(table.archived);
    });

    afterAll(async () => {
      await pipeline?.stop();
      await sql?.close();
      s3?.destroy();
    });

    it.each(FIXTURE_TABLES)(
      'restores %s into a new table with every value equal to the original',
      async (table) => {
        expect(await sql.count(table)).toBe(0);
        const { code, report } = await restoreCli(configPath, [
          '--database',
          db.name,
          '--table',
          sql.name(table),
          '--into',
          sql.name(`${table}_restored`),
        ]);
        expect({ code, status: report.status, failed: report.objectsFailed }).toEqual({
          code: 0,
          status: 'completed',
          failed: 0,
        });
        expect(report.targetCreated).toBe(true);
        const rows = await sql.count(`${table}_before`);
        expect(report.rowsInserted).toBe(rows);
        expect(
          await sql.difference(`${table}_before`, `${table}_restored`, PRIMARY_KEYS[table][engine]),
        ).toEqual(identical(rows));
      },
    );

    it.each(FIXTURE_TABLES)(
      'restores %s into the original table, and a second restore inserts nothing',
      async (table) => {
        const first = await restoreCli(configPath, ['--database', db.name, '--table', sql.name(table)]);
        expect(first.code).toBe(0);
        expect(first.report.targetCreated).toBe(false);
        const rows = await sql.count(`${table}_before`);
        expect(first.report.rowsInserted).toBe(rows);
        expect(await sql.difference(`${table}_before`, table, PRIMARY_KEYS[table][engine])).toEqual(
          identical(rows),
        );

        const second = await restoreCli(configPath, ['--database', db.name, '--table', sql.name(table)]);
        expect(second.code).toBe(0);
        expect(second.report).toMatchObject({ rowsInserted: 0, rowsSkippedExisting: rows, objectsFailed: 0 });
      },
    );
  },
);
