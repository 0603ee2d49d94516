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
 * The row's fingerprint: the identity of the row version, `xmin:ctid` (the transaction that wrote this version, and
 * where it lies). Every UPDATE writes a new version with a new xmin, so an unchanged fingerprint means the row is
 * exactly the version that was read and archived, while reading it costs nothing (a hash over the row's text
 * took as long as the rest of the extract). A version that VACUUM FULL moved or freezing relabelled compares
 * unequal: the row is kept and archived again later, never deleted unseen. `qualifier` is the table's alias in
 * statements that join it.
 */
export function rowHashSql(table: TableInfo, qualifier?: string): string {
  void table;
  const q = qualifier ? `${quoteIdent(qualifier)}.` : '';
  return `(${q}xmin::text || ':' || ${q}ctid::text)`;
}

/** A column's catalog type, for casting a text value to it. */
function columnType(table: TableInfo, name: string): string {
  return table.columns.find((c) => c.name === name)?.dataType ?? 'text';
}

/** The catalog types of the primary-key columns, in key order. */
function keyTypes(table: TableInfo): string[] {
  return table.primaryKey.map((name) => columnType(table, name));
}

/**
 * The guarded delete as one statement: deletes the rows whose key is in the chunk and whose fingerprint, computed
 * over the row version the DELETE has locked, equals the archived one, and returns their keys in the archive's
 * text form. Binds one array per key column ($1…$n) and the fingerprints ($n+1). Under READ COMMITTED a row
 * changed by a concurrent transaction is re-read after its lock is granted and the condition is checked again
 * against the new version (PostgreSQL's EvalPlanQual), so a changed row is never deleted. The aliases keep the
 * table's own column names apart from the key list's.
 */
export function guardedDeleteSql(table: TableInfo): string {
  const target = '__archived_row';
  const types = keyTypes(table);
  const keyNames = types.map((_, i) => quoteIdent(`__key${i}`));
  const arrays = types.map((type, i) => `$${i + 1}::${type}[]`);
  arrays.push(`$${types.length + 1}::text[]`);
  const matchKey = table.primaryKey.map(
    (k, i) => `${quoteIdent(target)}.${quoteIdent(k)} = m.${keyNames[i]}`,
  );
  const returned = table.primaryKey.map((k) => {
    const column = table.columns.find((c) => c.name === k) ?? { name: k, dataType: 'text', nullable: false };
    return `(${selectExpression(column, target)})::text`;
  });
  return (
    `DELETE FROM ${qualifiedTable(table)} AS ${quoteIdent(target)} ` +
    `USING unnest(${arrays.join(', ')}) AS m(${[...keyNames, '"__hash"'].join(', ')}) ` +
    `WHERE ${matchKey.join(' AND ')} AND ${rowHashSql(table, target)} = m."__hash" ` +
    `RETURNING ${returned.join(', ')}`
  );
}

type ScanQuery = Omit<ExtractQuery, 'afterKey' | 'limit'> & { afterKey?: string[] | null };

/** The candidate predicate with the scan's seek past its position, and the scan's ORDER BY list. */
export function scanSql(query: ScanQuery): { where: string; params: unknown[]; order: string } {
  const { table } = query;
  const predicate = predicateSql(query);
  const params = [...predicate.params];
  let where = predicate.sql;
  const byTimestamp = query.order === 'timestamp';
  const order = (byTimestamp ? [query.timestampColumn, ...table.primaryKey] : table.primaryKey).map(
    quoteIdent,
  );
  const after = byTimestamp
    ? query.afterPosition && [query.afterPosition.timestamp, ...query.afterPosition.key]
    : query.afterKey;
  if (after) {
    // A row-value comparison is the keyset seek PostgreSQL can run as one index range scan. In timestamp order
    // each value is cast to its column's own type: the timestamp's text form is compared as that type exactly
    // (not as text, and not through timestamptz for a column without time zone).
    const types = byTimestamp ? [columnType(table, query.timestampColumn), ...keyTypes(table)] : [];
    const placeholders = after.map((value, i) => {
      params.push(value);
      return types[i] ? `$${params.length}::${types[i]}` : `$${params.length}`;
    });
    where += ` AND (${order.join(', ')}) > (${placeholders.join(', ')})`;
  }
  return { where, params, order: order.join(', ') };
}

export function selectBatchSql(query: ExtractQuery): { sql: string; params: unknown[] } {
  const { where, params, order } = scanSql(query);
  params.push(query.limit);
  const sql =
    `SELECT ${rowHashSql(query.table)}, ${selectList(query.table)} FROM ${qualifiedTable(query.table)} ` +
    `WHERE ${where} ORDER BY ${order} LIMIT $${params.length}`;
  return { sql, params };
}

/**
 * `(pk) IN (SELECT * FROM unnest($1::type[], …))`: a whole chunk of keys as one array parameter per key column,
 * typed from the catalog so the comparison uses the primary-key index.
 */
export function keysInSql(table: TableInfo, firstParam: number): string {
  const types = keyTypes(table);
  const arrays = types.map((type, i) => `$${firstParam + i}::${type}[]`);
  return `(${table.primaryKey.map(quoteIdent).join(', ')}) IN (SELECT * FROM unnest(${arrays.join(', ')}))`;
}

/**
 * A text array literal, `{"a","b\"c"}`: what pg sends for an array of strings, built without its per-element type
 * checks and two replaces. Every element is quoted, so commas, braces, spaces and `NULL` stay text.
 */
export function textArrayLiteral(values: readonly string[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    literal += `${i === 0 ? '' : ','}"${/["\\]/.test(value) ? value.replace(/["\\]/g, '\\$&') : value}"`;
  }
  return literal + '}';
}

/** Transposes keys (one array per row) into one array per key column, the shape keysInSql binds. */
export function keyColumns(table: TableInfo, keys: readonly string[][]): string[][] {
  return table.primaryKey.map((_, i) => keys.map((key) => key[i] ?? ''));
}
