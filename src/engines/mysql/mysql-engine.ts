import type { Connection as CallbackConnection } from 'mysql2';
import { createPool, type Pool, type PoolConnection } from 'mysql2/promise';
import type { EventEmitter } from 'node:events';
import { connectionLost, type ConnectionLost } from '../connection-lost';
import { ExtractedValues } from '../extracted-row';
import { runGuardedDelete, unchangedKeys } from '../guarded-delete';
import type {
  ColumnInfo,
  Engine,
  ExtractQuery,
  ExtractedRow,
  GuardedDeleteEntry,
  GuardedDeleteResult,
  Row,
  TableInfo,
} from '../engine';
import { introspectTable } from './mysql-introspector';
import { ensureTable, insertRows } from './mysql-restore';
import {
  integerKeyColumn,
  integerKeyLiterals,
  keysInSql,
  scanSql,
  qualifiedTable,
  quoteIdent,
  rowHashSql,
  selectBatchSql,
} from './mysql-sql';
import { RowChunkReader } from './mysql-row-chunks';
import { binaryColumnNames, textTypeCast } from './mysql-values';

// Rows taken from the result stream per chunk (and buffered by it ahead of the reader).
const FETCH_ROWS = 1000;
// One statement per 10,000 keys: each round trip costs more than the longer key list.
const DELETE_CHUNK = 10_000;

export interface MysqlEngineOptions {
  url: string;
  poolSize: number;
}

/** The table's key columns whose values are bytes, by name (written as `\\x` hex, as the extract writes them). */
function binaryKeyColumns(table: TableInfo): Set<string> {
  return binaryColumnNames(table.columns.filter((c) => table.primaryKey.includes(c.name)));
}

/** The least and greatest key of a chunk, for a one-column integer key whose every value is plainly an integer. */
function integerRange(
  table: TableInfo,
  chunk: readonly GuardedDeleteEntry[],
): { low: string; high: string } | null {
  const column = integerKeyColumn(table);
  const literalOf = column && integerKeyLiterals(column);
  if (!literalOf || chunk.length === 0) return null;
  let low: bigint | null = null;
  let high: bigint | null = null;
  for (const { key } of chunk) {
    const literal = literalOf(key[0] ?? '');
    if (literal === null) return null;
    const value = BigInt(literal);
    if (low === null || value < low) low = value;
    if (high === null || value > high) high = value;
  }
  return { low: String(low), high: String(high) };
}

/** Fails when the session's connection (or its socket) fails or ends, or has already failed. */
function watchConnection(conn: PoolConnection): ConnectionLost {
  const connection = (conn as unknown as { connection: CallbackConnection }).connection;
  const internals = connection as unknown as { stream?: EventEmitter; _fatalError?: Error | null };
  return connectionLost({
    connection,
    socket: internals.stream,
    alreadyFailed: internals._fatalError,
    endedMessage: 'Connection to the database ended',
  });
}

export class MysqlEngine implements Engine {
  readonly kind = 'mysql' as const;
  readonly #pool: Pool;

