import type { ExtractQuery, TableInfo } from '../engine';

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
  if (query.where) parts.push(`(${query.where})`);
  return { sql: parts.join(' AND '), params: [query.cutoff.toISOString()] };
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
  const columns = table.columns.map((c) => quoteIdent(c.name)).join(', ');
  const sql =
    `SELECT ${columns} FROM ${qualifiedTable(table)} WHERE ${where} ` +
    `ORDER BY ${pk.join(', ')} LIMIT $${params.length}`;
  return { sql, params };
}
