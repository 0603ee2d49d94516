import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ArchiverError, LeaseLostError, LockBackendUnavailableError } from '../errors';
import {
  SILENT_LOCK_LOGGER,
  type Lease,
  type LeaseInfo,
  type LeaseOwner,
  type LockBackend,
  type LockLogger,
} from './lock';
import { advisoryKey } from './postgres-lock-sql';
import { PostgresLeaseTable, type LeaseRow } from './postgres-lock-table';

export interface PostgresLockOptions {
  url: string;
  /** The existing schema of the lease table (created on first acquire when missing). Default `public`. */
  schema?: string;
  logger?: LockLogger;
  /** Milliseconds since the epoch; injectable so staleness can be tested without waiting. */
  now?: () => number;
}

/** The connection that holds one lease's advisory lock, for exactly as long as the lease lives. */
interface Session {
  readonly client: Client;
  readonly resource: string;
  dead: boolean;
}

/**
 * Leases as session-level advisory locks (`pg_try_advisory_lock`), each held on a dedicated connection opened for
 * that lease, so when the holder dies PostgreSQL ends the session and frees the lock by itself. A table records
 * owner, heartbeat and which session holds the lock. A lease is stale when its lock is free although its row
 * remains (the session died) or when its heartbeat is older than its TTL; a taker ends a stale session with
 * pg_terminate_backend. Refresh and check work from any process: the one holding the session asks that session,
 * others ask pg_locks whether the session named in the row still holds the lock.
 */
