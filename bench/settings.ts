import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the benchmark finds the local services (scripts/services.sh) and keeps its own files. */

export type Engine = 'mariadb' | 'postgres';

export const ENGINES: readonly Engine[] = ['mariadb', 'postgres'];

export const SERVICES_HOME = process.env.DB_ARCHIVER_HOME ?? join(homedir(), '.cache', 'db-archiver');

/** Configs, logs, worker output and the anchors' archive files; outside the checkout, reused between runs. */
export const WORK_DIR = join(SERVICES_HOME, 'bench');

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' } as const;
export const S3_ENDPOINT = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
export const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

/** Own databases, bucket and task queue, so nothing collides with the test suite or the demo. */
export const BENCH_DATABASE = 'bench';
export const WARM_DATABASE = 'bench_warm';
export const BENCH_TABLE = 'events';
export const BUCKET = 'db-archiver-bench';
export const TASK_QUEUE = 'archiver-bench';

/** The share of rows older than the cutoff, and the cutoff (the archiver's `olderThan`). */
export const OLD_FRACTION = 0.77;
export const OLDER_THAN_DAYS = 90;

export function pgUrl(database: string): string {
  return `postgres://${PG.user}@${PG.host}:${PG.port}/${database}`;
}

export function mariadbUrl(database: string): string {
  return `mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${database}`;
}

/** The archive predicate's cutoff as the anchors write it: UTC, `YYYY-MM-DD HH:MM:SS`. */
export function cutoffLiteral(nowMs: number): string {
  return new Date(nowMs - OLDER_THAN_DAYS * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
}
