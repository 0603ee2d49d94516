import type { PoolConnection } from 'mysql2/promise';
import type { ColumnInfo, Row, TableInfo } from '../engine';
import { introspectTable } from './mysql-introspector';
import { qualifiedTable, quoteIdent } from './mysql-sql';
import { fromText, isBinaryColumn } from './mysql-values';

/** Rows per INSERT statement; every statement of one call runs in one transaction. */
const INSERT_CHUNK = 500;

/** MySQL's error number for a duplicate key, the one warning INSERT IGNORE may raise here. */
const ER_DUP_ENTRY = 1062;

/**
 * The strictest binary collation the server has, in order of preference. An archive records column types but
 * not collations, and a restored key must never collide with another one that was distinct in the source: under
 * a binary NO PAD collation two strings are equal only when their bytes are.
 */
const BINARY_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin', 'utf8mb4_bin'];

async function strictestCollation(conn: PoolConnection): Promise<string> {
  const [rows] = await conn.query(
    'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?)',
    [BINARY_COLLATIONS],
  );
  const available = new Set((rows as { name: string }[]).map((r) => r.name));
  return BINARY_COLLATIONS.find((c) => available.has(c)) ?? 'utf8mb4_bin';
}

/**
 * Creates the restore target from the archived schema unless it exists, then describes it from the catalog.
 * Text columns get utf8mb4 with a binary collation (see BINARY_COLLATIONS); MariaDB's JSON is an alias of
 * LONGTEXT and is recreated as such.
 */
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
  const collation = await strictestCollation(conn);
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${name} (${definitions.join(', ')}) DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
  );
  return introspectTable(conn, target);
}

interface InsertResult {
  affectedRows: number;
  warningStatus: number;
}

/**
 * Inserts text-form rows in one transaction; MySQL converts each string with the column type's own rules, which
 * is exact for every type the extract writes as text (FLOAT arrives as its exact DOUBLE text and is stored as
 * the same float32). Binary and BIT values go back as bytes. Existing keys are skipped (INSERT IGNORE), so a
 * restore can be repeated; IGNORE would also turn a value the column cannot hold into a warning and a changed
 * value, so any warning other than a duplicate key rolls the whole call back. Returns how many rows were inserted.
 */
export async function insertRows(
  conn: PoolConnection,
  table: TableInfo,
  rows: readonly Row[],
): Promise<number> {
  const first = rows[0];
  if (first === undefined) return 0;
  const columns = table.columns.filter((c) => c.name in first);
  if (columns.length === 0) return 0;
  const sql = `INSERT IGNORE INTO ${qualifiedTable(table)} (${columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES ?`;
  let inserted = 0;
  await conn.beginTransaction();
  try {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const values = chunk.map((row) => columns.map((c) => fromText(row[c.name] ?? null, isBinaryColumn(c))));
      const [result] = await conn.query(sql, [values]);
      const { affectedRows, warningStatus } = result as InsertResult;
      const duplicates = chunk.length - affectedRows;
      if (warningStatus > duplicates) await failOnWarnings(conn, table);
      inserted += affectedRows;
    }
    await conn.commit();
  } catch (error) {
    await conn.rollback().catch(() => undefined);
    throw error;
  }
  return inserted;
}

async function failOnWarnings(conn: PoolConnection, table: TableInfo): Promise<never> {
  const [warnings] = await conn.query('SHOW WARNINGS');
  const other = (warnings as { Code: number; Message: string }[]).filter(
    (w) => Number(w.Code) !== ER_DUP_ENTRY,
  );
  const detail = other.map((w) => `${w.Code} ${w.Message}`).join('; ') || 'see SHOW WARNINGS';
  throw new Error(
    `restoring into ${table.qualifiedName} would change values (${detail}); nothing was inserted`,
  );
}
