import { createHash } from 'node:crypto';

/**
 * The SQL of the PostgreSQL lease backend. The advisory lock is the lease; the table says who holds it and which
 * session (backend_pid) holds the lock, so any process can tell a live lease from one whose session died.
 */

export const LEASES_TABLE = 'db_archiver_leases';

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The 64-bit advisory lock key of a resource, as a decimal string for a `bigint` parameter. The schema is part of
 * the key, so two lease tables on one database are independent lease namespaces.
 */
export function advisoryKey(schema: string, resource: string): string {
  return createHash('sha256')
    .update(`db-archiver\0${schema}\0${resource}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

// A bigint advisory lock shows in pg_locks as its high 32 bits in classid, its low 32 bits in objid, objsubid 1.
const matchesKey = (key: string, locks = 'pg_locks') => `${locks}.locktype = 'advisory' AND ${locks}.granted
  AND ${locks}.objsubid = 1
  AND ${locks}.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND ${locks}.classid = ((${key} >> 32) & 4294967295)::oid AND ${locks}.objid = (${key} & 4294967295)::oid`;

export interface LeaseSql {
  createTable: string;
  readRow: string;
  holderPids: string;
  terminateHolder: string;
  claim: string;
  refreshOnSession: string;
  refreshAnywhere: string;
  checkOnSession: string;
  checkAnywhere: string;
  deleteByToken: string;
  deleteByResource: string;
  list: string;
}

/** Statements for the lease table in `schema`. Parameters are numbered as each statement's comment says. */
export function leaseSql(schema: string): LeaseSql {
  const table = `${quoteIdentifier(schema)}.${LEASES_TABLE}`;
  const heldByRowSession = `EXISTS (SELECT 1 FROM pg_locks WHERE ${matchesKey('lease.lock_key')}
    AND pg_locks.pid = lease.backend_pid)`;
  return {
    createTable: `CREATE TABLE IF NOT EXISTS ${table} (
      resource text PRIMARY KEY,
      token text NOT NULL,
      owner jsonb NOT NULL,
      acquired_at timestamptz NOT NULL,
      heartbeat_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      lock_key bigint NOT NULL,
      backend_pid integer NOT NULL)`,
    // $1 resource
    readRow: `SELECT token, owner, heartbeat_at, expires_at, backend_pid FROM ${table} WHERE resource = $1`,
    // $1 lock key
    holderPids: `SELECT pid FROM pg_locks WHERE ${matchesKey('$1::bigint')}`,
    // $1 lock key, $2 backend pid: ends that session only if it still holds the lock
    terminateHolder: `SELECT pg_terminate_backend(pid) AS terminated FROM pg_locks
      WHERE ${matchesKey('$1::bigint')} AND pid = $2`,
    // $1 resource, $2 token, $3 owner, $4 now, $5 expires at, $6 lock key; run on the session holding the lock
    claim: `INSERT INTO ${table} AS lease
        (resource, token, owner, acquired_at, heartbeat_at, expires_at, lock_key, backend_pid)
      VALUES ($1, $2, $3, $4, $4, $5, $6, pg_backend_pid())
      ON CONFLICT (resource) DO UPDATE SET token = excluded.token, owner = excluded.owner,
        acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at,
        expires_at = excluded.expires_at, lock_key = excluded.lock_key, backend_pid = excluded.backend_pid`,
    // $1 resource, $2 token, $3 now, $4 new expiry
    refreshOnSession: `UPDATE ${table} AS lease SET heartbeat_at = $3, expires_at = $4
      WHERE resource = $1 AND token = $2 AND expires_at > $3 AND backend_pid = pg_backend_pid()`,
    refreshAnywhere: `UPDATE ${table} AS lease SET heartbeat_at = $3, expires_at = $4
      WHERE resource = $1 AND token = $2 AND expires_at > $3 AND ${heldByRowSession}`,
    // $1 resource, $2 token, $3 now
    checkOnSession: `SELECT 1 FROM ${table} AS lease
      WHERE resource = $1 AND token = $2 AND expires_at > $3 AND backend_pid = pg_backend_pid()`,
    checkAnywhere: `SELECT 1 FROM ${table} AS lease
      WHERE resource = $1 AND token = $2 AND expires_at > $3 AND ${heldByRowSession}`,
    // $1 resource, $2 token
    deleteByToken: `DELETE FROM ${table} WHERE resource = $1 AND token = $2 RETURNING backend_pid, lock_key`,
    // $1 resource
    deleteByResource: `DELETE FROM ${table} WHERE resource = $1 RETURNING backend_pid, lock_key`,
    list: `SELECT resource, owner, heartbeat_at, expires_at, ${heldByRowSession} AS held
      FROM ${table} AS lease ORDER BY resource`,
  };
}
