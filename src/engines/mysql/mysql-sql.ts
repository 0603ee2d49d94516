import type { ColumnInfo, ExtractQuery, RowPosition, TableInfo } from '../engine';
import { selectExpression } from './mysql-columns';
import { isBinaryColumn } from './mysql-values';

/** Quotes an identifier for MySQL/MariaDB: backticks, embedded backticks doubled. */
export function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function qualifiedTable(table: TableInfo): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/** `2026-01-02 03:04:05.678000`: the literal form DATETIME(6) and TIMESTAMP(6) compare against exactly. */
export function mysqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '000');
}

/**
 * A placeholder and its bound value for a text-form key. Integers are cast because MySQL compares an integer
 * column with a string as floating point, which is wrong above 2^53; binary keys travel as hex.
 */
export function keyParam(column: ColumnInfo, text: string): { sql: string; value: unknown } {
  const type = column.dataType.toLowerCase();
  if (/^(tiny|small|medium|big)?int\b/.test(type)) {
    return { sql: type.includes('unsigned') ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)', value: text };
  }
  const decimal = /^decimal\((\d+),(\d+)\)/.exec(type);
  if (decimal) return { sql: `CAST(? AS DECIMAL(${decimal[1]},${decimal[2]}))`, value: text };
  if (isBinaryColumn(column)) return { sql: 'UNHEX(?)', value: text.replace(/^\\x/, '') };
  return { sql: '?', value: text };
}

type Predicate = Omit<ExtractQuery, 'afterKey' | 'limit'>;

export function predicateSql(query: Predicate): { sql: string; params: unknown[] } {
  const parts = [`${quoteIdent(query.timestampColumn)} < ?`];
  const params: unknown[] = [mysqlDateTime(query.cutoff)];
  if (query.notBefore) {
    params.push(mysqlDateTime(query.notBefore));
    parts.push(`${quoteIdent(query.timestampColumn)} >= ?`);
  }
  if (query.where) parts.push(`(${query.where})`);
  return { sql: parts.join(' AND '), params };
}

function keyColumns(table: TableInfo): ColumnInfo[] {
  return table.primaryKey.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw new Error(`primary-key column ${name} missing from ${table.qualifiedName}`);
    return column;
  });
}

/**
 * `(a, b) > (x, y)` written out as `a > x OR (a = x AND b > y)`: MariaDB does not turn a row-value comparison
 * into an index range, but it does use the expanded form.
 */
function seekSql(
  columns: readonly ColumnInfo[],
  values: readonly string[],
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const disjuncts = columns.map((_, i) => {
    const terms = columns.slice(0, i + 1).map((column, j) => {
      const param = keyParam(column, values[j] ?? '');
      params.push(param.value);
      return `${quoteIdent(column.name)} ${j === i ? '>' : '='} ${param.sql}`;
    });
    return `(${terms.join(' AND ')})`;
  });
  return { sql: `(${disjuncts.join(' OR ')})`, params };
}

/** Rows whose primary key sorts after `afterKey`. */
export function keysetSql(table: TableInfo, afterKey: string[]): { sql: string; params: unknown[] } {
  return seekSql(keyColumns(table), afterKey);
}

/**
 * Rows whose (timestamp, primary key) sorts after `position`. The leading `ts >= ?` repeats what the
 * disjunction implies, as the range the optimizer reads from an index on the timestamp column (InnoDB's secondary
 * indexes end with the primary key, so one on the timestamp alone is already in this order).
 */
export function positionSql(
  table: TableInfo,
  timestampColumn: string,
  position: RowPosition,
): { sql: string; params: unknown[] } {
  const ts = table.columns.find((c) => c.name === timestampColumn);
  if (!ts) throw new Error(`timestamp column ${timestampColumn} missing from ${table.qualifiedName}`);
  const seek = seekSql([ts, ...keyColumns(table)], [position.timestamp, ...position.key]);
  return { sql: `${quoteIdent(ts.name)} >= ? AND ${seek.sql}`, params: [position.timestamp, ...seek.params] };
}

const SIGNED_INTEGER = /^-?[0-9]{1,20}$/;
const UNSIGNED_INTEGER = /^[0-9]{1,20}$/;

