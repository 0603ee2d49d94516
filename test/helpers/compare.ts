/**
 * Compares a table with its restored copy inside the database, so no value passes through JavaScript: every
 * row of each side must have an identical row on the other side.
 */
import type { Client as PgClient } from 'pg';
import type { Connection } from 'mysql2/promise';

export interface TableDifference {
  rowsA: number;
  rowsB: number;
  /** Rows of A with no identical row in B, and the other way round. */
  onlyInA: number;
  onlyInB: number;
  /** Columns whose value differs in at least one pair of rows with the same key: where to look first. */
  differingColumns: string[];
}

const pgIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const pgTable = (name: string) => name.split('.').map(pgIdent).join('.');

/**
 * PostgreSQL: EXCEPT in both directions over every column's text form. Set operations treat NULLs as equal (IS
 * NOT DISTINCT FROM), and the text form also compares types without an equality operator (json, point) and
 * tells apart values that `=` considers equal (1.0 and 1.00, 0 and -0, jsonb key order aside).
 */
export async function pgTableDifference(
  client: PgClient,
  a: string,
  b: string,
  columns: readonly string[],
  primaryKey: readonly string[],
): Promise<TableDifference> {
  await client.query(`SET extra_float_digits = 3`);
  const list = columns.map((c) => `${pgIdent(c)}::text`).join(', ');
  const result = await client.query<Record<keyof TableDifference, string>>(
    `SELECT (SELECT count(*) FROM ${pgTable(a)}) AS "rowsA",
            (SELECT count(*) FROM ${pgTable(b)}) AS "rowsB",
            (SELECT count(*) FROM (SELECT ${list} FROM ${pgTable(a)} EXCEPT SELECT ${list} FROM ${pgTable(b)}) x) AS "onlyInA",
            (SELECT count(*) FROM (SELECT ${list} FROM ${pgTable(b)} EXCEPT SELECT ${list} FROM ${pgTable(a)}) x) AS "onlyInB"`,
  );
  const row = result.rows[0]!;
  const on = primaryKey.map((k) => `a.${pgIdent(k)} = b.${pgIdent(k)}`).join(' AND ');
  const differingColumns: string[] = [];
  for (const c of columns) {
    const found = await client.query(
      `SELECT 1 FROM ${pgTable(a)} a JOIN ${pgTable(b)} b ON ${on}
        WHERE a.${pgIdent(c)}::text IS DISTINCT FROM b.${pgIdent(c)}::text LIMIT 1`,
    );
    if ((found.rowCount ?? 0) > 0) differingColumns.push(c);
  }
  return {
    rowsA: Number(row.rowsA),
    rowsB: Number(row.rowsB),
    onlyInA: Number(row.onlyInA),
    onlyInB: Number(row.onlyInB),
    differingColumns,
  };
}

const myIdent = (name: string) => `\`${name.replace(/`/g, '``')}\``;

export interface MysqlColumn {
  name: string;
  /** COLUMN_TYPE from information_schema. */
  type: string;
}

/**
 * MySQL: a join on the key with `<=>` (NULL-safe equality) on every column. Values are compared as bytes
 * (`CAST(… AS BINARY)`, text as utf8mb4), so collations neither hide a difference ('a' = 'A', 'a' = 'a ') nor refuse to compare
 * two columns; FLOAT is compared through its exact DOUBLE value, since its text shows only six digits.
 */
export async function mysqlTableDifference(
  conn: Connection,
  a: string,
  b: string,
  columns: readonly MysqlColumn[],
  primaryKey: readonly string[],
): Promise<TableDifference> {
  const value = (alias: string, c: MysqlColumn) => {
    const ref = `${alias}.${myIdent(c.name)}`;
    if (/^float\b/i.test(c.type)) return `CAST(CAST(${ref} AS DOUBLE) AS BINARY)`;
    // Text compares as its utf8mb4 bytes: the same characters in a latin1 column and a utf8mb4 copy are equal.
    if (/^(char|varchar|tinytext|text|mediumtext|longtext|enum|set)\b/i.test(c.type)) {
      return `CAST(CONVERT(${ref} USING utf8mb4) AS BINARY)`;
    }
    return `CAST(${ref} AS BINARY)`;
  };
  const on = primaryKey.map((k) => {
    const c = columns.find((col) => col.name === k)!;
    return `${value('a', c)} = ${value('b', c)}`;
  });
  const same = columns.map((c) => `${value('a', c)} <=> ${value('b', c)}`).join(' AND ');
  const matched = async (left: string, right: string) => {
    const [rows] = await conn.query(
      `SELECT COUNT(*) AS n FROM ${left} a WHERE NOT EXISTS (SELECT 1 FROM ${right} b WHERE ${on.join(' AND ')} AND ${same})`,
    );
    return Number((rows as { n: number | string }[])[0]!.n);
  };
  const count = async (table: string) => {
    const [rows] = await conn.query(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number((rows as { n: number | string }[])[0]!.n);
  };
  const qa = a.split('.').map(myIdent).join('.');
  const qb = b.split('.').map(myIdent).join('.');
  const differingColumns: string[] = [];
  for (const c of columns) {
    const [rows] = await conn.query(
      `SELECT 1 FROM ${qa} a JOIN ${qb} b ON ${on.join(' AND ')} WHERE NOT (${value('a', c)} <=> ${value('b', c)}) LIMIT 1`,
    );
    if ((rows as unknown[]).length > 0) differingColumns.push(c.name);
  }
  return {
    rowsA: await count(qa),
    rowsB: await count(qb),
    onlyInA: await matched(qa, qb),
    onlyInB: await matched(qb, qa),
    differingColumns,
  };
}

/** Column names and types of a MySQL table, in order. */
export async function mysqlColumns(conn: Connection, schema: string, table: string): Promise<MysqlColumn[]> {
  const [rows] = await conn.query(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  return rows as MysqlColumn[];
}
