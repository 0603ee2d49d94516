/**
 * Payload types that cross the workflow/activity border. They are sandbox-safe (plain data only) and never
 * carry row data or secrets: a database is named, never addressed; rows stay inside activities.
 */

/** One table as the workflow sees it: everything needed to plan batches, nothing that connects. */
export interface TableSpec {
  /** As configured: `schema.table` (PostgreSQL) or `database.table` (MySQL), or a bare table name. */
  name: string;
  timestampColumn: string;
  olderThanMs: number;
  where?: string;
  batchSize: number;
  delete: boolean;
  drift: 'warn' | 'fail';
  /** Where the watermark is kept: S3 beside the archives, or a table in the source database. */
  watermarkStore?: 's3' | 'database';
  verify: VerifySettings;
  /**
   * How the run compresses the table's data objects (`storage.compression` as the run's configuration says). It
   * travels in the input so that every attempt of a batch, on any worker, writes the same data key: batch objects
   * are written once, and two attempts must never write one batch under two keys. Absent in runs started before
   * it was added, all of which wrote gzip: such a run goes on with gzip whatever the worker's setting
   * (runCompression in src/storage/compression.ts).
   */
  compression?: BatchCompression;
}

export type CompressionName = 'gzip' | 'zstd';

export interface BatchCompression {
  name: CompressionName;
  /** gzip 1–9, zstd 1–19. */
  level: number;
}

/** How many deleted keys of each batch are re-checked: samplePercent of the batch, clamped to [min, max]. */
export interface VerifySettings {
  samplePercent: number;
  min: number;
  max: number;
}

export interface DatabaseInput {
  /** Configured database name; the worker resolves it to a connection from its own configuration. */
  database: string;
  engine: 'postgres' | 'mysql';
  tables: TableSpec[];
  dryRun: boolean;
  /** Shared by every database of one fleet run; part of each object key so runs never overwrite each other. */
  runId: string;
  /** Epoch ms fixed when the fleet run starts, so every batch of a run uses the same cutoff. */
  startedAtMs: number;
  /** Continue-as-new once the history has this many events; default 10,000 (tests lower it). */
  historyEventsLimit?: number;
  /** Lease settings when a lock backend is configured; absent with `lock.backend: none`. */
  lease?: LeaseSettings;
  /** Heartbeat timeout of the batch activities (`run.heartbeatTimeout`); default 2 minutes. */
  heartbeatTimeoutMs?: number;
  /** Pacing and the replica-lag check of this database (docs/load-protection.md); absent: none. */
  loadProtection?: LoadProtection;
  /** The run stops at a batch boundary once `startedAtMs + maxRunTimeMs` has passed (`run.maxRunTime`). */
  maxRunTimeMs?: number;
  /** Whether the namespace has the archiver's search attributes (FleetInput.searchAttributes). */
  searchAttributes?: boolean;
  /** `archiver run --full-scan`: archive-only tables read their whole old range again (FleetInput.fullScan). */
  fullScan?: boolean;
}

/**
 * How gently a database is archived (docs/load-protection.md). Every field is optional; none set means batches
 * follow each other as fast as the database allows. Never a connection string: the worker finds the replica to
 * watch in its own configuration, by database name.
 */
export interface LoadProtection {
  /** Pause after every batch (`sleepBetweenBatches`). */
  sleepBetweenBatchesMs?: number;
  /** Average rows per second since the database's run started (or since its last wait) stays under this. */
  maxRowsPerSecond?: number;
  /** Before each batch the replica's lag must be known and at most `maxMs`; otherwise the run waits. */
  replicaLag?: { maxMs: number; checkEveryMs: number };
}

export interface LeaseSettings {
  ttlMs: number;
  refreshMs: number;
}

/** Which lease a delete must still hold: the run's owner id on the database's resource. */
export interface LeaseRef {
  resource: string;
  ownerId: string;
}

