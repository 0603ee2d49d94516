import type { Connection as CallbackConnection } from 'mysql2';
import { createPool, type Pool, type PoolConnection, type TypeCastField } from 'mysql2/promise';
import type { Engine, ExtractQuery, Row, TableInfo } from '../engine';
import { introspectTable } from './mysql-introspector';
import { keyEqualsSql, predicateSql, qualifiedTable, selectBatchSql } from './mysql-sql';

const DELETE_CHUNK = 1000;
const BYTE_TYPES = new Set([
  'STRING',
  'VAR_STRING',
  'BLOB',
  'TINY_BLOB',
  'MEDIUM_BLOB',
  'LONG_BLOB',
  'BIT',
  'GEOMETRY',
  'JSON',
]);
const BINARY_COLUMN =
  /^(binary|varbinary|tinyblob|blob|mediumblob|longblob|bit|geometry|point|linestring|polygon)/i;

/**
 * Values stay in the server's text form so nothing passes through a JavaScript number or Date. String-like
 * values arrive as bytes, because the driver cannot tell a binary column from a text one here; `toTextRow`
 * decodes them with the column types from introspection.
 */
function rawTypeCast(field: TypeCastField, next: () => unknown): unknown {
  void next;
  return BYTE_TYPES.has(field.type) ? field.buffer() : field.string();
}

/** Text columns decode as UTF-8 (the connection charset); binary ones become `\x` hex like PostgreSQL's bytea. */
function toTextRow(raw: Record<string, unknown>, binaryColumns: ReadonlySet<string>): Row {
  const row: Row = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === null || value === undefined) row[name] = null;
    else if (Buffer.isBuffer(value))
      row[name] = binaryColumns.has(name) ? `\\x${value.toString('hex')}` : value.toString('utf8');
    else row[name] = String(value);
  }
  return row;
}

export interface MysqlEngineOptions {
  url: string;
  poolSize: number;
}

export class MysqlEngine implements Engine {
  readonly kind = 'mysql' as const;
  readonly #pool: Pool;

  constructor(options: MysqlEngineOptions) {
    this.#pool = createPool({
      uri: options.url.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: options.poolSize,
      // Catalog and count queries: numbers and dates as strings so nothing is rounded; rows use rawTypeCast.
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      charset: 'utf8mb4',
      timezone: 'Z',
    });
    // TIMESTAMP columns are shown in the session time zone; UTC keeps them comparable with the cutoff.
    this.#pool.pool.on('connection', (conn) => conn.query("SET time_zone = '+00:00'"));
  }

  async introspect(tableName: string): Promise<TableInfo> {
    return this.#withConnection((conn) => introspectTable(conn, tableName));
  }

  async *streamRows(query: ExtractQuery): AsyncIterable<Row> {
    const { sql, params } = selectBatchSql(query);
    const conn = await this.#pool.getConnection();
    try {
      // The callback connection's stream() reads rows as they arrive instead of buffering the whole result.
      const binaryColumns = new Set(
        query.table.columns.filter((c) => BINARY_COLUMN.test(c.dataType)).map((c) => c.name),
      );
      const callbackConnection = (conn as unknown as { connection: CallbackConnection }).connection;
      const stream = callbackConnection
        .query({ sql, values: params, typeCast: rawTypeCast })
        .stream({ highWaterMark: 1000 });
      for await (const raw of stream) yield toTextRow(raw as Record<string, unknown>, binaryColumns);
    } finally {
      conn.release();
    }
  }

  async countRows(query: Omit<ExtractQuery, 'afterKey' | 'limit'>): Promise<number> {
    const predicate = predicateSql(query);
    const [rows] = await this.#pool.query(
      `SELECT COUNT(*) AS n FROM ${qualifiedTable(query.table)} WHERE ${predicate.sql}`,
      predicate.params,
    );
    return Number((rows as { n: string }[])[0]?.n ?? 0);
  }

  async deleteKeys(query: Omit<ExtractQuery, 'afterKey' | 'limit'>, keys: string[][]): Promise<number> {
    return this.#withConnection(async (conn) => {
      let deleted = 0;
      await conn.beginTransaction();
      try {
        for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
          const predicate = predicateSql(query);
          const matches = keys.slice(i, i + DELETE_CHUNK).map((key) => keyEqualsSql(query.table, key));
          const [result] = await conn.query(
            `DELETE FROM ${qualifiedTable(query.table)} WHERE (${matches.map((m) => m.sql).join(' OR ')}) AND ${predicate.sql}`,
            [...matches.flatMap((m) => m.params), ...predicate.params],
          );
          deleted += (result as { affectedRows: number }).affectedRows;
        }
        await conn.commit();
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        throw error;
      }
      return deleted;
    });
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #withConnection<T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.#pool.getConnection();
    try {
      return await fn(conn);
    } finally {
      conn.release();
    }
  }
}
