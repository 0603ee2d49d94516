import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../../src/config';

const fixture = (name: string) => join(__dirname, '..', '..', 'fixtures', 'config', name);

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

describe('loadConfig', () => {
  it('loads the DESIGN.md example with every key as written', () => {
    const config = loadConfig(fixture('valid.yaml'), {});
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'archiver',
    });
    expect(config.storage).toEqual({
      bucket: 'archive',
      prefix: 'prod',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      multipartThresholdBytes: 16 * 1024 * 1024,
      partSizeBytes: 8 * 1024 * 1024,
      compression: 'zstd',
      compressionLevel: 1,
    });
    expect(config.run).toEqual({ concurrency: 2, heartbeatTimeout: '2m', heartbeatTimeoutMs: 120_000 });
    expect(config.lock).toEqual({
      backend: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/postgres',
      ttl: '2m',
      ttlMs: 120_000,
      refreshEvery: '30s',
      refreshMs: 30_000,
    });
    expect(config.databases).toEqual([
      {
        name: 'shop',
        engine: 'postgres',
        url: 'postgres://postgres@127.0.0.1:5432/shop',
        pool: 4,
        watermarkStore: 's3',
        sleepBetweenBatches: '0s',
        sleepBetweenBatchesMs: 0,
        replicaCheckEvery: '5s',
        replicaCheckEveryMs: 5000,
        tables: [
          {
            name: 'public.events',
            qualifiedName: 'public.events',
            timestampColumn: 'created_at',
            olderThan: '90d',
            olderThanMs: 90 * 86_400_000,
            where: "status = 'done'",
            batchSize: 5000,
            delete: true,
            drift: 'warn',
            verify: { samplePercent: 1, min: 10, max: 1000 },
          },
        ],
      },
    ]);
  });

  it('defaults to zstd, and the level to the chosen compression: 6 for gzip, 1 for zstd', () => {
    const storage = (yaml: string) =>
      parseConfig(
        `storage: ${yaml}\ndatabases:\n  - { name: shop, engine: postgres, url: "postgres://h/shop", tables: [{ name: events, timestampColumn: created_at, olderThan: 90d }] }`,
        'test.yaml',
        {},
      ).storage;
    expect(storage('{ bucket: archive }')).toMatchObject({ compression: 'zstd', compressionLevel: 1 });
    expect(storage('{ bucket: archive, compression: gzip }')).toMatchObject({
      compression: 'gzip',
      compressionLevel: 6,
    });
    expect(storage('{ bucket: archive, compression: zstd, compressionLevel: 19 }')).toMatchObject({
      compressionLevel: 19,
    });
    expect(storage('{ bucket: archive, compression: gzip, compressionLevel: 1 }')).toMatchObject({
      compression: 'gzip',
      compressionLevel: 1,
    });
  });

  it('returns a deeply frozen object that cannot be changed', () => {
    const config = loadConfig(fixture('valid.yaml'), {});
    expect(isDeeplyFrozen(config)).toBe(true);
    expect(() => {
      (config.run as { concurrency: number }).concurrency = 10;
    }).toThrow(TypeError);
  });

  it('fills every default for a minimal file', () => {
    const config = loadConfig(fixture('minimal.yaml'), {});
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'archiver',
    });
    expect(config.storage).toEqual({
      bucket: 'archive',
      prefix: '',
      region: 'us-east-1',
      forcePathStyle: false,
      multipartThresholdBytes: 16 * 1024 * 1024,
      partSizeBytes: 8 * 1024 * 1024,
      compression: 'zstd',
      compressionLevel: 1,
    });
    expect(config.storage).not.toHaveProperty('endpoint');
    expect(config.run).toEqual({ concurrency: 2, heartbeatTimeout: '2m', heartbeatTimeoutMs: 120_000 });
    expect(config.lock).toEqual({
      backend: 'none',
      ttl: '2m',
      ttlMs: 120_000,
      refreshEvery: '30s',
      refreshMs: 30_000,
    });
    const [database] = config.databases;
    expect(database?.pool).toBe(4);
    expect(database?.tables[0]).toEqual({
      name: 'events',
      qualifiedName: 'public.events',
      timestampColumn: 'created_at',
      olderThan: '90d',
      olderThanMs: 7_776_000_000,
      batchSize: 5000,
      delete: true,
      drift: 'warn',
      verify: { samplePercent: 1, min: 10, max: 1000 },
    });
    expect(isDeeplyFrozen(config)).toBe(true);
  });

  it('qualifies a bare MySQL table name with the database the url names', () => {
    const config = parseConfig(
      `
storage: { bucket: archive }
databases:
  - name: legacy
    engine: mysql
    url: mysql://root@127.0.0.1:3306/legacy
    tables:
      - { name: orders, timestampColumn: created_at, olderThan: 52w }
      - { name: audit.log, timestampColumn: at, olderThan: 30d, delete: false, drift: fail }
`,
      'inline.yaml',
      {},
    );
    expect(config.databases[0]?.tables.map((t) => t.qualifiedName)).toEqual(['legacy.orders', 'audit.log']);
    expect(config.databases[0]?.tables[1]).toMatchObject({ delete: false, drift: 'fail' });
  });

  it('lets tables share settings through YAML anchors and merge keys', () => {
    const config = parseConfig(
      `
storage: { bucket: archive }
databases:
  - name: shop
    engine: postgres
    url: postgres://h/shop
    tables:
      - &defaults { name: events, timestampColumn: created_at, olderThan: 30d, batchSize: 1000 }
      - { <<: *defaults, name: clicks }
`,
      'inline.yaml',
      {},
    );
    expect(config.databases[0]?.tables[1]).toMatchObject({
      name: 'clicks',
      olderThan: '30d',
      batchSize: 1000,
    });
  });

  it('reports an unreadable file as a ConfigError naming the path', () => {
    const path = fixture('does-not-exist.yaml');
    const error = catchConfigError(() => loadConfig(path, {}));
    expect(error.source).toBe(path);
    expect(error.message).toBe(`Invalid configuration in ${path}: 1 problem.`);
    expect(error.problems[0]?.message).toMatch(/^cannot read the file: ENOENT/);
  });
});

describe('ConfigError', () => {
  it('says how many problems in one sentence and lists one per line in format()', () => {
    const error = catchConfigError(() =>
      parseConfig('storage: { bucket: archive }\nrun: { concurrency: 0 }\ndatabases: []\n', 'bad.yaml', {}),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
    expect(error.source).toBe('bad.yaml');
    expect(error.message).toBe('Invalid configuration in bad.yaml: 2 problems.');
    expect(error.format().split('\n')).toEqual([
      'Invalid configuration in bad.yaml: 2 problems.',
      'run.concurrency: must be an integer between 1 and 64',
      'databases: must list at least one database',
    ]);
  });
});

function catchConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
