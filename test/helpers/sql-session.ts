/**
 * One connection to a test database of either engine, with what restore tests need: run SQL, snapshot a table,
 * and compare two tables inside the database (test/helpers/compare.ts).
 */
import type { Client as PgClient } from 'pg';
import type { Connection } from 'mysql2/promise';
import type { EngineKind } from './events-table';
import { mysqlColumns, mysqlTableDifference, pgTableDifference, type TableDifference } from './compare';
import { mysqlConnect, pgConnect } from './services';

export class SqlSession {
  private constructor(
    readonly engine: EngineKind,
    readonly database: string,
    private readonly pg: PgClient | null,
    private readonly my: Connection | null,
  ) {}

  static async open(engine: EngineKind, database: string, url: string): Promise<SqlSession> {
    if (engine === 'postgres') return new SqlSession(engine, database, await pgConnect(url), null);
    return new SqlSession(engine, database, null, await mysqlConnect(url));
  }

  /** A table name as the configuration and the restore command give it: `public.t` or the bare MySQL name. */
  name(table: string): string {
    return this.engine === 'postgres' ? `public.${table}` : table;
  }

  /** Runs SQL with `?` placeholders (rewritten to `$n` for PostgreSQL) and returns the rows. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.pg) {
      let n = 0;
      return (
        await this.pg.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as T[];
    }
    const [rows] = await this.my!.query(sql, params);
    return rows as T[];
  }

  async count(table: string, where = 'true'): Promise<number> {
    const rows = await this.query<{ n: string | number }>(
      `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
    );
    return Number(rows[0]!.n);
  }

  /** Copies a table with its values exactly, so it can be compared after the original was archived away. */
  async snapshot(table: string, copy: string): Promise<void> {
    if (this.pg) await this.pg.query(`CREATE TABLE ${copy} AS TABLE ${table}`);
    else
      await this.my!.query(`CREATE TABLE ${copy} LIKE ${table}; INSERT INTO ${copy} SELECT * FROM ${table}`);
  }

  /** Row-by-row comparison of two tables in SQL, over the columns of `a`, matched on `primaryKey`. */
  async difference(a: string, b: string, primaryKey: readonly string[]): Promise<TableDifference> {
    if (this.pg) {
      const columns = await this.pg.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [a],
      );
      return pgTableDifference(
        this.pg,
        a,
        b,
        columns.rows.map((r) => r.name),
        primaryKey,
      );
    }
    const columns = await mysqlColumns(this.my!, this.database, a);
    return mysqlTableDifference(this.my!, a, b, columns, primaryKey);
  }

  async close(): Promise<void> {
    await this.pg?.end();
    await this.my?.end();
  }
}
