import type { PoolClient } from 'pg';
import type { ColumnInfo, TableInfo } from '../engine';
import { MissingPrimaryKeyError, TableNotFoundError } from '../../errors';

/** Splits `schema.table` (or a bare `table`, meaning `public`) without trusting it as SQL. */
export function splitTableName(configured: string): { schema: string; name: string } {
  const dot = configured.indexOf('.');
  if (dot < 0) return { schema: 'public', name: configured };
  return { schema: configured.slice(0, dot), name: configured.slice(dot + 1) };
}

export async function introspectTable(client: PoolClient, configured: string): Promise<TableInfo> {
  const { schema, name } = splitTableName(configured);
  const columns = await client.query<{ name: string; data_type: string; nullable: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS data_type, NOT a.attnotnull AS nullable
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, name],
  );
  if (columns.rowCount === 0) throw new TableNotFoundError('postgres', `${schema}.${name}`);
  const pk = await client.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary
      ORDER BY k.ord`,
    [schema, name],
  );
  const indexes = await client.query<{ name: string; columns: string[]; unique: boolean }>(
    `SELECT ic.relname AS name, i.indisunique AS unique,
            array_agg(coalesce(a.attname, pg_get_indexdef(i.indexrelid, k.ord::int, true)) ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0
      WHERE n.nspname = $1 AND c.relname = $2
      GROUP BY ic.relname, i.indisunique
      ORDER BY ic.relname`,
    [schema, name],
  );
  const qualifiedName = `${schema}.${name}`;
  if (pk.rowCount === 0) throw new MissingPrimaryKeyError(qualifiedName);
  return {
    schema,
    name,
    qualifiedName,
    columns: columns.rows.map((r): ColumnInfo => ({
      name: r.name,
      dataType: r.data_type,
      nullable: r.nullable,
    })),
    primaryKey: pk.rows.map((r) => r.name),
    indexes: indexes.rows.map((r) => ({
      name: r.name,
      columns: parseTextArray(r.columns),
      unique: r.unique === true || String(r.unique) === 't',
    })),
  };
}

/** Our sessions return every value as text, arrays included: `{a,b}` becomes ['a', 'b']. */
function parseTextArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter((v) => v.length > 0)
    .map((v) => v.replace(/^"|"$/g, ''));
}
