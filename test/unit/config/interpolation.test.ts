import { ConfigError, parseConfig } from '../../../src/config';

/** A valid file with `${...}` placeholders where a test puts them. */
function withTable(table: string, database = 'url: postgres://h/shop'): string {
  return `
storage: { bucket: archive }
databases:
  - name: shop
    engine: postgres
    ${database}
    tables:
      - ${table}
`;
}

const firstTable = (text: string, env: NodeJS.ProcessEnv) =>
  parseConfig(text, 'test.yaml', env).databases[0]?.tables[0];

function problemLines(text: string, env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(text, 'test.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.format().split('\n').slice(1);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('${VAR} interpolation', () => {
  it('replaces a variable anywhere inside a string value', () => {
    const text = withTable(TABLE, 'url: "postgres://app:${DB_PASSWORD}@${DB_HOST}:5432/shop"');
    const config = parseConfig(text, 'test.yaml', { DB_PASSWORD: 'pw', DB_HOST: 'db.internal' });
    expect(config.databases[0]?.url).toBe('postgres://app:pw@db.internal:5432/shop');
  });

  it('uses the default after :- when the variable is unset or empty, as sh does', () => {
    const table = '{ name: events, timestampColumn: "${TS_COLUMN:-created_at}", olderThan: "${AGE:-90d}" }';
    expect(firstTable(withTable(table), {})).toMatchObject({
      timestampColumn: 'created_at',
      olderThan: '90d',
    });
    expect(firstTable(withTable(table), { TS_COLUMN: '', AGE: '30d' })).toMatchObject({
      timestampColumn: 'created_at',
      olderThan: '30d',
      olderThanMs: 30 * 86_400_000,
    });
  });

  it('keeps a literal ${ written as $${', () => {
    const table = `{ name: events, timestampColumn: created_at, olderThan: 90d, where: "note <> '$\${HOME}' and tag = '\${TAG}'" }`;
    expect(firstTable(withTable(table), { HOME: '/root', TAG: 'x' })?.where).toBe(
      "note <> '${HOME}' and tag = 'x'",
    );
  });

  it('reads an unquoted value as the number or boolean it spells, and a quoted one as text', () => {
    // Block style: in a flow mapping `{ ... }` the braces of an unquoted ${VAR} would end the mapping.
    const table = (batchSize: string) => `name: events
        timestampColumn: created_at
        olderThan: 90d
        batchSize: ${batchSize}
        delete: \${DELETE:-false}`;
    expect(firstTable(withTable(table('${BATCH}')), { BATCH: '250' })).toMatchObject({
      batchSize: 250,
      delete: false,
    });
    expect(problemLines(withTable(table('"${BATCH}"')), { BATCH: '250' })).toEqual([
      'databases[0].tables[0].batchSize: must be a positive integer',
    ]);
  });

  it('cannot add keys or sections: a value with YAML syntax stays one string', () => {
    const table = `name: events
        timestampColumn: created_at
        olderThan: 90d
        where: \${EXTRA}`;
    const injected = "status = 'done'\n        batchSize: 1\nlock: { backend: redis }";
    const config = parseConfig(withTable(table), 'test.yaml', { EXTRA: injected });
    expect(config.databases[0]?.tables[0]).toMatchObject({ where: injected, batchSize: 5000 });
    expect(config.lock.backend).toBe('none');
  });

  it('does not interpolate keys', () => {
    const table = '{ name: events, timestampColumn: created_at, olderThan: 90d, "${KEY}": 1 }';
    expect(problemLines(withTable(table), { KEY: 'batchSize' })).toEqual([
      'databases[0].tables[0]: unknown key "${KEY}"; expected one of name, timestampColumn, olderThan, where, batchSize, delete, drift, verify',
    ]);
  });

  it('reports every unset variable at its key, one problem each', () => {
    const text = withTable(
      '{ name: "${SCHEMA}.events", timestampColumn: created_at, olderThan: 90d }',
      'url: ${URL_A}${URL_B}',
    );
    expect(problemLines(text, {})).toEqual([
      'databases[0].url: environment variable URL_A is not set',
      'databases[0].url: environment variable URL_B is not set',
      'databases[0].tables[0].name: environment variable SCHEMA is not set',
    ]);
  });

  it('reports malformed references without repeating them', () => {
    const table = '{ name: events, timestampColumn: "${1COLUMN}", olderThan: "${AGE" }';
    expect(problemLines(withTable(table), {})).toEqual([
      'databases[0].tables[0].timestampColumn: has an invalid variable reference; write ${NAME} or ${NAME:-default}',
      'databases[0].tables[0].olderThan: has "${" without a closing "}"; write "$${" for a literal "${"',
    ]);
  });
});

const TABLE = '{ name: events, timestampColumn: created_at, olderThan: 90d }';
