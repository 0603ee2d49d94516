/**
 * Bad input: every mistake gets a clear error that names it, and nothing in the source changes. Configuration
 * mistakes stop the CLI with exit 2 before anything is contacted; mistakes only the database or S3 can reveal
 * fail that table (or run) without deleting a row.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { runCli } from '../helpers/cli';
import { createBucket, mysqlConnect, pgConnect, s3Client, S3_ENDPOINT } from '../helpers/services';

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bad-')), 'archiver.yaml');
  writeFileSync(path, text);
  return path;
}

const valid = (table: string) => `temporal: { address: "127.0.0.1:1" }
storage: { bucket: archive, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
databases:
  - name: shop
    engine: postgres
    url: postgres://postgres@127.0.0.1:1/shop
    tables:
      - { name: "${table}", timestampColumn: created_at, olderThan: 90d }
`;

describe('bad configuration is refused before anything is contacted (exit 2)', () => {
  // Temporal and the database point at port 1: had anything been contacted, the error would be a connection one.
  it.each([
    ['malformed YAML', 'storage: { bucket: archive\ndatabases: [', /line \d+/],
    [
      'an unknown key',
      valid('public.events').replace('olderThan: 90d', 'olderThan: 90d, batchsize: 5'),
      /unknown key "batchsize"; did you mean "batchSize"/,
    ],
    [
      'a wrong type',
      valid('public.events').replace('olderThan: 90d', 'olderThan: 90d, batchSize: many'),
      /batchSize: must be/,
    ],
    ['a statement in a table name', valid('events; DROP TABLE x'), /tables\[0\]\.name: must be/],
    ['a quote in a table name', valid(`events' OR '1'='1`), /tables\[0\]\.name: must be/],
    ['a backtick in a table name', valid('events`; DROP TABLE x; --'), /tables\[0\]\.name: must be/],
    ['a double quote in a table name', valid('ev\\"ents'), /tables\[0\]\.name: must be/],
  ])('%s', async (_name, text, message) => {
    const result = await runCli(['run', '--config', configFile(text), '--wait']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/ECONNREFUSED|cannot reach/);
  });

  it('an unreachable Temporal server is named, with exit 1', async () => {
    const result = await runCli(['run', '--config', configFile(valid('public.events')), '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the Temporal server at 127\.0\.0\.1:1/);
  });
});

async function execute(engine: EngineKind, table: EventsTable, sql: string): Promise<void> {
  if (engine === 'postgres') {
    const client = await pgConnect(table.url);
    await client.query(sql);
    await client.end();
  } else {
    const conn = await mysqlConnect(table.url);
    await conn.query(sql);
    await conn.end();
  }
}

describe.each(['postgres', 'mysql'] as EngineKind[])(
  '%s: input only the database or S3 can reveal',
  (engine) => {
    let s3: S3Client;
    beforeAll(() => {
      s3 = s3Client();
    });
    afterAll(() => s3.destroy());

    it('fails just the table for a missing table, a missing column, a non-time column, a look-alike name or no primary key', async () => {
      const table = await EventsTable.create(engine, 'badtables');
      await table.insert(1, 20, 200, (id) => `row ${id}`);
      const timeType = engine === 'postgres' ? 'timestamptz' : 'DATETIME(6)';
      await execute(engine, table, 'CREATE TABLE nokey (id INT, created_at DATE)');
      await execute(
        engine,
        table,
        `CREATE TABLE events_b (id BIGINT PRIMARY KEY, created_at ${timeType}, note TEXT)`,
      );
      const bucket = await createBucket(s3, 'badtables');
      const schema = engine === 'postgres' ? 'public.' : '';
      const yaml = eventsConfigYaml([table], { bucket }).replace(
        /( {6}- \{ name: [^\n]+\n)/,
        (line: string) =>
          line +
          [
            `      - { name: missing_table, timestampColumn: created_at, olderThan: 90d }`,
            `      - { name: ${schema}events_b, timestampColumn: no_such_column, olderThan: 90d }`,
            `      - { name: ${schema}evеnts, timestampColumn: created_at, olderThan: 90d }`,
            `      - { name: nokey, timestampColumn: created_at, olderThan: 90d }`,
          ].join('\n') +
          '\n',
      );
      const notTime = eventsConfigYaml([table], { bucket }).replace(
        'timestampColumn: created_at',
        'timestampColumn: payload',
      );
      const pipeline = await startPipeline(yaml);
      const second = await startPipeline(notTime);
      try {
        const { report } = await pipeline.runFleet();
        const [events, missing, column, lookAlike, noKey] = report.databases[0]!.tables;
        expect(events).toMatchObject({ status: 'completed', archived: 20, deleted: 20 });
        expect(missing!.error).toMatch(/Table .*missing_table does not exist/);
        expect(column!.error).toMatch(/Column "no_such_column" does not exist/);
        expect(lookAlike!.error).toMatch(/evеnts does not exist/);
        expect(noKey!.error).toMatch(/has no primary key/);
        await table.insert(100, 104, 200, (id) => `row ${id}`);
        const again = await second.runFleet();
        expect(again.report.databases[0]!.tables[0]!.error).toMatch(
          /"payload" .* has type (text|longtext); timestampColumn must be a date or timestamp column/,
        );
        expect(await table.ids()).toHaveLength(5);
      } finally {
        await pipeline.stop();
        await second.stop();
        await table.close();
      }
    });

    it('archives an empty table as nothing, and never archives rows whose timestamp is NULL', async () => {
      const table = await EventsTable.create(engine, 'nulls');
      await execute(
        engine,
        table,
        'ALTER TABLE events ' +
          (engine === 'postgres'
            ? 'ALTER COLUMN created_at DROP NOT NULL'
            : 'MODIFY created_at DATETIME(6) NULL'),
      );
      await execute(
        engine,
        table,
        'CREATE TABLE empty_events (id BIGINT PRIMARY KEY, created_at ' +
          (engine === 'postgres' ? 'timestamptz' : 'DATETIME(6)') +
          ')',
      );
      await table.insert(1, 10, 200, (id) => `row ${id}`);
      await execute(
        engine,
        table,
        `INSERT INTO events (id, created_at, payload) VALUES (100, NULL, 'no time'), (101, NULL, NULL)`,
      );
      const bucket = await createBucket(s3, 'nulls');
      const yaml = eventsConfigYaml([table], { bucket }).replace(
        /( {6}- \{ name: [^\n]+\n)/,
        `$1      - { name: empty_events, timestampColumn: created_at, olderThan: 90d }\n`,
      );
      const pipeline = await startPipeline(yaml);
      try {
        const { report } = await pipeline.runFleet();
        expect(report.status).toBe('completed');
        expect(report.databases[0]!.tables[0]).toMatchObject({ archived: 10, deleted: 10 });
        expect(report.databases[0]!.tables[1]).toMatchObject({
          status: 'completed',
          archived: 0,
          batches: 0,
        });
        expect(await table.ids()).toEqual([100, 101]);
      } finally {
        await pipeline.stop();
        await table.close();
      }
    });

    it('archives rows of tens of megabytes through a multipart upload', async () => {
      const table = await EventsTable.create(engine, 'huge');
      const big = 'x'.repeat(12 * 1024 * 1024);
      await table.insert(1, 3, 200, (id) => `${id}${big}`);
      const bucket = await createBucket(s3, 'huge');
      const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 10 }));
      try {
        const { report } = await pipeline.runFleet();
        expect(report.databases[0]!.tables[0]).toMatchObject({
          status: 'completed',
          archived: 3,
          deleted: 3,
          verified: 3,
        });
        expect(await table.ids()).toEqual([]);
      } finally {
        await pipeline.stop();
        await table.close();
      }
    });

    it('names wrong credentials and a missing bucket, and deletes nothing', async () => {
      const table = await EventsTable.create(engine, 'creds');
      await table.insert(1, 10, 200, (id) => `row ${id}`);
      const bucket = await createBucket(s3, 'creds');
      // PostgreSQL here trusts every local user, so a role that does not exist stands for wrong credentials.
      const wrong = (t: EventsTable) =>
        engine === 'postgres'
          ? t.url.replace('://postgres@', '://nobody@')
          : t.url.replace('://root@', '://root:wrong@');
      const badCreds = await startPipeline(eventsConfigYaml([table], { bucket, urlFor: wrong }));
      try {
        const { report } = await badCreds.runFleet();
        expect(report.databases[0]!.tables[0]!.error).toMatch(/role "nobody" does not exist|Access denied/);
      } finally {
        await badCreds.stop();
      }
      const noBucket = await startPipeline(eventsConfigYaml([table], { bucket: `${bucket}-missing` }));
      try {
        await expect(noBucket.runFleet()).rejects.toThrow();
        const result = await runCli([
          'run',
          '--config',
          configFile(
            eventsConfigYaml([table], { bucket: `${bucket}-missing` }).replace(
              /taskQueue: \S+/,
              `taskQueue: ${noBucket.config.temporal.taskQueue}`,
            ),
          ),
          '--wait',
          '--no-preflight',
        ]);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/S3 bucket .*-missing does not exist/);
      } finally {
        await noBucket.stop();
      }
      expect(await table.ids()).toHaveLength(10);
      await table.close();
    });

    it('refuses to start a run whose database or S3 is unreachable, naming the key, with nothing started', async () => {
      const table = await EventsTable.create(engine, 'unreachable');
      await table.insert(1, 10, 200, (id) => `row ${id}`);
      const bucket = await createBucket(s3, 'unreachable');
      const port1 = (t: EventsTable) => t.url.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1');
      const wrongPassword = (t: EventsTable) =>
        engine === 'postgres'
          ? t.url.replace('://postgres@', '://nobody:secret-password@')
          : t.url.replace('://root@', '://root:secret-password@');
      const cases: [string, string, RegExp][] = [
        [
          'database',
          eventsConfigYaml([table], { bucket, urlFor: port1 }),
          /databases\[0\]\.url .*ECONNREFUSED/,
        ],
        [
          'credentials',
          eventsConfigYaml([table], { bucket, urlFor: wrongPassword }),
          /databases\[0\]\.url .*(role "nobody" does not exist|Access denied)/,
        ],
        [
          'S3',
          eventsConfigYaml([table], { bucket, s3Endpoint: 'http://127.0.0.1:1' }),
          /storage\.bucket \(.* at http:\/\/127\.0\.0\.1:1\): .*ECONNREFUSED/,
        ],
        [
          'bucket',
          eventsConfigYaml([table], { bucket: `${bucket}-missing` }),
          /storage\.bucket \(.*-missing .*\): the bucket does not exist/,
        ],
      ];
      for (const [what, yaml, message] of cases) {
        const result = await runCli(['run', '--config', configFile(yaml), '--wait']);
        expect({ what, code: result.code }).toEqual({ what, code: 1 });
        expect(result.stderr).toMatch(/cannot start the run, nothing was started or changed/);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toMatch(/secret-password/);
        expect(result.stdout).not.toMatch(/archive-fleet-/);
      }
      expect(await table.ids()).toHaveLength(10);
      await table.close();
    });
  },
);
