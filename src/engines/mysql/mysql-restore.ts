import type { PoolConnection } from 'mysql2/promise';
import type { ColumnInfo, Row, TableInfo } from '../engine';
import { introspectTable } from './mysql-introspector';
import { qualifiedTable, quoteIdent } from './mysql-sql';
import { isBinaryColumn } from './mysql-values';

/** Creates the restore target from the archived schema unless it exists, then describes it from the catalog. */
export async function ensureTable(
  conn: PoolConnection,
  target: string,
  columns: readonly ColumnInfo[],
  primaryKey: readonly string[],
): Promise<TableInfo> {
  const dot = target.indexOf('.');
  const name =
    dot < 0 ? quoteIdent(target) : `${quoteIdent(target.slice(0, dot))}.${quoteIdent(target.slice(dot + 1))}`;
  const definitions = columns.map(
    (c) => `${quoteIdent(c.name)} ${c.dataType}${c.nullable ? ' NULL' : ' NOT NULL'}`,
  );
  definitions.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(', ')})`);
  await conn.query(`CREATE TABLE IF NOT EXISTS ${name} (${definitions.join(', ')}) DEFAULT CHARSET=utf8mb4`);
  return introspectTable(conn, target);
}

/**
 * Inserts text-form rows; MySQL converts each string with the column type's own rules, which is exact for
 * every type the extract writes as text. Binary values go back as bytes. Existing keys are skipped (INSERT
 * IGNORE), so a restore can be repeated.
 */
export async function insertRows(
  conn: PoolConnection,
  table: TableInfo,
  rows: readonly Row[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = table.columns.filter((c) => c.name in (rows[0] ?? {}));
  const values = rows.map((row) =>
    columns.map((c) => {
      const text = row[c.name] ?? null;
      return text !== null && isBinaryColumn(c) ? Buffer.from(text.replace(/^\\x/, ''), 'hex') : text;
    }),
  );
  const [result] = await conn.query(
    `INSERT IGNORE INTO ${qualifiedTable(table)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES ?`,
    [values],
  );
  return (result as { affectedRows: number }).affectedRows;
}
