import type { Compression } from '../storage/compression';

/**
 * The validated configuration. Every default is filled and the whole object is frozen, so code that receives a
 * Config can read it without re-checking and cannot change it for anyone else. Durations keep the text people
 * wrote (`olderThan: '90d'`) next to the milliseconds code uses (`olderThanMs`).
 */

export interface Config {
  readonly temporal: TemporalConfig;
  readonly storage: StorageConfig;
  readonly run: RunConfig;
  readonly worker: WorkerConfig;
  readonly lock: LockConfig;
  /** At least one; names are unique. */
  readonly databases: readonly DatabaseConfig[];
}

export interface TemporalConfig {
  /** host:port of the frontend; default `127.0.0.1:7233`. */
  readonly address: string;
  /** Default `default`. */
  readonly namespace: string;
  /** Default `archiver`. */
  readonly taskQueue: string;
}

export interface StorageConfig {
  readonly bucket: string;
  /** Key prefix without leading or trailing `/`; `''` when objects start at the bucket root. */
  readonly prefix: string;
  /** S3-compatible endpoint (MinIO); absent for AWS S3. */
  readonly endpoint?: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** Objects at least this large are uploaded in parts; default 16 MiB. */
  readonly multipartThresholdBytes: number;
  /** Size of each multipart part, at least 5 MiB (S3's minimum); default 8 MiB. */
  readonly partSizeBytes: number;
  /** How data objects are compressed: `zstd` (default) or `gzip`. */
  readonly compression: Compression;
  /** Level of that compression: gzip 1 (fastest) to 9 (smallest), default 6; zstd 1 to 19, default 1. */
  readonly compressionLevel: number;
}

export interface RunConfig {
  /** Databases archived at once, 1 to 64; default 2. */
  readonly concurrency: number;
  /** How long a batch activity may go without a heartbeat before another worker retries it; default `2m`. */
  readonly heartbeatTimeout: string;
  readonly heartbeatTimeoutMs: number;
  /** The run stops at a batch boundary once it is this old; absent: no limit (docs/load-protection.md). */
  readonly maxRunTime?: string;
  readonly maxRunTimeMs?: number;
}

export interface WorkerConfig {
  /** Activities one worker runs at once; keep it near the sum of the pools it serves. Default 16. */
  readonly maxConcurrentActivities: number;
  /** How long in-flight activities get to finish after SIGINT/SIGTERM; default `30s`. */
  readonly shutdownGrace: string;
  readonly shutdownGraceMs: number;
  /** Interval of the worker's resource log line (memory, pool use); default `60s`. */
  readonly resourceLogEvery: string;
  readonly resourceLogEveryMs: number;
  /**
   * Prometheus metrics on http://host:port/metrics (docs/metrics.md). Absent: `archiver worker` serves them on
   * 127.0.0.1:9464 (a worker built in-process serves none); `false`: no metrics endpoint.
   */
  readonly metrics?: MetricsConfig | false;
}

export interface MetricsConfig {
  readonly port: number;
  /** Address to bind; default `127.0.0.1` (`0.0.0.0` in a container). */
  readonly host: string;
}

export type LockBackend = 'redis' | 'postgres' | 'file' | 'none';

export interface LockConfig {
  /** `none` relies on Temporal's workflow ids alone; default `none`. */
  readonly backend: LockBackend;
  /** Present exactly when the backend is `redis` (`redis://`, `rediss://`) or `postgres`. */
  readonly url?: string;
  /** Present exactly when the backend is `file`. */
  readonly path?: string;
  /** How long a lease outlives its last refresh; default `2m`. */
  readonly ttl: string;
  readonly ttlMs: number;
  /** Lease refresh interval, shorter than `ttl`; default `30s`. */
  readonly refreshEvery: string;
  readonly refreshMs: number;
}

export type EngineName = 'postgres' | 'mysql';

export interface DatabaseConfig {
  /** Unique; used in workflow ids and S3 keys. */
  readonly name: string;
  /** `mysql` covers MariaDB too. */
  readonly engine: EngineName;
  /** Connection string, possibly with a password: never log it unredacted (see LOG_REDACT_PATHS). */
  readonly url: string;
  /** Connections per worker, 1 to 100; default 4. */
  readonly pool: number;
  /** Where archive-only tables keep their watermark: `s3` (the table's `_state/`) or `database` (a
   * `db_archiver_state` table in this database); default `s3`. */
  readonly watermarkStore: 's3' | 'database';
  /** Pause after every batch; `0s` (the default) is off. */
  readonly sleepBetweenBatches: string;
  readonly sleepBetweenBatchesMs: number;
  /** Rows per second the run's average stays under; absent: unlimited. */
  readonly maxRowsPerSecond?: number;
  /** Before each batch the replica's lag must be at most this; present exactly when replicaUrl is. */
  readonly maxReplicaLag?: string;
  readonly maxReplicaLagMs?: number;
  /** The replica to watch, same engine as `url`; may carry a password like `url`. */
  readonly replicaUrl?: string;
  /** How often the lag is re-checked while the run waits for the replica; default `5s`. */
  readonly replicaCheckEvery: string;
  readonly replicaCheckEveryMs: number;
  /** At least one; unique within the database by qualifiedName. */
  readonly tables: readonly TableConfig[];
}

export type DriftPolicy = 'warn' | 'fail';

export interface TableConfig {
  /** As written: `schema.table` or `table` (PostgreSQL), `database.table` or `table` (MySQL). */
  readonly name: string;
  /**
   * Always `schema.table`: a bare PostgreSQL name is in `public`, a bare MySQL name in the database the url
   * names. Both parts are raw identifiers; engines quote them.
   */
  readonly qualifiedName: string;
  readonly timestampColumn: string;
  /** Rows whose timestamp is older than this are archived, e.g. `90d`. */
  readonly olderThan: string;
  readonly olderThanMs: number;
  /** Extra predicate ANDed to the age filter; operator-trusted SQL, absent when not configured. */
  readonly where?: string;
  /** Rows per batch, 1 to 1,000,000; default 5000. */
  readonly batchSize: number;
  /**
   * False archives without deleting; the watermark (the last archived row's position) keeps rows from being
   * archived twice. Default true.
   */
  readonly delete: boolean;
  /** What a schema change since the last run does; default `warn`. */
  readonly drift: DriftPolicy;
  readonly verify: VerifyConfig;
}

/** How many archived rows are read back and compared after each batch: the percentage, bounded by min and max. */
export interface VerifyConfig {
  /** 0 to 100; default 1. */
  readonly samplePercent: number;
  /** Default 10. */
  readonly min: number;
  /** At least min; default 1000. */
  readonly max: number;
}
