import type { PoolClient } from 'pg';
import type { ColumnInfo, Row, TableInfo } from '../engine';
import { introspectTable, splitTableName } from './postgres-introspector';
import { qualifiedTable, quoteIdent } from './postgres-sql';

/** Rows per INSERT statement; every statement of one call runs in one transaction. */
const INSERT_CHUNK = 1000;

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

/** How a target column takes a text value: the type to cast to, and whether it can be written at all. */
export interface InsertColumn {
  name: string;
  /** The type without its modifier, so the assignment to the column still checks length and precision. */
  inputType: string;
  /** Computed by the database (GENERATED ALWAYS AS … STORED): never written. */
  generated: boolean;
  /** GENERATED ALWAYS AS IDENTITY: written with OVERRIDING SYSTEM VALUE to keep the archived value. */
  identityAlways: boolean;
}

/**
 * The target's columns as the catalog knows them. `format_type(oid, NULL)` names a type without its modifier,
 * except that bare `character` and `bit` mean length 1, so those two keep their internal names.
 */
async function insertColumns(client: PoolClient, table: TableInfo): Promise<InsertColumn[]> {
  const result = await client.query<InsertColumn>(
    `SELECT a.attname AS name,
            CASE
              WHEN t.typname IN ('bpchar', 'bit') THEN 'pg_catalog.' || quote_ident(t.typname)
              WHEN t.typcategory = 'A' AND e.typname IN ('bpchar', 'bit') THEN 'pg_catalog.' || quote_ident(e.typname) || '[]'
              ELSE format_type(a.atttypid, NULL)
            END AS "inputType",
            a.attgenerated <> '' AS generated,
            a.attidentity = 'a' AS "identityAlways"
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type e ON e.oid = t.typelem
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [qualifiedTable(table)],
  );
  // The pool's type parsers return raw text, so booleans arrive as 't'/'f'.
  return result.rows.map((r) => ({
    ...r,
    generated: String(r.generated) === 't' || r.generated === true,
    identityAlways: String(r.identityAlways) === 't' || r.identityAlways === true,
  }));
}

/** The expression that turns a text value back into the column's type through the type's input function. */
export function castExpression(value: string, inputType: string): string {
  // money's input function reads separators from lc_monetary; numeric text converts exactly on any server.
  if (inputType === 'money') return `${value}::numeric::money`;
  if (inputType === 'money[]') return `${value}::numeric[]::money[]`;
  return `${value}::${inputType}`;
}

/**
 * Inserts text-form rows in one transaction. Each value is cast from text to its column's type, which applies
 * the type's input function: the exact inverse of the text output the archive holds (json keeps its text byte
 * for byte, jsonb re-parses its canonical form, arrays and ranges their literals). Generated columns are left to
 * the database. Rows whose key (or any unique value) already exists are skipped, so a restore can be repeated.
 * Returns how many rows were inserted.
 */
export async function insertRows(
  client: PoolClient,
  table: TableInfo,
  rows: readonly Row[],
): Promise<number> {
  const first = rows[0];
  if (first === undefined) return 0;
  const columns = (await insertColumns(client, table)).filter((c) => !c.generated && c.name in first);
  if (columns.length === 0) return 0;
  const overriding = columns.some((c) => c.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : '';
  const aliases = columns.map((_, i) => `v${i}`);
  const sql =
    `INSERT INTO ${qualifiedTable(table)} (${columns.map((c) => quoteIdent(c.name)).join(', ')})${overriding} ` +
    `SELECT ${columns.map((c, i) => castExpression(`u.${aliases[i]}`, c.inputType)).join(', ')} ` +
    `FROM unnest(${columns.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${aliases.join(', ')}) ` +
    `ON CONFLICT DO NOTHING`;
  let inserted = 0;
  await client.query('BEGIN');
  try {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      // One text array per column; pg writes null elements as NULL and quotes every string.
      const params = columns.map((c) => chunk.map((row) => row[c.name] ?? null));
      const result = await client.query(sql, params);
      inserted += result.rowCount ?? 0;
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return inserted;
}