export interface FleetInput {
  databases: Omit<
    DatabaseInput,
    | 'runId'
    | 'startedAtMs'
    | 'dryRun'
    | 'historyEventsLimit'
    | 'lease'
    | 'heartbeatTimeoutMs'
    | 'maxRunTimeMs'
    | 'searchAttributes'
    | 'fullScan'
  >[];
  concurrency: number;
  dryRun: boolean;
  historyEventsLimit?: number;
  lease?: LeaseSettings;
  heartbeatTimeoutMs?: number;
  /** Stop at a batch boundary once the run is this old (`run.maxRunTime`, `archiver run --max-run-time`). */
  maxRunTimeMs?: number;
  /**
   * Set the ArchiverDatabase/ArchiverTable search attributes on the database workflows. Only when the namespace
   * has them registered (the CLI checks): starting a workflow with an unknown search attribute fails.
   */
  searchAttributes?: boolean;
  /**
   * `archiver run --full-scan`: every archive-only table reads its whole old range again, archives the rows whose
   * line the archive does not hold yet (late rows behind the watermark, rows changed since), skips the others, and
   * moves the watermark to the end of the range. Tables whose rows are deleted scan their whole range anyway.
   */
  fullScan?: boolean;
}

/**
 * A row's place in (timestamp, primary key) order, the order archive-only tables are scanned in: its timestamp
 * and primary key in the database's own text form. The watermark of an archive-only table is the position of its
 * last archived row; the next run archives the rows after it.
 */
export interface RowPosition {
  timestamp: string;
  key: string[];
}

/**
 * Where an archive-only table's scan started (the report and `status`): after `after`, the last archived row; or,
 * with no position yet, at `notBefore` (a watermark written by a version that kept only the previous cutoff);
 * both null: from the start of the table.
 */
export interface TableStart {
  after: RowPosition | null;
  notBefore: string | null;
  /** True for `archiver run --full-scan`: the whole old range was read again, rows already archived skipped. */
  fullScan?: boolean;
}

export interface ArchiveBatchInput {
  database: string;
  runId: string;
  table: TableSpec;
  /** Rows with a timestamp strictly before this instant are candidates. */
  cutoffMs: number;
  batchSeq: number;
  /** Primary key of the last row of the previous batch, as text values in key-column order. */
  afterKey: string[] | null;
  /** Incremental lower bound for archive-only tables (from the watermark), or null. */
  notBeforeMs: number | null;
  /**
   * `timestamp`: archive-only tables scan in (timestamp, primary key) order after `after`; absent or `key`:
   * primary-key order after `afterKey` (tables whose rows are deleted, and runs started by older versions).
   */
  order?: 'key' | 'timestamp';
  /** `timestamp` order: the position of the last row archived before this batch, or null at the start. */
  after?: RowPosition | null;
  /** `--full-scan` (timestamp order only): rows whose line the archive already holds are read and skipped. */
  fullScan?: boolean;
}

/** What a batch of a full scan read: its rows, those already in the archive, and the last one's position. */
export interface BatchScan {
  read: number;
  alreadyArchived: number;
  /** The last row read, archived now or before: the next batch reads after it. */
  position: RowPosition;
}

/** What one archived batch left in S3; null when the table had no candidate rows left. */
export interface ArchivedBatch {
  rows: number;
  dataKey: string;
  sha256: string;
  compressedBytes: number;
  firstKey: string[];
  lastKey: string[];
  /** Largest timestamp in the batch, in the database's text form. */
  maxTimestamp: string | null;
  /**
   * Batches of a full scan. With `rows: 0` every row read was archived before: no object was written (the
   * data key and checksums are empty) and the batch number is not used.
   */
  scan?: BatchScan;
}

export interface BatchRef {
  database: string;
  table: TableSpec;
  cutoffMs: number;
  dataKey: string;
  /** The lease the delete checks before it commits; absent when no lock backend is configured. */
  lease?: LeaseRef;
}

export interface DeleteBatchResult {
  deleted: number;
  skippedChanged: number;
  alreadyGone: number;
}

export interface VerifyBatchResult {
  /** Sampled keys that were checked and found right. */
  verified: number;
}

