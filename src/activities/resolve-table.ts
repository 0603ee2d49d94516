import type { Engine, ExtractQuery, TableInfo } from '../engines';
import type { TableSpec } from '../shared';
import { ColumnNotFoundError } from '../errors';

/** Introspects a configured table and checks its configured columns before any row is read. */
export async function resolveTable(
  engine: Engine,
  spec: TableSpec,
  cutoffMs: number,
  notBeforeMs: number | null = null,
): Promise<{ table: TableInfo; predicate: Omit<ExtractQuery, 'afterKey' | 'limit'> }> {
  const table = await engine.introspect(spec.name);
  if (!table.columns.some((c) => c.name === spec.timestampColumn)) {
    throw new ColumnNotFoundError(table.qualifiedName, spec.timestampColumn);
  }
  return {
    table,
    predicate: {
      table,
      timestampColumn: spec.timestampColumn,
      cutoff: new Date(cutoffMs),
      ...(notBeforeMs !== null ? { notBefore: new Date(notBeforeMs) } : {}),
      where: spec.where,
    },
  };
}
