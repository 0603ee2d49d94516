/**
 * Archive-only tables (`delete: false`) remember the position of their last archived row, (timestamp, primary
 * key), and each run archives the rows after it: late rows older than the previous run's cutoff included, rows
 * sharing a timestamp across a batch boundary once each, composite keys too; an older version's watermark (the
 * previous cutoff) is migrated without archiving anything again.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { s3StateStore, saveState, loadState, stateKey } from '../../src/storage';
import type { Watermark } from '../../src/activities/save-watermark';
import type { TableReport } from '../../src/shared';
import { archivedKeys } from '../helpers/archived-keys';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable } from '../helpers/events-table';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import {
  createBucket,
  createMysqlDatabase,
  createPgDatabase,
  mysqlConnect,
  pgConnect,
  s3Client,
  S3_ENDPOINT,
  TEMPORAL_ADDRESS,
} from '../helpers/services';

const DAY_MS = 86_400_000;

async function runTable(pipeline: TestPipeline): Promise<TableReport> {
  const { report } = await pipeline.runFleet();
  expect(report.status).toBe('completed');
  return report.databases[0]!.tables[0]!;
}

function unique(keys: string[]): number {
  return new Set(keys).size;
}

function watermarkKey(table: EventsTable): string {
  return stateKey(
    't',
    table.database,
    table.engine === 'postgres' ? 'public.events' : `${table.database}.events`,
    'watermark',
  );
}

describe('archive-only tables start after their last archived row', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it.each(['postgres', 'mysql'] as const)(
    '%s: rows inserted later with a timestamp before the previous cutoff, but after the last archived row, are archived',
    async (engine) => {
      const table = await EventsTable.create(engine, 'wmlate');
      const bucket = await createBucket(s3, 'wmlate');
      await table.insert(1, 500, 200, (id) => `row ${id}`);
      const pipeline = await startPipeline(
        eventsConfigYaml([table], { bucket, batchSize: 200, tableExtra: () => ', delete: false' }),
      );
      try {
        expect(await runTable(pipeline)).toMatchObject({
          archived: 500,
          watermark: 'missing',
          start: { after: null, notBefore: null },
        });
        const second = await runTable(pipeline);
        expect(second).toMatchObject({ archived: 0, watermark: 'ok', start: { after: { key: ['500'] } } });

        // Late rows: 150 days old, older than the second run's cutoff (90 days), newer than the last archived row.
        await table.insert(501, 510, 150, (id) => `late ${id}`);
        // A dry run counts what the run will archive: the rows after the position.
        const dry = await pipeline.runFleet({ dryRun: true });
        expect(dry.report.databases[0]!.tables[0]).toMatchObject({ archived: 10, watermark: 'ok' });
        const third = await runTable(pipeline);
        expect(third).toMatchObject({ archived: 10, watermark: 'ok', start: { after: { key: ['500'] } } });
        expect(await runTable(pipeline)).toMatchObject({ archived: 0, start: { after: { key: ['510'] } } });

        const keys = await archivedKeys(s3, bucket);
        expect(keys).toHaveLength(510);
        expect(unique(keys)).toBe(510);
        expect(await table.ids()).toHaveLength(510);
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );

  it.each(['postgres', 'mysql'] as const)(
    '%s: rows sharing one timestamp across batch boundaries are archived once each, later ones too',
    async (engine) => {
      const table = await EventsTable.create(engine, 'wmties');
      const bucket = await createBucket(s3, 'wmties');
      const at = new Date(Math.floor((Date.now() - 200 * DAY_MS) / 1000) * 1000);
      // Inserted out of key order, so that neither insertion order nor key order alone gives the scan's order.
      const ids = Array.from({ length: 50 }, (_, i) => ((i * 17) % 50) + 1);
      await table.insertAt(ids, () => at);
      const pipeline = await startPipeline(
        eventsConfigYaml([table], { bucket, batchSize: 20, tableExtra: () => ', delete: false' }),
      );
      try {
        expect(await runTable(pipeline)).toMatchObject({ archived: 50, batches: 3 });
        // Same timestamp, keys after the last archived one: after the position, so the next run takes them.
        await table.insertAt([51, 52, 53, 54, 55], () => at);
        // One second later, any key: after it as well.
        await table.insertAt([0], () => new Date(at.getTime() + 1000));
        expect(await runTable(pipeline)).toMatchObject({ archived: 6, start: { after: { key: ['50'] } } });
        expect(await runTable(pipeline)).toMatchObject({ archived: 0, start: { after: { key: ['0'] } } });
        const keys = await archivedKeys(s3, bucket);
        expect(keys).toHaveLength(56);
        expect(unique(keys)).toBe(56);
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );

  it.each(['postgres', 'mysql'] as const)(
    '%s: a watermark of an older version (the previous cutoff) is migrated to a position, nothing archived twice',
    async (engine) => {
      const table = await EventsTable.create(engine, 'wmmigrate');
      const bucket = await createBucket(s3, 'wmmigrate');
      await table.insert(1, 20, 200, (id) => `row ${id}`);
      await table.insert(21, 30, 170, (id) => `row ${id}`);
      const archivedBefore = new Date(Date.now() - 180 * DAY_MS).toISOString();
      // What an older version left after archiving rows 1..20 in a run whose cutoff was 180 days ago.
      await saveState(s3StateStore(s3, bucket), watermarkKey(table), {
        table: table.engine === 'postgres' ? 'public.events' : `${table.database}.events`,
        archivedBefore,
        lastKey: ['20'],
        lastTimestamp: null,
        runId: 'older-version',
        completed: true,
        updatedAt: archivedBefore,
      });
      const pipeline = await startPipeline(
        eventsConfigYaml([table], { bucket, batchSize: 4, tableExtra: () => ', delete: false' }),
      );
      try {
        expect(await runTable(pipeline)).toMatchObject({
          archived: 10,
          watermark: 'migrated',
          start: { after: null, notBefore: archivedBefore },
        });
        const saved = await loadState<Watermark>(s3StateStore(s3, bucket), watermarkKey(table));
        expect(saved).toMatchObject({
          status: 'ok',
          value: {
            version: 2,
            timestampColumn: 'created_at',
            position: { key: ['30'] },
            archivedBefore: null,
          },
        });
        expect(await runTable(pipeline)).toMatchObject({ archived: 0, watermark: 'ok' });
        const keys = await archivedKeys(s3, bucket);
        expect(keys.sort()).toEqual(
          Array.from({ length: 10 }, (_, i) => JSON.stringify([String(21 + i)])).sort(),
        );
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );
});

/** `events(tenant, id, created_at, payload)` with the primary key (tenant, id). */
class TenantEvents {
  private constructor(
    readonly engine: 'postgres' | 'mysql',
    readonly database: string,
    readonly url: string,
    readonly run: (sql: string, params: unknown[]) => Promise<void>,
    readonly close: () => Promise<void>,
  ) {}