export class PostgresLockBackend implements LockBackend {
  readonly name = 'postgres';
  private readonly schema: string;
  private readonly table: PostgresLeaseTable;
  private readonly sessions = new Map<string, Session>();
  private readonly logger: LockLogger;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: PostgresLockOptions) {
    this.schema = options.schema ?? 'public';
    this.table = new PostgresLeaseTable(options.url, this.schema);
    this.logger = options.logger ?? SILENT_LOCK_LOGGER;
    this.now = options.now ?? Date.now;
  }

  async acquire(resource: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    const session = await this.unavailableOnError(async () => {
      await this.table.ensureExists();
      return this.openSession(resource);
    });
    try {
      const lease = await this.tryAcquire(session, owner, ttlMs);
      if (lease) this.sessions.set(lease.token, session);
      else await session.client.end();
      return lease;
    } catch (error) {
      await session.client.end().catch(() => undefined);
      throw this.unavailable(error);
    }
  }

  async refresh(lease: Lease, ttlMs: number): Promise<Lease> {
    const now = this.now();
    const refreshed: Lease = { ...lease, expiresAt: now + ttlMs };
    const params = [lease.resource, lease.token, new Date(now), new Date(refreshed.expiresAt)];
    const { refreshOnSession, refreshAnywhere } = this.table.sql;
    if ((await this.touch(lease, refreshOnSession, refreshAnywhere, params)) !== 1)
      throw await this.lost(lease);
    return refreshed;
  }

  async check(lease: Lease): Promise<void> {
    const params = [lease.resource, lease.token, new Date(this.now())];
    const { checkOnSession, checkAnywhere } = this.table.sql;
    if ((await this.touch(lease, checkOnSession, checkAnywhere, params)) !== 1) throw await this.lost(lease);
  }

  async release(lease: Lease): Promise<void> {
    const session = this.sessions.get(lease.token);
    this.sessions.delete(lease.token);
    try {
      // The row goes first: a row without its lock would look like a dead holder to the next acquirer.
      const row = await this.unavailableOnError(() => this.table.delete(lease.resource, lease.token));
      // Held by a session in another process: end it there.
      if (!session && row)
        await this.unavailableOnError(() => this.table.terminate(row.lock_key, row.backend_pid));
    } finally {
      if (session) await session.client.end().catch(() => undefined);
    }
  }

  async list(): Promise<LeaseInfo[]> {
    const rows = await this.unavailableOnError(() => this.table.list());
    const now = this.now();
    return rows.map((row) => ({
      resource: row.resource,
      owner: row.owner,
      heartbeatAt: row.heartbeat_at.getTime(),
      expiresAt: row.expires_at.getTime(),
      stale: !row.held || row.expires_at.getTime() <= now,
    }));
  }

  async forceRelease(resource: string): Promise<boolean> {
    const row = await this.unavailableOnError(() => this.table.delete(resource));
    if (!row) return false;
    // Only the session the row names is ended: any other session on the key took it after the row was read.
    await this.unavailableOnError(() => this.table.terminate(row.lock_key, row.backend_pid));
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.client.end().catch(() => undefined)));
    await this.table.close();
  }

  /** Locks the key on the session; takes over a stale or own lease by ending the session that holds it. */
  private async tryAcquire(session: Session, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    const { client, resource } = session;
    const key = advisoryKey(this.schema, resource);
    for (let attempt = 0; attempt < 2; attempt++) {
      const locked = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS got', [
        key,
      ]);
      const row = (await client.query<LeaseRow>(this.table.sql.readRow, [resource])).rows[0];
      if (locked.rows[0]?.got) return this.claim(session, owner, ttlMs, key, row);
      if (!row || !(await this.mayTakeOver(session, key, row, owner))) return null;
      this.logger.warn(
        { resource, previousOwner: row.owner, heartbeatAt: row.heartbeat_at.toISOString(), owner },
        'ending the session of a stale lease to take it over',
      );
      await this.table.terminate(key, row.backend_pid, client);
    }
    return null;
  }

  /** Whether the lock is held by the session the row names, and that lease is stale or already this owner's. */
  private async mayTakeOver(
    session: Session,
    key: string,
    row: LeaseRow,
    owner: LeaseOwner,
  ): Promise<boolean> {
    // A holder the row does not name is between locking and writing its row: it is live.
    if (!(await this.table.holders(key, session.client)).includes(row.backend_pid)) return false;
    return row.expires_at.getTime() <= this.now() || row.owner.id === owner.id;
  }

  private async claim(
    { client, resource }: Session,
    owner: LeaseOwner,
    ttlMs: number,
    key: string,
    previous: LeaseRow | undefined,
  ): Promise<Lease> {
    const now = this.now();
    const lease: Lease = { resource, token: randomUUID(), owner, acquiredAt: now, expiresAt: now + ttlMs };
    const { token, expiresAt } = lease;
    await client.query(this.table.sql.claim, [
      resource,
      token,
      owner,
      new Date(now),
      new Date(expiresAt),
      key,
    ]);
    if (!previous || previous.owner.id === owner.id) return lease;
    // The row outlived its lock: the holder's session ended without releasing (crash, kill, network loss).
    this.logger.warn(
      { resource, previousOwner: previous.owner, heartbeatAt: previous.heartbeat_at.toISOString(), owner },
      'took over a stale lease',
    );
    return { ...lease, takenOverFrom: previous.owner };
  }

  /**
   * Runs a check or refresh and returns the rows it matched: on the lease's own session when this process holds
   * it (a session that is gone means the lock is gone), otherwise through pg_locks.
   */
  private async touch(lease: Lease, onSession: string, anywhere: string, params: unknown[]): Promise<number> {
    const session = this.sessions.get(lease.token);
    if (!session) return this.unavailableOnError(() => this.table.touchIfHeld(anywhere, params));
    if (session.dead) throw await this.lost(lease);
    try {
      return (await session.client.query(onSession, params)).rowCount ?? 0;
    } catch (error) {
      throw await this.lost(lease, error);
    }
  }

  /** Forgets a lost lease's session, closing it, and returns the error to throw. */
  private async lost(lease: Lease, cause?: unknown): Promise<LeaseLostError> {
    const session = this.sessions.get(lease.token);
    this.sessions.delete(lease.token);
    if (session) await session.client.end().catch(() => undefined);
    return new LeaseLostError(lease.resource, lease.token, cause === undefined ? undefined : { cause });
  }

  private async openSession(resource: string): Promise<Session> {
    const client = new Client({
      connectionString: this.options.url,
      keepAlive: true,
      application_name: 'db-archiver lease',
    });
    const session: Session = { client, resource, dead: false };
    let connected = false;
    // Without a listener, a session ended by the server (pg_terminate_backend, restart) would crash the process.
    client.on('error', (error) => {
      if (connected && !session.dead) {
        this.logger.warn(
          { resource, error: error.message },
          'the session holding a lease ended; the lease is lost',
        );
      }
      session.dead = true;
    });
    client.on('end', () => (session.dead = true));
    await client.connect();
    connected = true;
    return session;
  }

  private async unavailableOnError<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  private unavailable(error: unknown): Error {
    return error instanceof ArchiverError ? error : new LockBackendUnavailableError('postgres', error);
  }
}
