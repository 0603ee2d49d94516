/**
 * The contract every database engine adapter fulfils. Identifiers never come from the caller's strings directly:
 * `introspect` resolves a configured table name against the catalog, and every later call takes the returned
 * TableInfo, whose names the adapter quotes itself.
 */

import type { RowPosition } from '../shared/types';

export type EngineKind = 'postgres' | 'mysql';

export interface ColumnInfo {
  name: string;
  /** The catalog's type name, e.g. `bigint`, `timestamp with time zone`, `decimal(12,2)`. */
  dataType: string;
  nullable: boolean;
}

export interface TableInfo {
  /** Schema (PostgreSQL) or database (MySQL) the table lives in. */
  schema: string;
  name: string;
  /** `schema.name`, as used in object keys and reports. */
  qualifiedName: string;
  columns: ColumnInfo[];
  /** Primary-key column names in key order. */
  primaryKey: string[];
  /** Secondary and primary indexes, for the schema snapshot and drift detection. */
  indexes: IndexInfo[];
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
}

/** A row in the database's own text form: exact for every type, null for SQL NULL. */
export type Row = Record<string, string | null>;

export interface ExtractQuery {
  table: TableInfo;
  timestampColumn: string;
  /** Rows whose timestamp is strictly before this instant (UTC) are candidates. */
  cutoff: Date;
  /** Incremental runs of archive-only tables: rows before this instant were archived by an earlier run. */
  notBefore?: Date;
  /** Operator-trusted extra predicate from the configuration. */
  where?: string;
  /**
   * The scan's order. `key` (the default): primary-key order, resuming after `afterKey`; tables whose rows are
   * deleted scan so. `timestamp`: (timestampColumn, primary key) order, resuming after `afterPosition`; archive-only
   * tables scan so, which makes "the last archived row" a position that later rows (late ones included) sort after.
   */
  order?: ScanOrder;
  /** `timestamp` order only: only rows whose (timestamp, primary key) sorts after this position. */
  afterPosition?: RowPosition | null;
  /** Keyset position: only rows whose primary key sorts after this one; null for the first batch. */
  afterKey: string[] | null;
  limit: number;
}

export type ScanOrder = 'key' | 'timestamp';

export type { RowPosition };

/** A row as read for archiving, with the database's own fingerprint of the row at that moment. */
export interface ExtractedRow {
  row: Row;
  /**
   * The database's fingerprint of this row version (PostgreSQL: `xmin:ctid`; MySQL: an MD5 over the values);
   * recomputed by the guarded delete, equal only while the row is unchanged.
   */
  rowHash: string;
}

export interface GuardedDeleteEntry {
  key: string[];
  rowHash: string;
}

export interface GuardedDeleteResult {
  deleted: string[][];
  /** Rows whose fingerprint no longer matches: changed after extraction, so they stay. */
  skippedChanged: string[][];
  /** Keys with no row any more. */
  alreadyGone: string[][];
}

export interface Engine {
  readonly kind: EngineKind;

  /**
   * Resolves a configured table name to its catalog description.
   * @throws TableNotFoundError when the table does not exist; MissingPrimaryKeyError when it has no primary key.
   */
  introspect(tableName: string): Promise<TableInfo>;

  /**
   * Streams candidate rows with their fingerprints, in the query's order (primary key, or timestamp then
   * primary key), a chunk of rows at a time (one
   * fetch's worth: per-row awaits would cost more than the rows); never uses OFFSET. `eachRow` flattens it.
   */
  streamRows(query: ExtractQuery): AsyncIterable<ExtractedRow[]>;

  /** Counts every candidate row (for dry runs). */
  countRows(query: Omit<ExtractQuery, 'afterKey' | 'limit'>): Promise<number>;

  /**
   * In one transaction: locks the rows with the given keys (SELECT … FOR UPDATE, or the DELETE's own row locks),
   * recomputes each fingerprint on the locked version, and deletes exactly the rows whose fingerprint equals the
   * archived one; the rows it keeps are locked too until the commit. `beforeCommit` runs while the locks
   * are held, with the outcome (for the lease check and the deletion record); if it throws, nothing is deleted. Keys already gone are reported, not an error.
   */
  guardedDelete(
    table: TableInfo,
    entries: readonly GuardedDeleteEntry[],
    beforeCommit?: (result: GuardedDeleteResult) => Promise<void>,
  ): Promise<GuardedDeleteResult>;

  /** Which of the given keys still exist, as `JSON.stringify(key)` strings. */
  existingKeys(table: TableInfo, keys: readonly string[][]): Promise<Set<string>>;

  /**
   * Returns the table to restore into, creating it from an archived schema when it does not exist.
   * @throws TableNotFoundError never; a schema conflict with an existing table is reported by insertRows.
   */
  ensureTable(
    target: string,
    columns: readonly ColumnInfo[],
    primaryKey: readonly string[],
  ): Promise<TableInfo>;

  /** Inserts rows given in text form; rows whose key already exists are left as they are. Returns rows inserted. */
  insertRows(table: TableInfo, rows: readonly Row[]): Promise<number>;

  /**
   * Reads a state document (a table's watermark) kept in the source database itself, in a `db_archiver_state`
   * table; null when there is none (or no such table yet).
   */
  readState(key: string): Promise<string | null>;

  /** Writes a state document into `db_archiver_state`, creating the table on first use. */
  writeState(key: string, text: string): Promise<void>;

  /** Connections of the adapter's pool: open, idle, and callers waiting for one (for the resource log). */
  poolStats(): { total: number; idle: number; waiting: number };

  /** Closes every connection of the adapter's pool. */
  close(): Promise<void>;
}
