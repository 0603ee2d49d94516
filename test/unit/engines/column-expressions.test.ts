import type { ColumnInfo } from '../../../src/engines';
import * as pg from '../../../src/engines/postgres/postgres-columns';
import { castExpression } from '../../../src/engines/postgres/postgres-restore';
import * as my from '../../../src/engines/mysql/mysql-columns';
import { fromText, isBinaryColumn, toText } from '../../../src/engines/mysql/mysql-values';

const column = (name: string, dataType: string): ColumnInfo => ({ name, dataType, nullable: true });

describe('PostgreSQL read expressions and restore casts', () => {
  it('reads money as numeric, which does not depend on lc_monetary', () => {
    expect(pg.selectExpression(column('m', 'money'))).toBe('"m"::numeric');
    expect(pg.selectExpression(column('m', 'money[]'))).toBe('"m"::numeric[]');
  });

  it('reads bytea as \\x hex whatever bytea_output says', () => {
    expect(pg.selectExpression(column('b', 'bytea'))).toBe(`(E'\\\\x' || encode("b", 'hex'))`);
  });

  it('reads every other type as its own text output', () => {
    for (const type of [
      'real',
      'double precision',
      'json',
      'timestamp with time zone',
      'interval',
      'integer[]',
    ]) {
      expect(pg.selectExpression(column('c"x', type))).toBe('"c""x"');
    }
  });

  it('casts text back through the type, and money through numeric', () => {
    expect(castExpression('u.v0', 'numeric')).toBe('u.v0::numeric');
    expect(castExpression('u.v0', 'pg_catalog.bpchar')).toBe('u.v0::pg_catalog.bpchar');
    expect(castExpression('u.v0', 'money')).toBe('u.v0::numeric::money');
    expect(castExpression('u.v0', 'money[]')).toBe('u.v0::numeric[]::money[]');
  });
});

describe('MySQL read expressions and values', () => {
  it('reads FLOAT through DOUBLE, whose text identifies the stored float32', () => {
    expect(my.selectExpression(column('f', 'float'))).toBe('CAST(`f` AS DOUBLE)');
    expect(my.selectExpression(column('f', 'float unsigned'))).toBe('CAST(`f` AS DOUBLE)');
  });

  it('keeps a FLOAT(M,D) value that float32 rounding pushed past the column range at the range limit', () => {
    expect(my.selectExpression(column('f', 'float(10,2)'))).toBe(
      'LEAST(GREATEST(CAST(`f` AS DOUBLE), -99999999.99), 99999999.99)',
    );
    expect(my.selectExpression(column('f', 'float(4,0) unsigned'))).toBe(
      'LEAST(GREATEST(CAST(`f` AS DOUBLE), 0), 9999)',
    );
    expect(my.largestFixedPoint(2, 2)).toBe('0.99');
  });

  it('reads DOUBLE, DECIMAL and the rest as the server prints them', () => {
    for (const type of [
      'double',
      'double(30,2)',
      'decimal(65,30)',
      'bigint(20) unsigned',
      'time(6)',
      'bit(10)',
    ]) {
      expect(my.selectExpression(column('c', type))).toBe('`c`');
    }
  });

  it('turns binary values into \\x hex and back into the same bytes, trailing zeros included', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x5c, 0x78, 0x00, 0x00]);
    const text = toText(bytes, true);
    expect(text).toBe('\\x00ff5c780000');
    expect(fromText(text, true)).toEqual(bytes);
    expect(fromText('\\x', true)).toEqual(Buffer.alloc(0));
    expect(fromText(null, true)).toBeNull();
  });

  it('decodes text columns as UTF-8 and sends them back as text', () => {
    expect(toText(Buffer.from('😀 \\x00', 'utf8'), false)).toBe('😀 \\x00');
    expect(fromText('\\x00', false)).toBe('\\x00');
  });

  it('knows which column types hold bytes', () => {
    for (const type of ['binary(8)', 'varbinary(64)', 'tinyblob', 'blob', 'longblob', 'bit(1)']) {
      expect(isBinaryColumn(column('c', type))).toBe(true);
    }
    for (const type of ['char(10)', 'varchar(255)', 'text', 'longtext', "enum('a')", 'json']) {
      expect(isBinaryColumn(column('c', type))).toBe(false);
    }
  });
});
