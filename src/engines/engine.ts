/**
 * The contract every database engine adapter fulfils. Identifiers never come from the caller's strings directly:
 * `introspect` resolves a configured table name against the catalog, and every later call takes the returned
 * TableInfo, whose names the adapter quotes itself.
 */

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
}

/** A row in the database's own text form: exact for every type, null for SQL NULL. */
export type Row = Record<string, string | null>;

export interface ExtractQuery {
  table: TableInfo;
  timestampColumn: string;
  /** Rows whose timestamp is strictly before this instant (UTC) are candidates. */
  cutoff: Date;
  /** Operator-trusted extra predicate from the configuration. */
  where?: string;
  /** Keyset position: only rows whose primary key sorts after this one; null for the first batch. */
  afterKey: string[] | null;
  limit: number;
}

export interface Engine {
  readonly kind: EngineKind;

  /**
   * Resolves a configured table name to its catalog description.
   * @throws TableNotFoundError when the table does not exist; MissingPrimaryKeyError when it has no primary key.
   */
  introspect(tableName: string): Promise<TableInfo>;

  /** Streams candidate rows in primary-key order; never uses OFFSET. */
  streamRows(query: ExtractQuery): AsyncIterable<Row>;

  /** Counts every candidate row (for dry runs). */
  countRows(query: Omit<ExtractQuery, 'afterKey' | 'limit'>): Promise<number>;

  /**
   * Deletes the rows with the given primary keys that still match the archive predicate; rows already gone are
   * not an error. Returns how many rows were deleted.
   */
  deleteKeys(query: Omit<ExtractQuery, 'afterKey' | 'limit'>, keys: string[][]): Promise<number>;

  /** Closes every connection of the adapter's pool. */
  close(): Promise<void>;
}
