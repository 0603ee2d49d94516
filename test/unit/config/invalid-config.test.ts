import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../../src/config';

const fixture = (name: string) => join(__dirname, '..', '..', 'fixtures', 'config', name);

/** The problem lines of the ConfigError that `run` throws. */
function problemLines(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.format().split('\n').slice(1);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const problemsIn = (text: string, env: NodeJS.ProcessEnv = {}) =>
  problemLines(() => parseConfig(text, 'test.yaml', env));

const TABLE = '{ name: events, timestampColumn: created_at, olderThan: 90d }';

/** A valid file whose pieces a test replaces to break one thing. */
function file(parts: { storage?: string; lock?: string; run?: string; databases?: string } = {}): string {
  return [
    `storage: ${parts.storage ?? '{ bucket: archive }'}`,
    parts.lock !== undefined ? `lock: ${parts.lock}` : '',
    parts.run !== undefined ? `run: ${parts.run}` : '',
    'databases:',
    parts.databases ?? `  - { name: shop, engine: postgres, url: "postgres://h/shop", tables: [${TABLE}] }`,
  ].join('\n');
}

describe('an invalid configuration', () => {
  it('reports malformed YAML with its line and column, without quoting the source', () => {
    const text = `storage:
  bucket: archive
databases:
  - name: shop
    url: postgres://archiver:s3cr3t-pw@127.0.0.1:5432/shop
   engine: postgres
`;
    const lines = problemsIn(text);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^YAML syntax error at line \d+, column \d+: \S/);
    expect(lines[0]).toBe('YAML syntax error at line 6, column 1: Sequence item without - indicator');
    expect(lines.join('\n')).not.toContain('s3cr3t-pw');
  });

  it('reports duplicate YAML keys as a syntax error', () => {
    expect(problemsIn('storage:\n  bucket: a\n  bucket: b\n')).toEqual([
      'YAML syntax error at line 3, column 3: Map keys must be unique',
    ]);
  });

  it('reports an empty file, or one with only comments', () => {
    const expected = ['the file is empty; it needs at least storage and databases'];
    expect(problemLines(() => loadConfig(fixture('empty.yaml'), {}))).toEqual(expected);
    expect(problemsIn('')).toEqual(expected);
  });

  it('reports a file that is not a mapping of sections', () => {
    expect(problemsIn('- storage\n- databases\n')).toEqual([
      'the file must be a mapping with the sections storage and databases (got a list)',
    ]);
  });

  it('reports an alias to an anchor that does not exist', () => {
    expect(problemsIn('storage: *nowhere\n')).toEqual([
      'YAML error: Unresolved alias (the anchor must be set before the alias): nowhere',
    ]);
  });

  it('names an unknown key and suggests the close known one', () => {
    const databases = `  - name: shop
    engine: postgres
    url: postgres://h/shop
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d, batchsize: 100, batch_size: 1 }`;
    expect(problemsIn(file({ databases, run: '{ concurency: 4, colour: blue }' }))).toEqual([
      'run: unknown key "concurency"; did you mean "concurrency"?',
      'run: unknown key "colour"; expected one of concurrency, heartbeatTimeout, maxRunTime',
      'databases[0].tables[0]: unknown key "batchsize"; did you mean "batchSize"?',
      'databases[0].tables[0]: unknown key "batch_size"; did you mean "batchSize"?',
    ]);
  });

  it('names an unknown top-level section', () => {
    expect(problemsIn(`${file()}\ndatabse: []\n`)).toEqual([
      'unknown key "databse"; did you mean "databases"?',
    ]);
  });

  it('describes wrong types plainly and shows the value written', () => {
    const databases = `  - name: shop
    engine: postgres
    url: postgres://h/shop
    pool: lots
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d, delete: yes, verify: [1] }`;
    expect(
      problemsIn(
        file({ run: '{ concurrency: two }', storage: '{ bucket: archive, forcePathStyle: 1 }', databases }),
      ),
    ).toEqual([
      'storage.forcePathStyle: must be true or false (got 1)',
      'run.concurrency: must be an integer between 1 and 64 (got "two")',
      'databases[0].pool: must be an integer between 1 and 100 (got "lots")',
      'databases[0].tables[0].delete: must be true or false (got "yes")',
      'databases[0].tables[0].verify: must be a mapping (got a list)',
    ]);
  });

  it('says a missing key is required', () => {
    expect(problemsIn('storage: {}\ndatabases:\n  - { name: shop, tables: [{ name: events }] }\n')).toEqual([
      'storage.bucket: is required',
      'databases[0].engine: is required',
      'databases[0].url: is required',
      'databases[0].tables[0].timestampColumn: is required',
      'databases[0].tables[0].olderThan: is required',
    ]);
  });

  it('refuses a negative batchSize in the second database with the exact key path', () => {
    const databases = `  - { name: shop, engine: postgres, url: "postgres://h/shop", tables: [${TABLE}] }
  - name: legacy
    engine: mysql
    url: mysql://root@h:3306/legacy
    tables:
      - { name: orders, timestampColumn: created_at, olderThan: 30d, batchSize: -5 }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[1].tables[0].batchSize: must be a positive integer',
    ]);
  });

  it('refuses numbers out of range', () => {
    const databases = `  - name: shop
    engine: postgres
    url: postgres://h/shop
    pool: 0
    tables:
      - name: events
        timestampColumn: created_at
        olderThan: 90d
        batchSize: 2000000
        verify: { samplePercent: 150, min: -1, max: 0 }`;
    expect(
      problemsIn(
        file({ databases, storage: '{ bucket: archive, partSizeBytes: 1048576, compressionLevel: 0 }' }),
      ),
    ).toEqual([
      'storage.partSizeBytes: must be a number of bytes between 5242880 (5 MiB) and 5368709120 (5 GiB)',
      'storage.compressionLevel: must be an integer between 1 and 19 for compression zstd',
      'databases[0].pool: must be an integer between 1 and 100',
      'databases[0].tables[0].batchSize: must be at most 1000000',
      'databases[0].tables[0].verify.samplePercent: must be a number between 0 and 100',
      'databases[0].tables[0].verify.min: must be a non-negative integer',
      'databases[0].tables[0].verify.max: must be a positive integer',
    ]);
  });

  it('refuses a compression level outside the range of the chosen compression, naming both', () => {
    const storage = (extra: string) => file({ storage: `{ bucket: archive, ${extra} }` });
    expect(problemsIn(storage('compression: gzip, compressionLevel: 10'))).toEqual([
      'storage.compressionLevel: must be an integer between 1 and 9 for compression gzip',
    ]);
    // Without a `compression` key the range is the default zstd's.
    expect(problemsIn(storage('compressionLevel: 20'))).toEqual([
      'storage.compressionLevel: must be an integer between 1 and 19 for compression zstd',
    ]);
    expect(problemsIn(storage('compression: zstd, compressionLevel: 0'))).toEqual([
      'storage.compressionLevel: must be an integer between 1 and 19 for compression zstd',
    ]);
    expect(problemsIn(storage('compression: zstd, compressionLevel: fast'))).toEqual([
      'storage.compressionLevel: must be an integer: 1 to 9 for gzip, 1 to 19 for zstd (got "fast")',
    ]);
    expect(problemsIn(storage('compression: brotli, compressionLevel: 12'))).toEqual([
      'storage.compression: must be one of gzip, zstd (got "brotli")',
    ]);
  });

  it('refuses durations without a unit or with an unknown one', () => {
    const databases = `  - name: shop
    engine: postgres
    url: postgres://h/shop
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90 }
      - { name: clicks, timestampColumn: created_at, olderThan: 3 months }
      - { name: views, timestampColumn: created_at, olderThan: 0d }`;
    expect(problemsIn(file({ databases, lock: '{ ttl: "90" }' }))).toEqual([
      'lock.ttl: must be a duration like 90d, 12h, 30m (got "90")',
      'databases[0].tables[0].olderThan: must be a duration like 90d, 12h, 30m (got 90)',
      'databases[0].tables[1].olderThan: must be a duration like 90d, 12h, 30m (got "3 months")',
      'databases[0].tables[2].olderThan: must be longer than zero',
    ]);
  });

  it('refuses an unknown engine and lists the known ones', () => {
    const databases = `  - { name: shop, engine: oracle, url: "oracle://h/shop", tables: [${TABLE}] }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[0].engine: must be one of postgres, mysql (got "oracle")',
    ]);
  });

  it('refuses a url whose scheme does not match the engine', () => {
    const databases = `  - { name: shop, engine: mysql, url: "postgres://h/shop", tables: [${TABLE}] }
  - { name: crm, engine: postgres, url: "not a url", tables: [${TABLE}] }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[0].url: must be a mysql:// or mariadb:// URL for engine mysql',
      'databases[1].url: must be a postgres:// or postgresql:// URL for engine postgres',
    ]);
  });

  it('refuses duplicate database names and duplicate tables within a database', () => {
    const databases = `  - { name: shop, engine: postgres, url: "postgres://h/shop", tables: [${TABLE}] }
  - { name: crm, engine: postgres, url: "postgres://h/crm", tables: [${TABLE}] }
  - name: shop
    engine: postgres
    url: postgres://h/shop2
    tables:
      - ${TABLE}
      - { name: public.events, timestampColumn: updated_at, olderThan: 1d }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[2].tables[1].name: names the same table as tables[0].name',
      'databases[2].name: is already the name of databases[0]',
    ]);
  });

  it('refuses names that could not be split into schema and table, or used in workflow ids', () => {
    const databases = `  - name: .shop
    engine: postgres
    url: postgres://h/shop
    tables:
      - { name: a.b.c, timestampColumn: "created at", olderThan: 90d }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[0].name: must be 1 to 63 letters, digits, "_", "." or "-", not starting with "." or "-" (got ".shop")',
      'databases[0].tables[0].name: must be "schema.table" or "table" (for MySQL "database.table") (got "a.b.c")',
      'databases[0].tables[0].timestampColumn: must be a column name, without quotes or spaces (got "created at")',
    ]);
  });

  it('refuses a bare MySQL table name when the url names no database', () => {
    const databases = `  - { name: legacy, engine: mysql, url: "mysql://root@h:3306", tables: [${TABLE}] }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[0].tables[0].name: must be "database.table" because the url names no database',
    ]);
  });

  it('names the unset environment variable at its key', () => {
    const databases = `  - { name: shop, engine: postgres, url: "postgres://app:\${DB_PASSWORD}@h/shop", tables: [${TABLE}] }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[0].url: environment variable DB_PASSWORD is not set',
    ]);
  });

  it('requires a url for the redis and postgres lock backends and a path for the file backend', () => {
    expect(problemsIn(file({ lock: '{ backend: redis }' }))).toEqual([
      'lock.url: is required when backend is redis',
    ]);
    expect(problemsIn(file({ lock: '{ backend: postgres, url: "" }' }))).toEqual([
      'lock.url: is required when backend is postgres',
    ]);
    expect(problemsIn(file({ lock: '{ backend: redis, url: "postgres://h/db" }' }))).toEqual([
      'lock.url: must be a redis:// or rediss:// URL for backend redis',
    ]);
    expect(problemsIn(file({ lock: '{ backend: file }' }))).toEqual([
      'lock.path: is required when backend is file',
    ]);
  });

  it('refuses a worker with no activity slot left beside the lease holders of the databases running at once', () => {
    const slots = (n: number) =>
      file({ lock: '{ backend: file, path: /tmp/locks }', run: '{ concurrency: 4 }' }) +
      `\nworker: { maxConcurrentActivities: ${n} }`;
    expect(problemsIn(slots(4))).toEqual([
      "worker.maxConcurrentActivities: must be more than run.concurrency (4) when lock.backend is file: each running database's lease holder keeps one activity slot for the whole run; 3 × run.concurrency lets every database archive and delete at once",
    ]);
    expect(() => parseConfig(slots(5), 'test.yaml', {})).not.toThrow();
    // Without a lock backend there is no lease holder.
    expect(() =>
      parseConfig(
        file({ run: '{ concurrency: 4 }' }) + '\nworker: { maxConcurrentActivities: 4 }',
        'test.yaml',
        {},
      ),
    ).not.toThrow();
  });

  it('refuses a lease refreshed no more often than it expires', () => {
    expect(
      problemsIn(file({ lock: '{ backend: file, path: /tmp/locks, ttl: 30s, refreshEvery: 1m }' })),
    ).toEqual(['lock.refreshEvery: must be shorter than ttl']);
  });

  it('refuses a verify minimum above its maximum', () => {
    const databases = `  - name: shop
    engine: postgres
    url: postgres://h/shop
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d, verify: { min: 50, max: 5 } }`;
    expect(problemsIn(file({ databases }))).toEqual([
      'databases[0].tables[0].verify.min: must not be greater than max',
    ]);
  });

  it('refuses malformed storage settings', () => {
    const storage = '{ bucket: My_Bucket, prefix: /prod/, endpoint: "minio:9000" }';
    expect(problemsIn(file({ storage }))).toEqual([
      'storage.bucket: must be an S3 bucket name: 3 to 63 lowercase letters, digits, "." or "-" (got "My_Bucket")',
      'storage.prefix: must not start or end with "/" or contain "//" (got "/prod/")',
      'storage.endpoint: must be an http:// or https:// URL (got "minio:9000")',
    ]);
  });

  it('lists every problem of a file at once, each with its key path', () => {
    const text = `
storage: { bucket: ab }
run: { concurrency: 100 }
lock: { backend: redis, ttl: soon }
databases:
  - name: shop
    engine: oracle
    url: \${SHOP_URL}
    tables: [{ name: events, timestampColumn: created_at, olderThan: 90d, bacthSize: 10 }]
  - name: shop
    engine: postgres
    url: postgres://h/shop
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d, batchSize: -1 }
      - { name: events, timestampColumn: created_at, olderThan: 90d }
`;
    expect(problemsIn(text)).toEqual([
      'databases[0].url: environment variable SHOP_URL is not set',
      'storage.bucket: must be an S3 bucket name: 3 to 63 lowercase letters, digits, "." or "-" (got "ab")',
      'run.concurrency: must be an integer between 1 and 64',
      'lock.ttl: must be a duration like 90d, 12h, 30m (got "soon")',
      'lock.url: is required when backend is redis',
      'databases[0].engine: must be one of postgres, mysql (got "oracle")',
      'databases[0].tables[0]: unknown key "bacthSize"; did you mean "batchSize"?',
      'databases[1].tables[0].batchSize: must be a positive integer',
      'databases[1].tables[1].name: names the same table as tables[0].name',
      'databases[1].name: is already the name of databases[0]',
    ]);
  });
});
