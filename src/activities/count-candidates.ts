import type { RowPosition, TableSpec } from '../shared';
import type { ActivityDeps } from './deps';
import { resolveTable } from './resolve-table';

/** For dry runs: how many rows a run would archive from one table; reads only. */
export function createCountCandidates(deps: ActivityDeps) {
  return async function countCandidates(input: {
    database: string;
    table: TableSpec;
    cutoffMs: number;
    notBeforeMs?: number | null;
    /** Archive-only tables: count the rows after the last archived row's position. */
    order?: 'key' | 'timestamp';
    after?: RowPosition | null;
  }): Promise<number> {
    const engine = deps.engines.get(input.database);
    const { predicate } = await resolveTable(
      engine,
      input.table,
      input.cutoffMs,
      input.notBeforeMs ?? null,
      input,
    );
    return engine.countRows(predicate);
  };
}
