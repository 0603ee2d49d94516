import { ConfigError, parseConfig } from '../../../src/config';
import { buildFleetInput } from '../../../src/cli/fleet-input';

const TABLE = '{ name: events, timestampColumn: created_at, olderThan: 90d }';

function file(databaseKeys: string, run = ''): string {
  return `storage: { bucket: archive }
${run}
databases:
  - name: shop
    engine: postgres
    url: "postgres://archiver:s3cr3t@db/shop"
${databaseKeys}
    tables: [${TABLE}]
`;
}

function problems(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.format().split('\n').slice(1);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('load protection in the configuration', () => {
  it('is off by default: no sleep, no rate, no replica check, no time limit', () => {
    const config = parseConfig(file(''), 'test.yaml', {});
    expect(config.databases[0]).toMatchObject({ sleepBetweenBatches: '0s', sleepBetweenBatchesMs: 0 });
    expect(config.databases[0]).not.toHaveProperty('maxRowsPerSecond');
    expect(config.databases[0]).not.toHaveProperty('replicaUrl');
    expect(config.run).not.toHaveProperty('maxRunTimeMs');
    const input = buildFleetInput(config, { databases: [], dryRun: false });
    expect(input.databases[0]).not.toHaveProperty('loadProtection');
    expect(input).not.toHaveProperty('maxRunTimeMs');
  });

  it('reads every key, durations with their milliseconds beside them', () => {
    const config = parseConfig(
      file(
        `    sleepBetweenBatches: 250ms
    maxRowsPerSecond: 2000
    maxReplicaLag: 30s
    replicaUrl: "postgres://archiver:r3pl1ca@replica/shop"
    replicaCheckEvery: 10s`,
        'run: { maxRunTime: 4h }',
      ),
      'test.yaml',
      {},
    );
    expect(config.run).toMatchObject({ maxRunTime: '4h', maxRunTimeMs: 4 * 3_600_000 });
    expect(config.databases[0]).toMatchObject({
      sleepBetweenBatches: '250ms',
      sleepBetweenBatchesMs: 250,
      maxRowsPerSecond: 2000,
      maxReplicaLag: '30s',
      maxReplicaLagMs: 30_000,
      replicaUrl: 'postgres://archiver:r3pl1ca@replica/shop',
      replicaCheckEvery: '10s',
      replicaCheckEveryMs: 10_000,
    });
  });

  it('hands the workflows the limits and never the replica URL', () => {
    const config = parseConfig(
      file(
        '    maxRowsPerSecond: 500\n    maxReplicaLag: 1m\n    replicaUrl: "postgres://archiver:r3pl1ca@replica/shop"',
        'run: { maxRunTime: 90m }',
      ),
      'test.yaml',
      {},
    );
    const input = buildFleetInput(config, { databases: [], dryRun: false });
    expect(input.maxRunTimeMs).toBe(90 * 60_000);
    expect(input.databases[0]!.loadProtection).toEqual({
      maxRowsPerSecond: 500,
      replicaLag: { maxMs: 60_000, checkEveryMs: 5_000 },
    });
    expect(JSON.stringify(input)).not.toMatch(/replica\/shop|r3pl1ca/);
  });

  it('refuses maxReplicaLag without replicaUrl, and replicaUrl without maxReplicaLag, saying what to add', () => {
    expect(problems(file('    maxReplicaLag: 30s'))).toEqual([
      'databases[0].replicaUrl: is required when maxReplicaLag is set: add the URL of the replica whose lag to watch, or remove maxReplicaLag',
    ]);
    expect(problems(file('    replicaUrl: "postgres://replica/shop"'))).toEqual([
      'databases[0].maxReplicaLag: is required when replicaUrl is set: add the most replica lag to allow (e.g. maxReplicaLag: 30s), or remove replicaUrl',
    ]);
  });

  it('refuses a replica of another engine, or the database itself, without repeating the URL', () => {
    const wrong = problems(
      file('    maxReplicaLag: 30s\n    replicaUrl: "mysql://root:s3cr3t@replica/shop"'),
    );
    expect(wrong).toEqual([
      "databases[0].replicaUrl: must be a postgres:// or postgresql:// URL for engine postgres: the replica has the database's engine",
    ]);
    const same = problems(
      file('    maxReplicaLag: 30s\n    replicaUrl: "postgres://archiver:s3cr3t@db/shop"'),
    );
    expect(same).toEqual([
      'databases[0].replicaUrl: is the same as url: it must name a replica of the database, not the database',
    ]);
    expect([...wrong, ...same].join('\n')).not.toContain('s3cr3t');
  });

  it('names the key of every other mistake', () => {
    expect(
      problems(
        file(
          '    sleepBetweenBatches: 5\n    maxRowsPerSecond: 0\n    replicaCheckEvery: 0s\n    maxReplicaLag: soon\n    replicaUrl: "postgres://replica/shop"',
          'run: { maxRunTime: 0s }',
        ),
      ),
    ).toEqual([
      'run.maxRunTime: must be longer than zero',
      'databases[0].sleepBetweenBatches: must be a duration like 90d, 12h, 30m (got 5)',
      'databases[0].maxRowsPerSecond: must be a positive integer',
      'databases[0].maxReplicaLag: must be a duration like 90d, 12h, 30m (got "soon")',
      'databases[0].replicaCheckEvery: must be longer than zero',
    ]);
  });
});
