/**
 * The replicas `scripts/services.sh up` starts beside the primaries (postgres-replica, mariadb-replica), and ways
 * to make them fall behind the way operators see it happen: PostgreSQL WAL replay paused on the standby while
 * the primary writes, MariaDB's SQL thread stopped.
 */
import { Client as PgClient } from 'pg';
import { createConnection } from 'mysql2/promise';
import type { EventsTable } from './events-table';

export const PG_REPLICA_URL =
  process.env.TEST_PG_REPLICA_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres';
export const MYSQL_REPLICA_URL = process.env.TEST_MYSQL_REPLICA_URL ?? 'mysql://root@127.0.0.1:3307';

/** The same database on the replica. */
export function replicaUrlOf(table: EventsTable): string {
  return table.engine === 'postgres'
    ? PG_REPLICA_URL.replace(/\/[^/]*$/, `/${table.database}`)
    : `${MYSQL_REPLICA_URL}/${table.database}`;
}

async function onReplica<T>(engine: EventsTable['engine'], sql: string, database?: string): Promise<T[]> {
  if (engine === 'postgres') {
    const url = database ? PG_REPLICA_URL.replace(/\/[^/]*$/, `/${database}`) : PG_REPLICA_URL;
    const client = new PgClient({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const connection = await createConnection({ uri: MYSQL_REPLICA_URL, ...(database ? { database } : {}) });
  try {
    const [rows] = await connection.query(sql);
    return rows as T[];
  } finally {
    await connection.end();
  }
}

/** The table's ids as the replica has them, or null while the replica does not have the table yet. */
export async function replicaIds(table: EventsTable): Promise<number[] | null> {
  try {
    const rows = await onReplica<{ id: string | number }>(
      table.engine,
      'SELECT id FROM events ORDER BY id',
      table.database,
    );
    return rows.map((r) => Number(r.id));
  } catch {
    return null;
  }
}

/** Waits until the replica has exactly the primary's rows of the table. */
export async function waitUntilReplicated(table: EventsTable, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [primary, replica] = [await table.ids(), await replicaIds(table)];
    if (replica !== null && JSON.stringify(primary) === JSON.stringify(replica)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the ${table.engine} replica did not catch up with ${table.database} in ${timeoutMs} ms (primary ${primary.length} rows, replica ${replica?.length ?? 'no table'}); is it up? bash scripts/services.sh status`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Stops the replica from applying what the primary sends (it keeps receiving it). */
export async function stopApplying(engine: EventsTable['engine']): Promise<void> {
  if (engine === 'postgres') await onReplica(engine, 'SELECT pg_wal_replay_pause()');
  else await onReplica(engine, 'STOP SLAVE SQL_THREAD');
}

export async function resumeApplying(engine: EventsTable['engine']): Promise<void> {
  if (engine === 'postgres') await onReplica(engine, 'SELECT pg_wal_replay_resume()');
  else await onReplica(engine, 'START SLAVE SQL_THREAD');
}
