import { log } from '@temporalio/activity';
import type { TablePlan, TableSpec } from '../shared';
import { loadState, saveState, stateKey } from '../storage';
import { SchemaDriftError } from '../errors';
import type { ActivityDeps } from './deps';
import { resolveTable } from './resolve-table';
import { archiveStateStore, watermarkStateStore } from './state-stores';
import { schemaDifferences, snapshotOf, type SchemaSnapshot } from './schema-drift';
import type { Watermark } from './save-watermark';
import { watermarkStart } from './watermark-start';

/**
 * Runs before a table's first batch: checks the table and its configured columns, compares its schema with the
 * one recorded by the last archive (drift), and finds where an archive-only table's incremental scan starts.
 */
export function createPrepareTable(deps: ActivityDeps) {
  return async function prepareTable(input: {
    database: string;
    table: TableSpec;
    dryRun?: boolean;
    /** `--full-scan`: an archive-only table reads its whole old range again, skipping rows already archived. */
    fullScan?: boolean;
  }): Promise<TablePlan> {
    const { prefix } = deps.storage;
    const engine = deps.engines.get(input.database);
    const { table } = await resolveTable(engine, input.table, 0);
    const context = { database: input.database, table: table.qualifiedName };

    const schemaKey = stateKey(prefix, input.database, table.qualifiedName, 'schema');
    const current = snapshotOf(table);
    const previous = await loadState<SchemaSnapshot>(archiveStateStore(deps), schemaKey);
    const drift = previous.status === 'ok' ? schemaDifferences(previous.value, current) : [];
    if (drift.length > 0 && input.table.drift === 'fail')
      throw new SchemaDriftError(table.qualifiedName, drift);
    if (drift.length > 0)
      log.warn('Schema changed since the last archive', { ...context, differences: drift });
    if (previous.status === 'corrupt')
      log.warn('Schema state is corrupt; recording the current schema', {
        ...context,
        reason: previous.reason,
      });
    // A dry run changes nothing, not even the recorded schema.
    if (!input.dryRun) await saveState(archiveStateStore(deps), schemaKey, current);

    // A table whose rows are deleted is always scanned from its start: the rows left behind are exactly the
    // ones that still need archiving (changed during a run, or not yet old enough), and a start point could skip them.
    if (input.table.delete) return { notBeforeMs: null, after: null, watermark: 'unused', drift };
    if (input.fullScan)
      return { notBeforeMs: null, after: null, fullScan: true, watermark: 'full-scan', drift };
    const watermark = await loadState<Watermark>(
      watermarkStateStore(deps, input.database, input.table),
      stateKey(prefix, input.database, table.qualifiedName, 'watermark'),
    );
    const start = watermarkStart(watermark, input.table);
    if (start.problem) {
      log.warn('Watermark not usable; scanning from the start', {
        ...context,
        watermark: start.watermark,
        reason: start.problem,
      });
    }
    return {
      notBeforeMs: start.notBeforeMs,
      after: start.after,
      ...(start.fullScan ? { fullScan: true } : {}),
      watermark: start.watermark,
      drift,
    };
  };
}
