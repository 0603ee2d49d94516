import type { PoolConnection } from 'mysql2/promise';
import type { ColumnInfo, IndexInfo, TableInfo } from '../engine';
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
  const [indexRows] = await conn.query(
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [schema, name],
  );
  const indexes = new Map<string, IndexInfo>();
  for (const row of indexRows as { name: string; non_unique: string | number; column_name: string }[]) {
    const index = indexes.get(row.name) ?? {
      name: row.name,
      columns: [],
      unique: Number(row.non_unique) === 0,
    };
    index.columns.push(row.column_name);
    indexes.set(row.name, index);
  }
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
    indexes: [...indexes.values()],
  };
}