  constructor(options: MysqlEngineOptions) {
    this.#pool = createPool({
      uri: options.url.replace(/^mariadb:/, 'mysql:'),
      connectionLimit: options.poolSize,
      // Catalog and count queries: numbers and dates as strings so nothing is rounded; rows use textTypeCast.
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      charset: 'utf8mb4',
      timezone: 'Z',
    });
    // TIMESTAMP columns are shown in the session time zone; UTC keeps them comparable with the cutoff.
    // NO_BACKSLASH_ESCAPES would break the driver's client-side escaping of parameters; it is removed per session.
    this.#pool.pool.on('connection', (conn) =>
      conn.query("SET time_zone = '+00:00', sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')"),
    );
  }

  async introspect(tableName: string): Promise<TableInfo> {
    return this.#withConnection((conn) => introspectTable(conn, tableName));
  }

  async *streamRows(query: ExtractQuery): AsyncIterable<ExtractedRow[]> {
    const { sql, params } = selectBatchSql(query);
    const conn = await this.#pool.getConnection();
    // The callback connection's stream() reads rows as they arrive instead of buffering the whole result.
    const callbackConnection = (conn as unknown as { connection: CallbackConnection }).connection;
    // A connection lost mid-result is reported on the connection, never on the query stream (which would wait
    // forever), so every read races the connection's own error and end events.
    const broken = watchConnection(conn);
    let finished = false;
    // Every value arrives as its text (the fingerprint first, then the columns by their names in the select list).
    const binaryNames = binaryColumnNames(query.table.columns);
    const result = callbackConnection.query({
      sql,
      values: params,
      typeCast: textTypeCast(binaryNames),
      rowsAsArray: true,
    });
    const stream = result.stream({ highWaterMark: FETCH_ROWS });
    // A binary column is told by its name in the result: one the result names otherwise would be read as text.
    result.once('fields', (fields: { name: string }[]) => {
      const named = new Set(fields.map((f) => f.name));
      const missing = [...binaryNames].filter((name) => !named.has(name));
      if (missing.length > 0)
        stream.destroy(new Error(`the result names no column ${missing.join(', ')}; nothing was archived`));
    });
    const reader = new RowChunkReader(stream, FETCH_ROWS);
    const names = query.table.columns.map((c) => c.name);
    try {
      for (;;) {
        const arrays = await Promise.race([reader.next(), broken.promise]);
        if (arrays === null) break;
        yield (arrays as (string | null)[][]).map((values) => new ExtractedValues(names, values));
      }
      finished = true;
    } finally {
      broken.dispose();
      if (finished) conn.release();
      else {
        // Stopped early or broken: the rest of the result is still on the wire, so the session cannot be reused.
        stream.destroy();
        conn.destroy();
      }
    }
  }

  async countRows(query: Omit<ExtractQuery, 'afterKey' | 'limit'>): Promise<number> {
    const scan = scanSql(query);
    const [rows] = await this.#pool.query(
      `SELECT COUNT(*) AS n FROM ${qualifiedTable(query.table)} WHERE ${scan.where}`,
      scan.params,
    );
    return Number((rows as { n: string }[])[0]?.n ?? 0);
  }

  async guardedDelete(
    table: TableInfo,
    entries: readonly GuardedDeleteEntry[],
    beforeCommit?: (result: GuardedDeleteResult) => Promise<void>,
  ): Promise<GuardedDeleteResult> {
    return this.#withConnection((conn) =>
      runGuardedDelete(
        {
          begin: () => conn.beginTransaction(),
          commit: () => conn.commit(),
          rollback: () => conn.rollback(),
        },
        entries,
        DELETE_CHUNK,
        (chunk, result) => this.#deleteChunk(conn, table, chunk, result),
        beforeCommit,
      ),
    );
  }

  /** Deletes the chunk's unchanged rows, after locking them, and records every key's fate in `result`. */
  async #deleteChunk(
    conn: PoolConnection,
    table: TableInfo,
    chunk: readonly GuardedDeleteEntry[],
    result: GuardedDeleteResult,
  ): Promise<void> {
    // Lock first: once locked, no one can change a row between the comparison and the delete.
    const locked = await this.#lockChunk(conn, table, chunk);
    const matching = unchangedKeys(chunk, locked.hashes, result);
    if (matching.length === 0) return;
    // When every row locked in the key range is an unchanged archived one, the range is exactly the rows
    // to delete, and an index range costs InnoDB half what a list of 10,000 keys does.
    const del =
      locked.range && locked.hashes.size === matching.length ? locked.range : keysInSql(table, matching);
    const [deleted] = await conn.query(`DELETE FROM ${qualifiedTable(table)} WHERE ${del.sql}`, del.params);
    // A row the delete saw but the lock did not (inserted into the range meanwhile, possible only without
    // gap locks under READ COMMITTED) makes the counts differ: everything is rolled back, and the retry
    // locks it too and deletes by key list.
    const affected = (deleted as { affectedRows: number }).affectedRows;
    if (affected !== matching.length) {
      throw new Error(`deleted ${affected} rows of ${matching.length} locked ones; rolled back`);
    }
    result.deleted.push(...matching);
  }

  /**
   * Locks the chunk's rows (SELECT … FOR UPDATE) and returns their current fingerprints by key. A one-column
   * integer key is locked as the range from the chunk's least to its greatest key when at most the chunk's
   * number of rows lie in it (a batch read in key order usually fills its range); `range` is then set, and
   * every row in it is in `hashes`. Otherwise, or when the range holds other rows too, by key list.
   */
  async #lockChunk(
    conn: PoolConnection,
    table: TableInfo,
    chunk: readonly GuardedDeleteEntry[],
  ): Promise<{ hashes: Map<string, string | null>; range?: { sql: string; params: unknown[] } }> {
    const lockSql = (where: string, limit = '') =>
      `SELECT ${rowHashSql(table)}, ${table.primaryKey.map(quoteIdent).join(', ')} FROM ${qualifiedTable(table)} WHERE ${where}${limit} FOR UPDATE`;
    // Values arrive as text, the fingerprint first and then the key columns, named as the select list names them.
    const typeCast = textTypeCast(binaryKeyColumns(table));
    const hashesOf = (rows: (string | null)[][]) =>
      new Map(rows.map((r) => [JSON.stringify(r.slice(1)), r[0] ?? null]));
    const bounds = integerRange(table, chunk);
    if (bounds) {
      const range = {
        sql: `${quoteIdent(table.primaryKey[0]!)} BETWEEN ${bounds.low} AND ${bounds.high}`,
        params: [],
      };
      const [rows] = await conn.query({
        sql: lockSql(range.sql, ` ORDER BY ${quoteIdent(table.primaryKey[0]!)} LIMIT ${chunk.length + 1}`),
        typeCast,
        rowsAsArray: true,
      });
      // Fewer rows than the limit: the whole range was read and locked.
      if ((rows as unknown[][]).length <= chunk.length)
        return { hashes: hashesOf(rows as (string | null)[][]), range };
    }
    const match = keysInSql(
      table,
      chunk.map((e) => e.key),
    );
    const [rows] = await conn.query({
      sql: lockSql(match.sql),
      values: match.params,
      typeCast,
      rowsAsArray: true,
    });
    return { hashes: hashesOf(rows as (string | null)[][]) };
  }

  async existingKeys(table: TableInfo, keys: readonly string[][]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const match = keysInSql(table, keys);
    const [rows] = await this.#pool.query({
      sql: `SELECT ${table.primaryKey.map(quoteIdent).join(', ')} FROM ${qualifiedTable(table)} WHERE ${match.sql}`,
      values: match.params,
      typeCast: textTypeCast(binaryKeyColumns(table)),
      rowsAsArray: true,
    });
    return new Set((rows as (string | null)[][]).map((r) => JSON.stringify(r)));
  }

  async ensureTable(
    target: string,
    columns: readonly ColumnInfo[],
    primaryKey: readonly string[],
  ): Promise<TableInfo> {
    return this.#withConnection((conn) => ensureTable(conn, target, columns, primaryKey));
  }

  async insertRows(table: TableInfo, rows: readonly Row[]): Promise<number> {
    return this.#withConnection((conn) => insertRows(conn, table, rows));
  }

  async readState(key: string): Promise<string | null> {
    try {
      const [rows] = await this.#pool.query(`SELECT body FROM db_archiver_state WHERE state_key = ?`, [key]);
      return (rows as { body: string }[])[0]?.body ?? null;
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_NO_SUCH_TABLE') return null;
      throw error;
    }
  }

  /** The state table lives in the URL's database, which a database watermark store therefore needs. */
  async writeState(key: string, text: string): Promise<void> {
    await this.#pool.query(
      `CREATE TABLE IF NOT EXISTS db_archiver_state (state_key VARCHAR(700) PRIMARY KEY, body LONGTEXT NOT NULL,
         updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    );
    await this.#pool.query(
      `INSERT INTO db_archiver_state (state_key, body) VALUES (?, ?)
       ON DUPLICATE KEY UPDATE body = VALUES(body), updated_at = CURRENT_TIMESTAMP(6)`,
      [key, text],
    );
  }

  poolStats(): { total: number; idle: number; waiting: number } {
    // mysql2 keeps these counts in fields it does not type; they are read only for the resource log.
    const inner = this.#pool.pool as unknown as {
      _allConnections?: { length: number };
      _freeConnections?: { length: number };
      _connectionQueue?: { length: number };
    };
    return {
      total: inner._allConnections?.length ?? 0,
      idle: inner._freeConnections?.length ?? 0,
      waiting: inner._connectionQueue?.length ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #withConnection<T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.#pool.getConnection();
    // Whatever runs on the session fails as soon as the connection does, rather than waiting on mysql2 to tell it.
    const broken = watchConnection(conn);
    try {
      const result = await Promise.race([fn(conn), broken.promise]);
      conn.release();
      return result;
    } catch (error) {
      // The session may be broken or mid-transaction: a fresh one is cheaper than finding out.
      conn.destroy();
      throw error;
    } finally {
      broken.dispose();
    }
  }
}
