import type { PoolClient } from 'pg';
import type { ColumnInfo, Row, TableInfo } from '../engine';
import { introspectTable, splitTableName } from './postgres-introspector';
import { qualifiedTable, quoteIdent } from './postgres-sql';

/** Creates the restore target from the archived schema unless it exists, then describes it from the catalog. */
export async function ensureTable(
  client: PoolClient,
  target: string,
  columns: readonly ColumnInfo[],
  primaryKey: readonly string[],
): Promise<TableInfo> {
  const { schema, name } = splitTableName(target);
  const definitions = columns.map(
    (c) => `${quoteIdent(c.name)} ${c.dataType}${c.nullable ? '' : ' NOT NULL'}`,
  );
  definitions.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(', ')})`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.${quoteIdent(name)} (${definitions.join(', ')})`,
  );
  return introspectTable(client, target);
}

/**
 * Inserts text-form rows through json_populate_recordset, which applies each column type's input function:
 * the exact inverse of the text output the archive holds. Existing keys are skipped, so a restore can be repeated.
 */
export async function insertRows(
  client: PoolClient,
  table: TableInfo,
  rows: readonly Row[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = table.columns.filter((c) => c.name in (rows[0] ?? {})).map((c) => quoteIdent(c.name));
  const result = await client.query(
    `INSERT INTO ${qualifiedTable(table)} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${qualifiedTable(table)}, $1::json)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}
