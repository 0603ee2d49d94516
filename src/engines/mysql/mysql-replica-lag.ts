import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { NotAReplicaError } from '../replica-errors';
import type { LagReading } from '../replica-lag';
import { REPLICA_CONNECT_TIMEOUT_MS, REPLICA_QUERY_TIMEOUT_MS } from '../replica-timeouts';

type StatusRow = RowDataPacket & Record<string, unknown>;

/**
 * The lag of a MySQL or MariaDB replica: Seconds_Behind_Master (MySQL 8.0.22+: Seconds_Behind_Source) of
 * `SHOW REPLICA STATUS`, or `SHOW SLAVE STATUS` where that statement does not exist. With several replication
 * channels the largest lag counts. NULL means the SQL or I/O thread is not running: the lag is unknown.
 */
export async function mysqlReplicaLag(database: string, url: string): Promise<LagReading> {
  const connection = await createConnection({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectTimeout: REPLICA_CONNECT_TIMEOUT_MS,
  });
  connection.on('error', () => undefined);
  let failed = false;
  try {
    const rows = await replicaStatus(connection);
    if (rows.length === 0) {
      throw new NotAReplicaError(database, 'mysql', 'SHOW REPLICA STATUS returns no rows');
    }
    let worst: LagReading = { lagSeconds: 0 };
    for (const row of rows) {
      const lag = row.Seconds_Behind_Source ?? row.Seconds_Behind_Master;
      if (lag === null || lag === undefined) return { lagSeconds: null, problem: stoppedReason(row) };
      const seconds = Number(lag);
      if (seconds > (worst.lagSeconds ?? 0)) worst = { lagSeconds: seconds };
    }
    return worst;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A connection whose query failed may be one that stopped answering: closing it politely would wait on it.
    if (failed) connection.destroy();
    else await connection.end().catch(() => connection.destroy());
  }
}

async function replicaStatus(connection: Connection): Promise<StatusRow[]> {
  try {
    const [rows] = await connection.query<StatusRow[]>({
      sql: 'SHOW REPLICA STATUS',
      timeout: REPLICA_QUERY_TIMEOUT_MS,
    });
    return rows;
  } catch (error) {
    // MySQL before 8.0.22 and MariaDB before 10.5 know only the older name.
    if ((error as { code?: unknown }).code !== 'ER_PARSE_ERROR') throw error;
    const [rows] = await connection.query<StatusRow[]>({
      sql: 'SHOW SLAVE STATUS',
      timeout: REPLICA_QUERY_TIMEOUT_MS,
    });
    return rows;
  }
}

function stoppedReason(row: StatusRow): string {
  const io = row.Replica_IO_Running ?? row.Slave_IO_Running;
  const sql = row.Replica_SQL_Running ?? row.Slave_SQL_Running;
  const error = row.Last_SQL_Error || row.Last_IO_Error;
  return `replication is not running (IO thread: ${String(io)}, SQL thread: ${String(sql)})${error ? `: ${String(error)}` : ''}`;
}