/** Why a run stopped before it had archived everything: its time limit (`run.maxRunTime`) was reached. */
export type StopReason = 'maxRunTime';

export interface TableReport {
  table: string;
  /**
   * `stopped`: the run's time limit came before the table's last batch (or before the table started). What was
   * archived and deleted is counted; the rest stays in the source for the next run.
   */
  status: 'completed' | 'failed' | 'stopped';
  error?: string;
  stopReason?: StopReason;
  /** Schema changes found since the table's last archive (drift: warn). */
  schemaDrift?: string[];
  /** How the incremental start point was found: archive-only tables use their watermark. */
  watermark?: WatermarkStatus;
  /** Archive-only tables: where this run's scan started. */
  start?: TableStart;
  archived: number;
  deleted: number;
  verified: number;
  skippedChanged: number;
  /** `--full-scan`: rows read again and skipped, because the archive already held them as they are. */
  alreadyArchived?: number;
  batches: number;
  bytes: number;
  durationMs: number;
}

export interface DatabaseReport {
  name: string;
  /** `stopped`: no table failed and at least one was stopped by the time limit. */
  status: 'completed' | 'failed' | 'stopped';
  error?: string;
  stopReason?: StopReason;
  tables: TableReport[];
}

export interface FleetReport {
  /**
   * `stopped`: nothing failed, and the time limit stopped the run before everything was archived (exit code 0;
   * the next run continues). A failure anywhere makes it `partial` or `failed` as before.
   */
  status: 'completed' | 'partial' | 'failed' | 'stopped';
  stopReason?: StopReason;
  runId: string;
  dryRun: boolean;
  databases: DatabaseReport[];
}

/**
 * `ok`: the scan started after the last archived row; `missing` or `corrupt`: from the start of the table;
 * `migrated`: at the cutoff an older version's watermark kept (this run writes a position); `reset`: from the
 * start, because the watermark was a position for another timestamp column; `unused`: a table whose rows are
 * deleted, scanned from its start every run; `full-scan`: the whole old range was read again (`--full-scan`).
 */
export type WatermarkStatus = 'ok' | 'missing' | 'corrupt' | 'unused' | 'migrated' | 'reset' | 'full-scan';

export interface TablePlan {
  /**
   * Archive-only tables whose watermark has no position yet (one written by an older version, which kept the
   * previous run's cutoff): rows before this instant went into an earlier completed run.
   */
  notBeforeMs: number | null;
  /**
   * Archive-only tables: the position of the last archived row; the scan archives the rows after it. Always
   * present in plans of this version (null: no position); absent in plans an older version recorded in a
   * workflow history, whose run then goes on in primary-key order as it started.
   */
  after?: RowPosition | null;
  /** `--full-scan`: the whole old range is read again, and rows already in the archive are skipped. */
  fullScan?: boolean;
  watermark: WatermarkStatus;
  drift: string[];
}

export interface WatermarkInput {
  database: string;
  runId: string;
  table: TableSpec;
  lastKey: string[] | null;
  lastTimestamp: string | null;
  /**
   * The position of the last archived row (archive-only tables scanned in timestamp order); null when none has
   * been archived yet. Absent from runs started by older versions, which keep `archivedBefore` alone.
   */
  position?: RowPosition | null;
  /**
   * ISO instant: with no position, the next run starts at it (rows before it were archived). Older versions
   * advanced it to the run's cutoff when a scan completed; this version only carries a migrated one forward.
   */
  archivedBefore: string | null;
  /**
   * A full scan (`--full-scan`) is under way: the next run goes on with it after `position`, still skipping rows
   * the archive holds, until one reaches the end of the old range.
   */
  fullScan?: boolean;
  completed: boolean;
}

/**
 * What one look at a database's replica found: its lag in seconds, or null when the lag cannot be known
 * (replication stopped, the replica unreachable), with `problem` saying why. Unknown counts as too much.
 */
export interface ReplicaLagReading {
  lagSeconds: number | null;
  problem?: string;
}
