import { ArchiverError } from '../errors';

/**
 * Errors of the replica-lag check (load protection, docs/load-protection.md). Each names the configuration key
 * to fix; all three are final (listed in NON_RETRYABLE_ERROR_TYPES): a retry would find the same thing.
 */

/** The run checks replica lag but this worker's configuration names no replica for the database. */
export class ReplicaNotConfiguredError extends ArchiverError {
  constructor(readonly database: string) {
    super(
      `Database ${database} has no replicaUrl in this worker's configuration, but its run checks replica lag; start the worker with the same config file as the run.`,
    );
  }
}

/** The server at replicaUrl answers but is not replicating from anything. */
export class NotAReplicaError extends ArchiverError {
  constructor(
    readonly database: string,
    readonly engine: string,
    readonly detail: string,
  ) {
    super(
      `The server at replicaUrl of database ${database} is not a replica (${detail}); point replicaUrl at a ${engine === 'postgres' ? 'streaming standby' : 'replica'} of the database, or remove maxReplicaLag.`,
    );
  }
}

/** The replica answered, but the lag query failed for a reason a retry cannot fix (privileges, say). */
export class ReplicaCheckError extends ArchiverError {
  constructor(
    readonly database: string,
    readonly reason: string,
    readonly code: string,
  ) {
    super(
      `Checking the replica lag of database ${database} at replicaUrl failed: ${reason}; check replicaUrl and that its user may read the replication status (PostgreSQL: pg_monitor; MariaDB: REPLICA MONITOR; MySQL: REPLICATION CLIENT).`,
    );
  }
}