/**
 * For an integer column, a function that gives a key's text as an SQL literal when it is plainly an integer (else
 * null): the server reads an integer literal exactly (no floating point, unlike a string compared with an integer
 * column), and 10,000 literals cost the driver no escaping and the server no CAST per key. Null when the column is
 * not an integer. The column's type is read once, not per key.
 */
export function integerKeyLiterals(column: ColumnInfo): ((text: string) => string | null) | null {
  const type = column.dataType.toLowerCase();
  if (!/^(tiny|small|medium|big)?int\b/.test(type)) return null;
  const digits = type.includes('unsigned') ? UNSIGNED_INTEGER : SIGNED_INTEGER;
  return (text) => (digits.test(text) ? text : null);
}

/** A one-column integer primary key, the shape whose batches can be locked and deleted as a key range. */
export function integerKeyColumn(table: TableInfo): ColumnInfo | null {
  const columns = keyColumns(table);
  const type = columns.length === 1 ? columns[0]!.dataType.toLowerCase() : '';
  return /^(tiny|small|medium|big)?int\b/.test(type) ? columns[0]! : null;
}

/** Matches any of the given keys: `id IN (…)` for a one-column key, an OR of equalities otherwise. */
export function keysInSql(table: TableInfo, keys: readonly string[][]): { sql: string; params: unknown[] } {
  const columns = keyColumns(table);
  const params: unknown[] = [];
  if (columns.length === 1) {
    const column = columns[0]!;
    const literalOf = integerKeyLiterals(column);
    const placeholders = keys.map((key) => {
      const literal = literalOf?.(key[0] ?? '') ?? null;
      if (literal !== null) return literal;
      const param = keyParam(column, key[0] ?? '');
      params.push(param.value);
      return param.sql;
    });
    return { sql: `${quoteIdent(column.name)} IN (${placeholders.join(', ')})`, params };
  }
  const disjuncts = keys.map((key) => {
    const terms = columns.map((column, i) => {
      const param = keyParam(column, key[i] ?? '');
      params.push(param.value);
      return `${quoteIdent(column.name)} = ${param.sql}`;
    });
    return `(${terms.join(' AND ')})`;
  });
  return { sql: `(${disjuncts.join(' OR ')})`, params };
}

export function selectList(table: TableInfo): string {
  return table.columns.map((c) => `${selectExpression(c)} AS ${quoteIdent(c.name)}`).join(', ');
}

/**
 * The row's fingerprint: MD5 over every column's QUOTE()d text (QUOTE keeps NULL apart from the string 'NULL'),
 * built from the same expressions the extract reads, so the guarded delete recomputes exactly what was archived.
 */
export function rowHashSql(table: TableInfo): string {
  return `MD5(CONCAT_WS(',', ${table.columns.map((c) => `QUOTE(${selectExpression(c)})`).join(', ')}))`;
}

type ScanQuery = Omit<ExtractQuery, 'afterKey' | 'limit'> & { afterKey?: string[] | null };

/** The candidate predicate with the scan's seek past its position, and the scan's ORDER BY list. */
export function scanSql(query: ScanQuery): { where: string; params: unknown[]; order: string } {
  const { table } = query;
  const predicate = predicateSql(query);
  let where = predicate.sql;
  const params = [...predicate.params];
  const byTimestamp = query.order === 'timestamp';
  const seek = byTimestamp
    ? query.afterPosition && positionSql(table, query.timestampColumn, query.afterPosition)
    : query.afterKey && keysetSql(table, query.afterKey);
  if (seek) {
    where += ` AND ${seek.sql}`;
    params.push(...seek.params);
  }
  const order = (byTimestamp ? [query.timestampColumn, ...table.primaryKey] : table.primaryKey)
    .map(quoteIdent)
    .join(', ');
  return { where, params, order };
}

export function selectBatchSql(query: ExtractQuery): { sql: string; params: unknown[] } {
  const { where, params, order } = scanSql(query);
  const sql =
    `SELECT ${rowHashSql(query.table)}, ${selectList(query.table)} FROM ${qualifiedTable(query.table)} ` +
    `WHERE ${where} ORDER BY ${order} LIMIT ${Number(query.limit)}`;
  return { sql, params };
}
