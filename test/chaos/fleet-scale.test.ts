/**
 * Fleet scale: five databases (three PostgreSQL, two MariaDB) with 24 tables of mixed shapes, archived in one
 * run at concurrency 2 and again at concurrency 3. The report is complete and right per database and table, and
 * the data-loss oracle finds nothing lost in any table.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createEngine, type Engine } from '../../src/engines';
import { tablePrefix } from '../../src/storage';
import type { FleetReport } from '../../src/shared';
import { startPipeline } from '../helpers/pipeline';
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
import { checkNothingLost, isClean, snapshotTable, type Snapshot } from './oracle';

type Kind = 'postgres' | 'mysql';

/** Table shapes: DDL per engine; every table has created_at and gets rows with ids from the seeding loop. */
const SHAPES: { name: string; postgres: string; mysql: string; key: (i: number) => (string | number)[] }[] = [
  {
    name: 'events',
    postgres: 'id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload text',
    mysql: 'id BIGINT PRIMARY KEY, created_at DATETIME(6) NOT NULL, payload TEXT',
    key: (i) => [i],
  },
  {
    name: 'tenant_orders',
    postgres: 'tenant int, id int, created_at timestamp NOT NULL, payload text, PRIMARY KEY (tenant, id)',
    mysql: 'tenant INT, id INT, created_at DATETIME NOT NULL, payload TEXT, PRIMARY KEY (tenant, id)',
    key: (i) => [i % 7, i],
  },
  {
    name: 'audit_log',
    postgres: 'code varchar(40) PRIMARY KEY, created_at timestamptz NOT NULL, payload text',
    mysql: 'code VARCHAR(40) PRIMARY KEY, created_at DATETIME(6) NOT NULL, payload TEXT',
    key: (i) => [`c-${String(i).padStart(6, '0')}`],
  },
  {
    name: 'wide_rows',
    postgres: 'id int PRIMARY KEY, created_at date NOT NULL, payload text',
    mysql: 'id INT PRIMARY KEY, created_at DATE NOT NULL, payload LONGTEXT',
    key: (i) => [i],
  },
  {
    name: 'tiny',
    postgres: 'id smallint PRIMARY KEY, created_at timestamptz NOT NULL, payload text',
    mysql: 'id SMALLINT PRIMARY KEY, created_at DATETIME(6) NOT NULL, payload TEXT',
    key: (i) => [i],
  },
];

interface Db {
  kind: Kind;
  name: string;
  url: string;
  tables: string[];
}

const keyColumns = (shape: (typeof SHAPES)[number]) =>
  shape.name === 'tenant_orders' ? ['tenant', 'id'] : shape.name === 'audit_log' ? ['code'] : ['id'];

async function seed(db: Db, from: number, count: number, ageDays: number): Promise<void> {
  for (const tableName of db.tables) {
    const shape = SHAPES.find((s) => s.name === tableName)!;
    const rows = Array.from(
      { length: shape.name === 'tiny' ? Math.min(count, 5) : count },
      (_, j) => from + j,
    );
    const values = rows.map((i) => [
      ...shape.key(i),
      new Date(Date.now() - ageDays * 86_400_000 - i * 1000),
      shape.name === 'wide_rows' ? `w${i}`.repeat(2000) : `row ${i}`,
    ]);
    const columns = [...keyColumns(shape), 'created_at', 'payload'];
    if (db.kind === 'postgres') {
      const client = await pgConnect(db.url);
      for (const v of values) {
        await client.query(
          `INSERT INTO ${tableName} (${columns.join(', ')}) VALUES (${columns.map((_, k) => `$${k + 1}`).join(', ')})`,
          v.map((x) => (x instanceof Date ? x.toISOString() : x)),
        );
      }
      await client.end();
    } else {
      const conn = await mysqlConnect(db.url);
      await conn.query(`INSERT INTO ${tableName} (${columns.join(', ')}) VALUES ?`, [values]);
      await conn.end();
    }
  }
}

