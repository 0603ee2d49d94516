import type { TableInfo } from '../../../src/engines';
import * as pg from '../../../src/engines/postgres/postgres-sql';
import * as my from '../../../src/engines/mysql/mysql-sql';

const table = (schema: string, pk: string[]): TableInfo => ({
  schema,
  name: 'order"s`',
  qualifiedName: `${schema}.order"s\``,
  columns: [
    { name: 'tenant', dataType: 'bigint(20) unsigned', nullable: false },
    { name: 'id', dataType: 'int(11)', nullable: false },
    { name: 'created_at', dataType: 'datetime(6)', nullable: false },
  ],
  primaryKey: pk,
  indexes: [],
});

const cutoff = new Date('2026-01-02T03:04:05.678Z');

describe('PostgreSQL batch SQL', () => {
  it('quotes identifiers by doubling embedded double quotes', () => {
    expect(pg.quoteIdent('a"b')).toBe('"a""b"');
  });

  it('seeks past the last key with a row-value comparison on a composite key, never OFFSET', () => {
    const { sql, params } = pg.selectBatchSql({
      table: table('public', ['tenant', 'id']),
      timestampColumn: 'created_at',
      cutoff,
      where: "status = 'done'",
      afterKey: ['7', '42'],
      limit: 500,
    });
    expect(sql).toContain(`("tenant", "id") > ($2, $3)`);
    expect(sql).toContain(`ORDER BY "tenant", "id" LIMIT $4`);
    expect(sql).toContain(`"created_at" < $1::timestamptz AND (status = 'done')`);
    expect(sql).toContain(`FROM "public"."order""s\`"`);
    expect(sql).not.toMatch(/OFFSET/i);
    expect(params).toEqual(['2026-01-02T03:04:05.678Z', '7', '42', 500]);
  });

  it('reads the first batch without a keyset condition', () => {
    const { sql } = pg.selectBatchSql({
      table: table('public', ['id']),
      timestampColumn: 'created_at',
      cutoff,
      afterKey: null,
      limit: 1,
    });
    expect(sql).not.toContain(') > (');
  });

  it('fingerprints the row version read by the extract and by the guarded delete alike', () => {
    const { sql } = pg.selectBatchSql({
      table: table('public', ['id']),
      timestampColumn: 'created_at',
      cutoff,
      afterKey: null,
      limit: 1,
    });
    expect(sql).toMatch(/^SELECT \(xmin::text \|\| ':' \|\| ctid::text\), /);
    const deleteSql = pg.guardedDeleteSql(table('public', ['tenant', 'id']));
    expect(deleteSql).toContain(
      `USING unnest($1::bigint(20) unsigned[], $2::int(11)[], $3::text[]) AS m("__key0", "__key1", "__hash")`,
    );
    expect(deleteSql).toContain(
      `"__archived_row"."tenant" = m."__key0" AND "__archived_row"."id" = m."__key1" AND ` +
        `("__archived_row".xmin::text || ':' || "__archived_row".ctid::text) = m."__hash"`,
    );
    expect(deleteSql).toMatch(
      /RETURNING \("__archived_row"\."tenant"\)::text, \("__archived_row"\."id"\)::text$/,
    );
  });
});

describe('MySQL batch SQL', () => {
  it('quotes identifiers by doubling embedded backticks', () => {
    expect(my.quoteIdent('a`b')).toBe('`a``b`');
  });

  it('expands a composite keyset into an OR of prefixes, casting integer keys so big values stay exact', () => {
    const { sql, params } = my.selectBatchSql({
      table: table('shop', ['tenant', 'id']),
      timestampColumn: 'created_at',
      cutoff,
      afterKey: ['18446744073709551615', '42'],
      limit: 500,
    });
    expect(sql).toContain(
      '((`tenant` > CAST(? AS UNSIGNED)) OR (`tenant` = CAST(? AS UNSIGNED) AND `id` > CAST(? AS SIGNED)))',
    );
    expect(sql).toContain('ORDER BY `tenant`, `id` LIMIT 500');
    expect(params).toEqual([
      '2026-01-02 03:04:05.678000',
      '18446744073709551615',
      '18446744073709551615',
      '42',
    ]);
  });

  it('writes the cutoff in the DATETIME(6) literal form, in UTC', () => {
    expect(my.mysqlDateTime(new Date('2026-11-26T14:00:00.123Z'))).toBe('2026-11-26 14:00:00.123000');
  });

  it('scans archive-only tables in (timestamp, key) order after a position, with the timestamp range first', () => {
    const { sql, params } = my.selectBatchSql({
      table: table('shop', ['tenant', 'id']),
      timestampColumn: 'created_at',
      cutoff,
      order: 'timestamp',
      afterPosition: { timestamp: '2025-06-01 10:00:00.000000', key: ['7', '42'] },
      afterKey: ['ignored in timestamp order'],
      limit: 500,
    });
    expect(sql).toContain(
      '`created_at` < ? AND `created_at` >= ? AND ((`created_at` > ?) OR (`created_at` = ? AND `tenant` > ' +
        'CAST(? AS UNSIGNED)) OR (`created_at` = ? AND `tenant` = CAST(? AS UNSIGNED) AND `id` > CAST(? AS SIGNED)))',
    );
    expect(sql).toContain('ORDER BY `created_at`, `tenant`, `id` LIMIT 500');
    const ts = '2025-06-01 10:00:00.000000';
    expect(params).toEqual(['2026-01-02 03:04:05.678000', ts, ts, ts, '7', ts, '7', '42']);
  });
});

describe('PostgreSQL scan in timestamp order', () => {
  it('seeks past (timestamp, key) with one row-value comparison, each value cast to its column type', () => {
    const { sql, params } = pg.selectBatchSql({
      table: table('public', ['tenant', 'id']),
      timestampColumn: 'created_at',
      cutoff,
      order: 'timestamp',
      afterPosition: { timestamp: '2025-06-01 10:00:00+00', key: ['7', '42'] },
      afterKey: null,
      limit: 10,
    });
    expect(sql).toContain(
      `("created_at", "tenant", "id") > ($2::datetime(6), $3::bigint(20) unsigned, $4::int(11))`,
    );
    expect(sql).toContain(`ORDER BY "created_at", "tenant", "id" LIMIT $5`);
    expect(params).toEqual(['2026-01-02T03:04:05.678Z', '2025-06-01 10:00:00+00', '7', '42', 10]);
  });

  it('reads the first batch of a table without a position in timestamp order, without a seek', () => {
    const { sql } = pg.selectBatchSql({
      table: table('public', ['id']),
      timestampColumn: 'created_at',
      cutoff,
      order: 'timestamp',
      afterPosition: null,
      afterKey: null,
      limit: 1,
    });
    expect(sql).not.toContain(') > (');
    expect(sql).toContain('ORDER BY "created_at", "id"');
  });
});

describe('textArrayLiteral', () => {
  it('writes the literal pg itself sends for an array of strings', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { prepareValue } = require('pg/lib/utils') as { prepareValue: (v: unknown) => string };
    for (const values of [
      [],
      ['1', '42', '9223372036854775807'],
      ['', 'NULL', 'a,b', '{x}', ' sp ', 'q"uote', 'back\\slash', '\\"', 'é😀', '123:(0,4)'],
    ])
      expect(pg.textArrayLiteral(values)).toBe(prepareValue(values));
  });
});
