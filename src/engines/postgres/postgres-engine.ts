import { Pool, type PoolClient } from 'pg';
import Cursor from 'pg-cursor';
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
import { connectionLost } from '../connection-lost';
import { ExtractedValues } from '../extracted-row';
import { runGuardedDelete } from '../guarded-delete';
import { introspectTable } from './postgres-introspector';
import { ensureTable, insertRows } from './postgres-restore';
import {
  guardedDeleteSql,
  keyColumns,
  keysInSql,
  scanSql,
  qualifiedTable,
  quoteIdent,
  selectBatchSql,
  textArrayLiteral,
} from './postgres-sql';

const FETCH_ROWS = 1000;
const DELETE_CHUNK = 10_000;

// Every value arrives in PostgreSQL's text form, which round-trips exactly through the type's input function;
// pg's default parsers would turn timestamps into Dates (losing microseconds) and numerics into floats.
const textTypes = { getTypeParser: () => (value: string) => value };

export interface PostgresEngineOptions {
  url: string;
  poolSize: number;
}

/** How long closing a finished or abandoned cursor may take before its client is destroyed instead. */
const CURSOR_CLOSE_MS = 5_000;

/** True if `promise` fulfils within `ms`; false if it rejects or takes longer. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
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

  async *streamRows(query: ExtractQuery): AsyncIterable<ExtractedRow[]> {
    const { sql, params } = selectBatchSql(query);
    const client = await this.#pool.connect();
    const cursor = client.query(new Cursor<string[]>(sql, params, { rowMode: 'array' }));
    const names = query.table.columns.map((c) => c.name);
    let failure: Error | undefined;
    // A read in flight when the connection breaks is not always told so by pg-cursor (it waits forever, holding
    // the client); the client's own error and end events are, so every read also races against them.
    const broken = connectionLost({
      connection: client,
      endedMessage: 'Connection to the database ended while reading rows',
    });
    try {
      for (;;) {
        const rows = await Promise.race([cursor.read(FETCH_ROWS), broken.promise]);
        if (rows.length === 0) break;
        // The fingerprint comes first, then the columns in table order: the layout ExtractedValues reads.
        yield rows.map((values) => new ExtractedValues(names, values));
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // Closing a cursor waits for the server's answer, which never comes on a connection that broke (a killed
      // session, a cut network): such a client is destroyed, not closed, and a close that hangs is given up.
      broken.dispose();
      const closed = failure === undefined && (await settlesWithin(cursor.close(), CURSOR_CLOSE_MS));
      client.release(closed ? undefined : (failure ?? new Error('cursor close did not complete')));
    }
  }

  async countRows(query: Omit<ExtractQuery, 'afterKey' | 'limit'>): Promise<number> {
    const scan = scanSql(query);
    const result = await this.#pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${qualifiedTable(query.table)} WHERE ${scan.where}`,
      scan.params,
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  async guardedDelete(
    table: TableInfo,
    entries: readonly GuardedDeleteEntry[],
    beforeCommit?: (result: GuardedDeleteResult) => Promise<void>,
  ): Promise<GuardedDeleteResult> {
    const statements = {
      pk: table.primaryKey.map(quoteIdent).join(', '),
      deleteSql: guardedDeleteSql(table),
    };
    return this.#withClient((client) =>
      runGuardedDelete(
        {
          begin: () => client.query('BEGIN'),
          commit: () => client.query('COMMIT'),
          rollback: () => client.query('ROLLBACK'),
        },
        entries,
        DELETE_CHUNK,
        (chunk, result) => this.#deleteChunk(client, table, statements, chunk, result),
        beforeCommit,
      ),
    );
  }

  /** Deletes the chunk's unchanged rows and records every key's fate in `result`, locking the rows it keeps. */
  async #deleteChunk(
    client: PoolClient,
    table: TableInfo,
    { pk, deleteSql }: { pk: string; deleteSql: string },
    chunk: readonly GuardedDeleteEntry[],
    result: GuardedDeleteResult,
  ): Promise<void> {
    // Compare and delete in one statement, inside the database: the DELETE locks each row, checks its
    // current fingerprint against the archived one, and deletes it only when they are equal.
    const deleted = await client.query<string[]>({
      text: deleteSql,
      // 10,000 keys and fingerprints a statement: sent as literals built here (pg's own array encoding costs more).
      values: [
        ...keyColumns(
          table,
          chunk.map((e) => e.key),
        ),
        chunk.map((e) => e.rowHash),
      ].map(textArrayLiteral),
      rowMode: 'array',
    });
    const gone = new Set(deleted.rows.map((r) => JSON.stringify(r)));
    const kept: GuardedDeleteEntry[] = [];
    let matched = 0;
    for (const entry of chunk) {
      if (!gone.has(JSON.stringify(entry.key))) kept.push(entry);
      else {
        result.deleted.push(entry.key);
        matched += 1;
      }
    }
    // Every deleted row must be one the record will name as deleted, or a restore could not find it.
    if (matched !== deleted.rows.length) {
      throw new Error(
        `deleted ${deleted.rows.length} rows but only ${matched} match archived keys; rolled back`,
      );
    }
    if (kept.length === 0) return;
    // The rows left are changed or gone; locking them keeps that answer true until the commit.
    const locked = await client.query<string[]>({
      text: `SELECT ${pk} FROM ${qualifiedTable(table)} WHERE ${keysInSql(table, 1)} FOR UPDATE`,
      values: keyColumns(
        table,
        kept.map((e) => e.key),
      ),
      rowMode: 'array',
    });
    const present = new Set(locked.rows.map((r) => JSON.stringify(r)));
    for (const entry of kept) {
      if (present.has(JSON.stringify(entry.key))) result.skippedChanged.push(entry.key);
      else result.alreadyGone.push(entry.key);
    }
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
      const result = await fn(client);
      client.release();
      return result;
    } catch (error) {
      // The session may be broken or mid-transaction: a fresh one is cheaper than finding out.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }
}