async function createFleet(): Promise<Db[]> {
  const plan: [Kind, number][] = [
    ['postgres', 5],
    ['postgres', 5],
    ['postgres', 5],
    ['mysql', 5],
    ['mysql', 4],
  ];
  const dbs: Db[] = [];
  for (const [kind, tableCount] of plan) {
    const created =
      kind === 'postgres' ? await createPgDatabase('fleet') : await createMysqlDatabase('fleet');
    const tables = SHAPES.slice(0, tableCount).map((s) => s.name);
    for (const table of tables) {
      const shape = SHAPES.find((s) => s.name === table)!;
      if (kind === 'postgres') {
        const client = await pgConnect(created.url);
        await client.query(`CREATE TABLE ${table} (${shape.postgres})`);
        await client.end();
      } else {
        const conn = await mysqlConnect(created.url);
        await conn.query(`CREATE TABLE ${table} (${shape.mysql})`);
        await conn.end();
      }
    }
    dbs.push({ kind, name: created.name, url: created.url, tables });
  }
  return dbs;
}

function fleetYaml(dbs: Db[], bucket: string, concurrency: number): string {
  const databases = dbs.map(
    (db) => `  - name: ${db.name}
    engine: ${db.kind}
    url: "${db.url}"
    tables:
${db.tables.map((t) => `      - { name: ${t}, timestampColumn: created_at, olderThan: 90d, batchSize: 40 }`).join('\n')}`,
  );
  return `temporal: { address: "${TEMPORAL_ADDRESS}", taskQueue: ${uniqueName('fleet')} }
storage: { bucket: ${bucket}, prefix: f, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
run: { concurrency: ${concurrency} }
databases:
${databases.join('\n')}
`;
}

describe('a fleet of five databases and 24 tables', () => {
  let s3: S3Client;
  let dbs: Db[];
  let bucket: string;
  const engines = new Map<string, Engine>();

  beforeAll(async () => {
    s3 = s3Client();
    bucket = await createBucket(s3, 'fleet');
    dbs = await createFleet();
    for (const db of dbs) engines.set(db.name, createEngine({ engine: db.kind, url: db.url, poolSize: 2 }));
  });
  afterAll(async () => {
    for (const engine of engines.values()) await engine.close();
    s3.destroy();
  });

  async function snapshots(): Promise<Map<string, Snapshot>> {
    const all = new Map<string, Snapshot>();
    for (const db of dbs) {
      for (const table of db.tables) {
        const engine = engines.get(db.name)!;
        all.set(
          `${db.name}/${table}`,
          await snapshotTable(engine, await engine.introspect(table), 'created_at'),
        );
      }
    }
    return all;
  }

  async function expectNothingLost(before: Map<string, Snapshot>): Promise<void> {
    for (const db of dbs) {
      for (const table of db.tables) {
        const engine = engines.get(db.name)!;
        const info = await engine.introspect(table);
        const verdict = await checkNothingLost({
          engine,
          table: info,
          timestampColumn: 'created_at',
          s3,
          bucket,
          tablePrefix: tablePrefix('f', db.name, info.qualifiedName),
          before: before.get(`${db.name}/${table}`)!,
        });
        expect({ table: `${db.name}/${table}`, clean: isClean(verdict) }).toEqual({
          table: `${db.name}/${table}`,
          clean: true,
        });
      }
    }
  }

  function expectReport(report: FleetReport, oldRows: number): void {
    expect(report.status).toBe('completed');
    expect(report.databases.map((d) => d.name)).toEqual(dbs.map((d) => d.name));
    expect(report.databases.flatMap((d) => d.tables)).toHaveLength(24);
    for (const [i, db] of report.databases.entries()) {
      expect(db.tables.map((t) => t.table)).toEqual(dbs[i]!.tables);
      for (const t of db.tables) {
        const expected = t.table === 'tiny' ? Math.min(oldRows, 5) : oldRows;
        expect(t).toMatchObject({
          status: 'completed',
          archived: expected,
          deleted: expected,
          skippedChanged: 0,
        });
        expect(t.batches).toBe(Math.ceil(expected / 40));
      }
    }
  }

  it.each([2, 3])(
    'archives everything old at concurrency %i, reports each table right, and loses nothing',
    async (concurrency) => {
      const base = concurrency * 1000;
      for (const db of dbs) {
        await seed(db, base, 90, 200);
        await seed(db, base + 500, 12, 1);
      }
      const before = await snapshots();
      const pipeline = await startPipeline(fleetYaml(dbs, bucket, concurrency));
      try {
        const { report } = await pipeline.runFleet();
        expectReport(report, 90);
        await expectNothingLost(before);
      } finally {
        await pipeline.stop();
      }
    },
  );
});
