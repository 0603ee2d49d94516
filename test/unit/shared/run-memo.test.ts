import {
  databaseMemo,
  databaseSearchAttributes,
  fleetMemo,
  fleetSummary,
  formatAge,
  type FleetInput,
} from '../../../src/shared';
import { buildFleetInput, fleetDisplay } from '../../../src/cli/fleet-input';
import { parseConfig } from '../../../src/config';

const input: FleetInput = {
  concurrency: 2,
  dryRun: false,
  lease: { ttlMs: 120_000, refreshMs: 30_000 },
  databases: [
    {
      database: 'shop',
      engine: 'postgres',
      tables: [
        {
          name: 'public.events',
          timestampColumn: 'created_at',
          olderThanMs: 90 * 86_400_000,
          where: "status = 'done'",
          batchSize: 5000,
          delete: true,
          drift: 'warn',
          verify: { samplePercent: 1, min: 10, max: 1000 },
        },
        {
          name: 'public.audit',
          timestampColumn: 'at',
          olderThanMs: 12 * 3_600_000,
          batchSize: 100,
          delete: false,
          drift: 'fail',
          verify: { samplePercent: 1, min: 10, max: 1000 },
        },
      ],
    },
  ],
};

describe('what a run shows in the Temporal Web UI', () => {
  it('writes ages as a configuration would', () => {
    expect([
      formatAge(90 * 86_400_000),
      formatAge(36 * 3_600_000),
      formatAge(90_000),
      formatAge(1500),
    ]).toEqual(['90d', '36h', '90s', '1500ms']);
  });

  it("summarises the fleet's configuration in its memo", () => {
    const memo = fleetMemo(input, { storage: { bucket: 'archive', prefix: 'prod' }, lockBackend: 'redis' });
    expect(memo).toEqual({
      mode: 'archive',
      archive: 's3://archive/prod/',
      concurrency: 2,
      lock: 'redis, lease ttl 2m refreshed every 30s',
      databases: {
        shop: {
          engine: 'postgres',
          tables: {
            'public.events':
              "older than 90d by created_at, where status = 'done', batches of 5000, delete, drift warn",
            'public.audit': 'older than 12h by at, batches of 100, archive only, drift fail',
          },
        },
      },
    });
    expect(fleetSummary({ ...input, dryRun: true }, { bucket: 'archive', prefix: '' })).toBe(
      'Dry run of 1 database (shop) to s3://archive/',
    );
  });

  it("gives a database workflow its tables' settings, and ArchiverTable only when it has one table", () => {
    const db = input.databases[0]!;
    expect(databaseMemo(db, { dryRun: true, runId: 'r1' })).toMatchObject({
      database: 'shop',
      engine: 'postgres',
      mode: 'dry run: counts only, changes nothing',
      runId: 'r1',
    });
    expect(databaseSearchAttributes(db).map((p) => [p.key.name, p.value])).toEqual([
      ['ArchiverDatabase', 'shop'],
    ]);
    const single = { ...db, tables: [db.tables[0]!] };
    expect(databaseSearchAttributes(single).map((p) => [p.key.name, p.value])).toEqual([
      ['ArchiverDatabase', 'shop'],
      ['ArchiverTable', 'public.events'],
    ]);
  });

  it('never puts a connection string, lock URL or endpoint credential into the memo', () => {
    const config = parseConfig(
      `storage: { bucket: archive, prefix: prod, endpoint: "https://key:secret@s3.example.net:9000/?token=x" }
lock: { backend: postgres, url: "postgres://locker:lockpw@db:5432/locks" }
databases:
  - name: shop
    engine: postgres
    url: "postgres://archiver:dbpw@db:5432/shop"
    tables: [{ name: public.events, timestampColumn: created_at, olderThan: 90d }]
`,
      'test',
    );
    const shown = fleetDisplay(config, buildFleetInput(config, { databases: [], dryRun: false }));
    const text = JSON.stringify(shown);
    for (const secret of ['secret', 'lockpw', 'dbpw', 'token', 'postgres://'])
      expect(text).not.toContain(secret);
    expect(shown.memo).toMatchObject({
      endpoint: 'https://s3.example.net:9000',
      lock: expect.stringMatching(/^postgres/),
    });
  });
});
