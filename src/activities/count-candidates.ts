import type { TableSpec } from '../shared';
import type { ActivityDeps } from './deps';
import { resolveTable } from './resolve-table';

/** For dry runs: how many rows a run would archive from one table; reads only. */
export function createCountCandidates(deps: ActivityDeps) {
  return async function countCandidates(input: {
    database: string;
    table: TableSpec;
    cutoffMs: number;
    notBeforeMs?: number | null;
  }): Promise<number> {
    const engine = deps.engines.get(input.database);
    const { predicate } = await resolveTable(engine, input.table, input.cutoffMs, input.notBeforeMs ?? null);
    return engine.countRows(predicate);
  };
}
