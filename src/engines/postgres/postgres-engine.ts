import { Pool, type PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { unchangedKeys } from '../guarded-delete';
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
import { introspectTable } from './postgres-introspector';
import { ensureTable, insertRows } from './postgres-restore';
import {
  keyColumns,
  keysInSql,
  predicateSql,
  qualifiedTable,
  quoteIdent,
  rowHashSql,
  selectBatchSql,
} from './postgres-sql';

const FETCH_ROWS = 1000;
const DELETE_CHUNK = 5000;

// Every value arrives in PostgreSQL's text form, which round-trips exactly through the type's input function;
// pg's default parsers would turn timestamps into Dates (losing microseconds) and numerics into floats.
const textTypes = { getTypeParser: () => (value: string) => value };

export interface PostgresEngineOptions {
  url: string;
  poolSize: number;
}

export class PostgresEngine implements Engine {
  readonly kind = 'postgres' as const;
  readonly #pool: Pool;

  constructor(options: PostgresEngineOptions) {
    this.#pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      // An unreachable server fails the activity (which retries) instead of hanging it.
      connectionTimeoutMillis: 10_000,
      types: textTypes,
      // Fixed session settings make text forms (and so row fingerprints) independent of server defaults.
      options: '-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=3',
    });
    // An idle client that loses its connection emits here; without a listener the process would crash.
    this.#pool.on('error', () => undefined);
    // So does a client in use (its session killed, the server restarted, the network cut): the query in flight
    // fails with the error, the activity retries, and the pool drops the broken client when it is released.
    this.#pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async introspect(tableName: string): Promise<TableInfo> {
    return this.#withClient((client) => introspectTable(client, tableName));
  }

  async *streamRows(query: ExtractQuery): AsyncIterable<ExtractedRow> {
    const { sql, params } = selectBatchSql(query);
    const client = await this.#pool.connect();
    const cursor = client.query(new Cursor<string[]>(sql, params, { rowMode: 'array' }));
    const names = query.table.columns.map((c) => c.name);
    try {
      for (;;) {
        const rows = await cursor.read(FETCH_ROWS);
        if (rows.length === 0) break;
        for (const values of rows) {
          const row: Row = {};
          names.forEach((name, i) => (row[name] = values[i + 1] ?? null));
          yield { row, rowHash: values[0] ?? '' };
        }
      }
    } finally {
      await cursor.close().catch(() => undefined);
      client.release();
    }
  }

  async countRows(query: Omit<ExtractQuery, 'afterKey' | 'limit'>): Promise<number> {
    const predicate = predicateSql(query);
    const result = await this.#pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${qualifiedTable(query.table)} WHERE ${predicate.sql}`,
      predicate.params,
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  async guardedDelete(
    table: TableInfo,
    entries: readonly GuardedDeleteEntry[],
    beforeCommit?: (result: GuardedDeleteResult) => Promise<void>,
  ): Promise<GuardedDeleteResult> {
    const pk = table.primaryKey.map(quoteIdent).join(', ');
    const result: GuardedDeleteResult = { deleted: [], skippedChanged: [], alreadyGone: [] };
    return this.#withClient(async (client) => {
      await client.query('BEGIN');
      try {
        for (let i = 0; i < entries.length; i += DELETE_CHUNK) {
          const chunk = entries.slice(i, i + DELETE_CHUNK);
          const keys = chunk.map((e) => e.key);
          // Lock first: once locked, no one can change a row between the comparison and the delete.
          const locked = await client.query<string[]>({
            text: `SELECT ${rowHashSql(table)}, ${pk} FROM ${qualifiedTable(table)} WHERE ${keysInSql(table, 1)} FOR UPDATE`,
            values: keyColumns(table, keys),
            rowMode: 'array',
          });
          const current = new Map(locked.rows.map((r) => [JSON.stringify(r.slice(1)), r[0]]));
          const matching = unchangedKeys(chunk, current, result);
          if (matching.length > 0) {
            const deleted = await client.query(
              `DELETE FROM ${qualifiedTable(table)} WHERE ${keysInSql(table, 1)}`,
              keyColumns(table, matching),
            );
            if (deleted.rowCount !== matching.length) {
              throw new Error(
                `deleted ${deleted.rowCount} rows of ${matching.length} locked ones; rolled back`,
              );
            }
            result.deleted.push(...matching);
          }
        }
        await beforeCommit?.(result);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return result;
    });
  }

  async existingKeys(table: TableInfo, keys: readonly string[][]): Promise<Set<string>> {
    const pk = table.primaryKey.map(quoteIdent).join(', ');
    const found = await this.#pool.query<string[]>({
      text: `SELECT ${pk} FROM ${qualifiedTable(table)} WHERE ${keysInSql(table, 1)}`,
      values: keyColumns(table, keys),
      rowMode: 'array',
    });
    return new Set(found.rows.map((r) => JSON.stringify(r)));
  }

  async ensureTable(
    target: string,
    columns: readonly ColumnInfo[],
    primaryKey: readonly string[],
  ): Promise<TableInfo> {
    return this.#withClient((client) => ensureTable(client, target, columns, primaryKey));
  }

  async insertRows(table: TableInfo, rows: readonly Row[]): Promise<number> {
    return this.#withClient((client) => insertRows(client, table, rows));
  }

  async readState(key: string): Promise<string | null> {
    try {
      const result = await this.#pool.query<{ body: string }>(
        `SELECT body FROM public.db_archiver_state WHERE state_key = $1`,
        [key],
      );
      return result.rows[0]?.body ?? null;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return null; // the table does not exist yet
      throw error;
    }
  }

  async writeState(key: string, text: string): Promise<void> {
    await this.#pool.query(
      `CREATE TABLE IF NOT EXISTS public.db_archiver_state (state_key text PRIMARY KEY, body text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    await this.#pool.query(
      `INSERT INTO public.db_archiver_state (state_key, body) VALUES ($1, $2)
       ON CONFLICT (state_key) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
      [key, text],
    );
  }

  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #withClient<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }
}
