import type { PoolConnection } from 'mysql2/promise';
import type { ColumnInfo, TableInfo } from '../engine';
import { MissingPrimaryKeyError, TableNotFoundError } from '../../errors';

interface ColumnRow {
  name: string;
  data_type: string;
  nullable: string;
}

/** Resolves `db.table`, or a bare `table` in the connection's default database. */
export async function introspectTable(conn: PoolConnection, configured: string): Promise<TableInfo> {
  const dot = configured.indexOf('.');
  let schema: string;
  const name = dot < 0 ? configured : configured.slice(dot + 1);
  if (dot < 0) {
    const [rows] = await conn.query('SELECT DATABASE() AS db');
    schema = String((rows as { db: string | null }[])[0]?.db ?? '');
  } else {
    schema = configured.slice(0, dot);
  }
  const [columns] = await conn.query(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS data_type, IS_NULLABLE AS nullable
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [schema, name],
  );
  const columnRows = columns as ColumnRow[];
  if (columnRows.length === 0) throw new TableNotFoundError('mysql', `${schema}.${name}`);
  const [pk] = await conn.query(
    `SELECT COLUMN_NAME AS name
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'
      ORDER BY SEQ_IN_INDEX`,
    [schema, name],
  );
  const qualifiedName = `${schema}.${name}`;
  const pkRows = pk as { name: string }[];
  if (pkRows.length === 0) throw new MissingPrimaryKeyError(qualifiedName);
  return {
    schema,
    name,
    qualifiedName,
    columns: columnRows.map((r): ColumnInfo => ({
      name: r.name,
      dataType: r.data_type,
      nullable: r.nullable === 'YES',
    })),
    primaryKey: pkRows.map((r) => r.name),
  };
}
