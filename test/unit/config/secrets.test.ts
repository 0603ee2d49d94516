import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigError, LOG_REDACT_PATHS, loadConfig, parseConfig, redactUrl } from '../../../src/config';

const SECRET = 'hunter2-Secret';

function errorText(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(text, 'test.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError)
      return `${error.message}\n${error.format()}\n${JSON.stringify(error.problems)}`;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const TABLE = '{ name: events, timestampColumn: created_at, olderThan: 90d }';

describe('redactUrl', () => {
  it.each([
    ['postgres://u:secret@h/db', 'postgres://u:***@h/db'],
    ['mysql://root:p%40ss@127.0.0.1:3306/shop', 'mysql://root:***@127.0.0.1:3306/shop'],
    ['redis://:token@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['postgres://u:p@ss@h/db', 'postgres://u:***@h/db'],
    [
      'postgres://h/db?user=u&password=secret&sslmode=require',
      'postgres://h/db?user=u&password=***&sslmode=require',
    ],
    ['postgres://postgres@127.0.0.1:5432/shop', 'postgres://postgres@127.0.0.1:5432/shop'],
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
  ])('turns %s into %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe('configuration errors', () => {
  it('never repeat the value of a url key', () => {
    const text = `
storage: { bucket: archive }
databases:
  - { name: a, engine: mysql, url: "postgres://u:${SECRET}@h/db", tables: [${TABLE}] }
  - { name: b, engine: postgres, url: "${SECRET}", tables: [${TABLE}] }
  - { name: c, engine: postgres, url: ["${SECRET}"], tables: [${TABLE}] }
lock: { backend: redis, url: "mysql://u:${SECRET}@h" }
`;
    const message = errorText(text);
    expect(message).toContain(
      'databases[1].url: must be a postgres:// or postgresql:// URL for engine postgres',
    );
    expect(message).toContain('databases[2].url: must be a string');
    expect(message).not.toContain(SECRET);
  });

  it('never repeat values taken from the environment', () => {
    const text = `
storage: { bucket: "\${BUCKET}" }
run: { concurrency: "\${CONCURRENCY}" }
databases:
  - { name: shop, engine: "\${ENGINE}", url: "postgres://h/db", tables: [${TABLE}] }
`;
    const message = errorText(text, { BUCKET: SECRET, CONCURRENCY: SECRET, ENGINE: SECRET });
    expect(message).toContain('databases[0].engine: must be one of postgres, mysql\n');
    expect(message).not.toContain(SECRET);
  });

  it('never repeat a password written where a database entry should be', () => {
    const message = errorText(`storage: { bucket: archive }\ndatabases: ["postgres://u:${SECRET}@h/db"]\n`);
    expect(message).toContain('databases[0]: must be a mapping (got "postgres://u:***@h/db")');
    expect(message).not.toContain(SECRET);
  });

  it('never quote the source around a YAML syntax error', () => {
    const message = errorText(`databases:\n  - url: postgres://u:${SECRET}@h/db\n   engine: postgres\n`);
    expect(message).toContain('YAML syntax error at line');
    expect(message).not.toContain(SECRET);
  });
});

describe('LOG_REDACT_PATHS', () => {
  function capture() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, logger: pino({ redact: LOG_REDACT_PATHS }, stream) };
  }

  it('keeps a pino logger from printing connection-string passwords', () => {
    const config = loadConfig(join(__dirname, '..', '..', 'fixtures', 'config', 'minimal.yaml'), {});
    const withSecrets = {
      ...config,
      lock: { ...config.lock, backend: 'redis', url: `redis://:${SECRET}@h:6379` },
      databases: config.databases.map((d) => ({ ...d, url: `postgres://u:${SECRET}@h/shop` })),
    };
    const { lines, logger } = capture();
    logger.info({ config: withSecrets }, 'configuration loaded');
    logger.info(withSecrets, 'configuration at the top level');
    logger.info({ database: withSecrets.databases[0] }, 'one database');
    logger.info({ url: `postgres://u:${SECRET}@h/shop` }, 'a bare url');
    logger.info({ credentials: { secretAccessKey: SECRET, password: SECRET } }, 'other secrets');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).not.toContain(SECRET);
    expect(lines[0]).toContain('"name":"shop"');
  });

  it('leaves the frozen config itself untouched', () => {
    const config = loadConfig(join(__dirname, '..', '..', 'fixtures', 'config', 'valid.yaml'), {});
    const { lines, logger } = capture();
    logger.info({ config }, 'configuration loaded');
    expect(lines[0]).not.toContain('postgres://postgres@127.0.0.1:5432/shop');
    expect(config.databases[0]?.url).toBe('postgres://postgres@127.0.0.1:5432/shop');
  });
});
