import { Client } from 'pg';
import { NotAReplicaError, ReplicaCheckError } from '../replica-errors';
import type { LagReading } from '../replica-lag';
import { REPLICA_CONNECT_TIMEOUT_MS, REPLICA_QUERY_TIMEOUT_MS } from '../replica-timeouts';

// A standby that has replayed everything it received is not behind, however old its last replayed transaction
// is (an idle primary sends nothing); otherwise the lag is the age of the last transaction it replayed. Without
// a running WAL receiver the standby does not know what the primary has, so the lag is unknown. The recovery
// functions raise an error on a primary, hence the CASEs. pg_stat_wal_receiver shows a user without pg_monitor
// (or pg_read_all_stats) the receiver's pid and nothing else, so its status is read together with the pid.
const LAG_SQL = `
SELECT pg_is_in_recovery() AS in_recovery,
       (SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS receiver,
       (SELECT pid FROM pg_stat_wal_receiver LIMIT 1) AS receiver_pid,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused,
       CASE WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END::float8 AS lag`;

interface LagRow {
  in_recovery: boolean;
  receiver: string | null;
  receiver_pid: number | null;
  replay_paused: boolean | null;
  lag: number | null;
}

/** The lag of a PostgreSQL streaming standby; see readReplicaLag. */
export async function postgresReplicaLag(database: string, url: string): Promise<LagReading> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS,
    query_timeout: REPLICA_QUERY_TIMEOUT_MS,
  });
  // An error event on an idle client would otherwise be thrown at the process.
  client.on('error', () => undefined);
  await client.connect();
  let failed = false;
  try {
    const { rows } = await client.query<LagRow>(LAG_SQL);
    const row = rows[0]!;
    if (!row.in_recovery) throw new NotAReplicaError(database, 'postgres', 'pg_is_in_recovery() is false');
    if (row.receiver_pid !== null && row.receiver === null) {
      // Not knowing whether the standby streams, the run would wait for ever: say what the user lacks instead.
      throw new ReplicaCheckError(
        database,
        "the user of replicaUrl may not read pg_stat_wal_receiver's status (GRANT pg_monitor TO that user)",
        '42501',
      );
    }
    if (row.receiver !== 'streaming') {
      return {
        lagSeconds: null,
        problem: `the standby is not streaming from its primary (WAL receiver: ${row.receiver ?? 'not running'})`,
      };
    }
    if (row.lag === null) {
      return { lagSeconds: null, problem: 'the standby has not replayed any transaction since it started' };
    }
    const lagSeconds = Math.max(0, Math.round(row.lag * 10) / 10);
    return row.replay_paused && lagSeconds > 0
      ? { lagSeconds, problem: 'WAL replay is paused on the standby (pg_wal_replay_pause)' }
      : { lagSeconds };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A session whose query failed may be one that stopped answering: its socket is dropped, not closed politely.
    if (failed) client.connection.stream.destroy();
    else await client.end().catch(() => undefined);
  }
}
