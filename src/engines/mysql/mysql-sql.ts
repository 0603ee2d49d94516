import type { ColumnInfo, ExtractQuery, TableInfo } from '../engine';

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
 * A placeholder that compares a text-form key value against its column without going through a double: MySQL
 * compares an integer column with a string as floating point, which is wrong above 2^53.
 */
export function keyPlaceholder(column: ColumnInfo): string {
  const type = column.dataType.toLowerCase();
  if (/^(tiny|small|medium|big)?int\b/.test(type)) {
    return type.includes('unsigned') ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
  }
  const decimal = /^decimal\((\d+),(\d+)\)/.exec(type);
  if (decimal) return `CAST(? AS DECIMAL(${decimal[1]},${decimal[2]}))`;
  return '?';
}

type Predicate = Omit<ExtractQuery, 'afterKey' | 'limit'>;

export function predicateSql(query: Predicate): { sql: string; params: unknown[] } {
  const parts = [`${quoteIdent(query.timestampColumn)} < ?`];
  if (query.where) parts.push(`(${query.where})`);
  return { sql: parts.join(' AND '), params: [mysqlDateTime(query.cutoff)] };
}

function columnOf(table: TableInfo, name: string): ColumnInfo {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new Error(`primary-key column ${name} missing from ${table.qualifiedName}`);
  return column;
}

/**
 * `(a, b) > (x, y)` written out as `a > x OR (a = x AND b > y)`: MariaDB does not turn a row-value comparison
 * into an index range, but it does use the expanded form.
 */
export function keysetSql(table: TableInfo, afterKey: string[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const disjuncts = table.primaryKey.map((name, i) => {
    const terms = table.primaryKey.slice(0, i + 1).map((keyName, j) => {
      params.push(afterKey[j]);
      const op = j === i ? '>' : '=';
      return `${quoteIdent(keyName)} ${op} ${keyPlaceholder(columnOf(table, keyName))}`;
    });
    return `(${terms.join(' AND ')})`;
  });
  return { sql: `(${disjuncts.join(' OR ')})`, params };
}

export function keyEqualsSql(table: TableInfo, key: string[]): { sql: string; params: unknown[] } {
  const terms = table.primaryKey.map(
    (name) => `${quoteIdent(name)} = ${keyPlaceholder(columnOf(table, name))}`,
  );
  return { sql: `(${terms.join(' AND ')})`, params: [...key] };
}

export function selectBatchSql(query: ExtractQuery): { sql: string; params: unknown[] } {
  const { table } = query;
  const predicate = predicateSql(query);
  let where = predicate.sql;
  const params = [...predicate.params];
  if (query.afterKey) {
    const keyset = keysetSql(table, query.afterKey);
    where += ` AND ${keyset.sql}`;
    params.push(...keyset.params);
  }
  const columns = table.columns.map((c) => quoteIdent(c.name)).join(', ');
  const order = table.primaryKey.map(quoteIdent).join(', ');
  const sql = `SELECT ${columns} FROM ${qualifiedTable(table)} WHERE ${where} ORDER BY ${order} LIMIT ${Number(query.limit)}`;
  return { sql, params };
}
