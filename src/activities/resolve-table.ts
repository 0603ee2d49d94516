import type { Engine, ExtractQuery, TableInfo } from '../engines';
import type { RowPosition, TableSpec } from '../shared';
import { ColumnNotFoundError, TimestampColumnTypeError } from '../errors';

/** Types a cutoff compares with as an instant: PostgreSQL timestamp[tz]/date, MySQL DATETIME/TIMESTAMP/DATE. */
const TIME_TYPE = /^(timestamp|date|datetime)\b/i;

/**
 * Where a scan reads: archive-only tables in (timestamp, primary key) order after the last archived row's
 * position; otherwise (and for runs started by older versions, whose inputs have no order) in key order.
 */
export interface ScanStart {
  order?: 'key' | 'timestamp';
  after?: RowPosition | null;
}

/** Introspects a configured table and checks its configured columns before any row is read. */
export async function resolveTable(
  engine: Engine,
  spec: TableSpec,
  cutoffMs: number,
  notBeforeMs: number | null = null,
  scan: ScanStart = {},
): Promise<{ table: TableInfo; predicate: Omit<ExtractQuery, 'afterKey' | 'limit'> }> {
  const table = await engine.introspect(spec.name);
  const column = table.columns.find((c) => c.name === spec.timestampColumn);
  if (!column) throw new ColumnNotFoundError(table.qualifiedName, spec.timestampColumn);
  if (!TIME_TYPE.test(column.dataType)) {
    throw new TimestampColumnTypeError(table.qualifiedName, column.name, column.dataType);
  }
  return {
    table,
    predicate: {
      table,
      timestampColumn: spec.timestampColumn,
      cutoff: new Date(cutoffMs),
      ...(notBeforeMs !== null ? { notBefore: new Date(notBeforeMs) } : {}),
      where: spec.where,
      ...(scan.order === 'timestamp' ? { order: 'timestamp', afterPosition: scan.after ?? null } : {}),
    },
  };
}