  static async create(engine: 'postgres' | 'mysql'): Promise<TenantEvents> {
    if (engine === 'postgres') {
      const db = await createPgDatabase('wmcomposite');
      const client = await pgConnect(db.url);
      await client.query(
        `CREATE TABLE events (tenant int NOT NULL, id bigint NOT NULL, created_at timestamptz NOT NULL,
                              payload text, PRIMARY KEY (tenant, id))`,
      );
      await client.query('CREATE INDEX events_created_at ON events (created_at, tenant, id)');
      return new TenantEvents(
        engine,
        db.name,
        db.url,
        async (sql, params) => void (await client.query(sql, params)),
        () => client.end(),
      );
    }
    const db = await createMysqlDatabase('wmcomposite');
    const conn = await mysqlConnect(db.url);
    await conn.query(
      `CREATE TABLE events (tenant INT NOT NULL, id BIGINT NOT NULL, created_at DATETIME(6) NOT NULL,
                            payload TEXT, PRIMARY KEY (tenant, id), KEY events_created_at (created_at))`,
    );
    return new TenantEvents(
      engine,
      db.name,
      db.url,
      async (sql, params) => void (await conn.query(sql, params)),
      () => conn.end(),
    );
  }

  async insert(rows: [tenant: number, id: number, at: Date][]): Promise<void> {
    for (const [tenant, id, at] of rows) {
      if (this.engine === 'postgres') {
        await this.run('INSERT INTO events VALUES ($1, $2, $3, $4)', [tenant, id, at.toISOString(), 'x']);
      } else {
        const text = at.toISOString().replace('T', ' ').replace('Z', '');
        await this.run('INSERT INTO events VALUES (?, ?, ?, ?)', [tenant, id, text, 'x']);
      }
    }
  }
}

describe('archive-only tables with a composite primary key', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  it.each(['postgres', 'mysql'] as const)(
    '%s: continue after the last (timestamp, tenant, id), across tenants sharing timestamps',
    async (engine) => {
      const table = await TenantEvents.create(engine);
      const bucket = await createBucket(s3, 'wmcomposite');
      const base = Math.floor((Date.now() - 200 * DAY_MS) / 1000) * 1000;
      // Three timestamps, each shared by rows of three tenants: 27 rows, batches of 5 cut inside every group.
      const rows: [number, number, Date][] = [];
      for (const t of [0, 1, 2])
        for (const tenant of [3, 1, 2])
          for (const id of [9, 8, 7]) rows.push([tenant, t * 10 + id, new Date(base + t * 1000)]);
      await table.insert(rows);
      const yaml = `temporal: { address: "${TEMPORAL_ADDRESS}", namespace: default, taskQueue: wm-${Math.random().toString(36).slice(2, 8)} }
storage: { bucket: ${bucket}, prefix: t, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
databases:
  - name: ${table.database}
    engine: ${engine}
    url: "${table.url}"
    tables:
      - { name: ${engine === 'postgres' ? 'public.events' : 'events'}, timestampColumn: created_at, olderThan: 90d, batchSize: 5, delete: false }
`;
      const pipeline = await startPipeline(yaml);
      try {
        expect(await runTable(pipeline)).toMatchObject({ archived: 27, batches: 6 });
        // At the last timestamp: a key after the last archived (3, 29), and keys before it (not seen: before the
        // position); one second later, the smallest key there is (after the position).
        const last = new Date(base + 2000);
        await table.insert([
          [3, 30, last],
          [4, 1, last],
          [1, 1, last],
          [0, 0, new Date(base + 3000)],
        ]);
        const second = await runTable(pipeline);
        expect(second).toMatchObject({ archived: 3, start: { after: { key: ['3', '29'] } } });
        const keys = await archivedKeys(s3, bucket);
        expect(keys).toHaveLength(30);
        expect(unique(keys)).toBe(30);
        expect(keys).not.toContain(JSON.stringify(['1', '1']));
        expect(keys).toEqual(
          expect.arrayContaining([
            JSON.stringify(['3', '30']),
            JSON.stringify(['4', '1']),
            JSON.stringify(['0', '0']),
          ]),
        );
      } finally {
        await pipeline.stop();
        await table.close();
      }
    },
  );
});
