import { Pool, type ClientBase } from 'pg';
import type { LeaseOwner } from './lock';
import { leaseSql, type LeaseSql } from './postgres-lock-sql';

/** A lease row as the backend reads it. */
export interface LeaseRow {
  token: string;
  owner: LeaseOwner;
  heartbeat_at: Date;
  expires_at: Date;
  backend_pid: number;
}

const TERMINATION_WAIT_MS = 5_000;

/**
 * The lease table and pg_locks, seen through a small pool: everything the PostgreSQL backend does that needs no
 * lock of its own. Locks are never taken on these pooled connections. Errors are the driver's; the backend maps
 * them.
 */
export class PostgresLeaseTable {
  readonly sql: LeaseSql;
  private readonly pool: Pool;
  private ready?: Promise<void>;

  constructor(url: string, schema: string) {
    this.sql = leaseSql(schema);
    this.pool = new Pool({
      connectionString: url,
      max: 2,
      keepAlive: true,
      application_name: 'db-archiver locks',
    });
    this.pool.on('error', () => undefined); // an idle connection dropped; the pool replaces it
  }

  /** Creates the table once per backend when missing; the schema must exist. */
  ensureExists(): Promise<void> {
    this.ready ??= this.pool.query(this.sql.createTable).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined;
        // Two processes creating the table at once: the loser sees a duplicate key in the catalog (23505), the
        // table (42P07) or its row type (42710) already there, which is fine.
        const code = (error as { code?: string }).code;
        if (code !== '23505' && code !== '42P07' && code !== '42710') throw error;
      },
    );
    return this.ready;
  }

  /** Runs a check or refresh statement that matches only while the row's session holds the lock; rows matched. */
  async touchIfHeld(statement: string, params: unknown[]): Promise<number> {
    return (await this.pool.query(statement, params)).rowCount ?? 0;
  }

  async list(): Promise<(LeaseRow & { resource: string; held: boolean })[]> {
    return (await whenTableExists(this.pool.query(this.sql.list)))?.rows ?? [];
  }

  /** Deletes the row (of this token, when given) and returns the session it named. */
  async delete(
    resource: string,
    token?: string,
  ): Promise<{ backend_pid: number; lock_key: string } | undefined> {
    const query =
      token === undefined
        ? this.pool.query(this.sql.deleteByResource, [resource])
        : this.pool.query(this.sql.deleteByToken, [resource, token]);
    return (await whenTableExists(query))?.rows[0];
  }

  /** Ends the session `pid` if it holds `key`, and waits until the lock is free of it. */
  async terminate(key: string, pid: number, client: ClientBase | Pool = this.pool): Promise<void> {
    await client.query(this.sql.terminateHolder, [key, pid]);
    const deadline = Date.now() + TERMINATION_WAIT_MS;
    while (Date.now() < deadline) {
      if (!(await this.holders(key, client)).includes(pid)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The sessions holding the advisory lock `key`. */
  async holders(key: string, client: ClientBase | Pool = this.pool): Promise<number[]> {
    return (await client.query<{ pid: number }>(this.sql.holderPids, [key])).rows.map((r) => r.pid);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Null when the lease table does not exist yet: looking must not create it, and no lease was ever taken. */
async function whenTableExists<T>(query: Promise<T>): Promise<T | null> {
  try {
    return await query;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return null;
    throw error;
  }
}
