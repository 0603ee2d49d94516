import { Pool, type PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import type { Engine, ExtractQuery, Row, TableInfo } from '../engine';
import { introspectTable } from './postgres-introspector';
import { predicateSql, qualifiedTable, quoteIdent, selectBatchSql } from './postgres-sql';

const FETCH_ROWS = 1000;
const DELETE_CHUNK = 1000;

// Every value arrives in PostgreSQL's text form, which round-trips exactly through the type's input function;
// pg's default parsers would turn bigint into strings but timestamps into Dates (losing microseconds) and
// numerics into floats.
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
      types: textTypes,
      options: '-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601 -c extra_float_digits=3',
    });
    // An idle client that loses its connection emits here; without a listener the process would crash.
    this.#pool.on('error', () => undefined);
  }

  async introspect(tableName: string): Promise<TableInfo> {
    return this.#withClient((client) => introspectTable(client, tableName));
  }

  async *streamRows(query: ExtractQuery): AsyncIterable<Row> {
    const { sql, params } = selectBatchSql(query);
    const client = await this.#pool.connect();
    const cursor = client.query(new Cursor<Row>(sql, params));
    try {
      for (;;) {
        const rows = await cursor.read(FETCH_ROWS);
        if (rows.length === 0) break;
        yield* rows;
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

  async deleteKeys(query: Omit<ExtractQuery, 'afterKey' | 'limit'>, keys: string[][]): Promise<number> {
    const pk = query.table.primaryKey.map(quoteIdent).join(', ');
    return this.#withClient(async (client) => {
      let deleted = 0;
      await client.query('BEGIN');
      try {
        for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
          const chunk = keys.slice(i, i + DELETE_CHUNK);
          const predicate = predicateSql(query);
          const params: unknown[] = [...predicate.params];
          const tuples = chunk.map(
            (key) => `(${key.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`,
          );
          const result = await client.query(
            `DELETE FROM ${qualifiedTable(query.table)} WHERE (${pk}) IN (${tuples.join(', ')}) AND ${predicate.sql}`,
            params,
          );
          deleted += result.rowCount ?? 0;
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return deleted;
    });
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
