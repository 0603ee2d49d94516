import type { ExtractQuery, TableInfo } from '../engine';
import { selectExpression } from './postgres-columns';

/** Quotes an identifier for PostgreSQL: double quotes, embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualifiedTable(table: TableInfo): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

type Predicate = Omit<ExtractQuery, 'afterKey' | 'limit'>;

/**
 * The archive predicate: timestamp before the cutoff, plus the operator's extra condition. Parameters start at $1.
 * The cutoff travels as an ISO string in UTC; sessions run with TimeZone=UTC so a timestamp without time zone is
 * read as UTC too.
 */
export function predicateSql(query: Predicate): { sql: string; params: unknown[] } {
  const parts = [`${quoteIdent(query.timestampColumn)} < $1::timestamptz`];
  const params: unknown[] = [query.cutoff.toISOString()];
  if (query.notBefore) {
    params.push(query.notBefore.toISOString());
    parts.push(`${quoteIdent(query.timestampColumn)} >= $2::timestamptz`);
  }
  if (query.where) parts.push(`(${query.where})`);
  return { sql: parts.join(' AND '), params };
}

/** The columns in their round-trip text form, aliased to their own names. */
export function selectList(table: TableInfo): string {
  return table.columns.map((c) => `${selectExpression(c)} AS ${quoteIdent(c.name)}`).join(', ');
}

/**
 * The row's fingerprint: md5 of the record built from the same expressions the extract reads, so the guarded
 * delete recomputes exactly what was archived. Its own alias cannot clash with a column: it is compared by the
 * caller through a result column index, not a name.
 */
export function rowHashSql(table: TableInfo): string {
  return `md5(ROW(${table.columns.map(selectExpression).join(', ')})::text)`;
}

export function selectBatchSql(query: ExtractQuery): { sql: string; params: unknown[] } {
  const { table } = query;
  const predicate = predicateSql(query);
  const params = [...predicate.params];
  let where = predicate.sql;
  const pk = table.primaryKey.map(quoteIdent);
  if (query.afterKey) {
    // A row-value comparison is the keyset seek PostgreSQL can run as one index range scan.
    const placeholders = query.afterKey.map((value) => {
      params.push(value);
      return `$${params.length}`;
    });
    where += ` AND (${pk.join(', ')}) > (${placeholders.join(', ')})`;
  }
  params.push(query.limit);
  const sql =
    `SELECT ${rowHashSql(table)}, ${selectList(table)} FROM ${qualifiedTable(table)} WHERE ${where} ` +
    `ORDER BY ${pk.join(', ')} LIMIT $${params.length}`;
  return { sql, params };
}

/**
 * `(pk) IN (SELECT * FROM unnest($1::type[], …))`: a whole chunk of keys as one array parameter per key column,
 * typed from the catalog so the comparison uses the primary-key index.
 */
export function keysInSql(table: TableInfo, firstParam: number): string {
  const types = table.primaryKey.map(
    (name) => table.columns.find((c) => c.name === name)?.dataType ?? 'text',
  );
  const arrays = types.map((type, i) => `$${firstParam + i}::${type}[]`);
  return `(${table.primaryKey.map(quoteIdent).join(', ')}) IN (SELECT * FROM unnest(${arrays.join(', ')}))`;
}

/** Transposes keys (one array per row) into one array per key column, the shape keysInSql binds. */
export function keyColumns(table: TableInfo, keys: readonly string[][]): string[][] {
  return table.primaryKey.map((_, i) => keys.map((key) => key[i] ?? ''));
}
