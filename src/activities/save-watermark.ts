import type { RowPosition, WatermarkInput } from '../shared';
import { saveState, stateKey } from '../storage';
import type { ActivityDeps } from './deps';
import { watermarkStateStore } from './state-stores';

/**
 * `_state/watermark.json`: how far a table's archive has come. Version 2 (this one) keeps the position of the
 * last archived row in (timestamp, primary key) order; documents without `version` were written by older
 * versions, which kept only `archivedBefore`, the cutoff of the last completed run (see watermark-start.ts).
 */
export interface Watermark {
  /** 2: `position` is meaningful. Absent: an older version's document. */
  version?: 2;
  table: string;
  /** The column `position.timestamp` belongs to: the position is meaningless under another one. */
  timestampColumn?: string;
  /**
   * The last archived row: every candidate row sorting at or before it in (timestamp, primary key) order was
   * archived when it was read. Null: no row archived since this format began (see `archivedBefore`).
   */
  position?: RowPosition | null;
  /**
   * With no position: rows before this instant were archived (ISO 8601), or null. Older versions advanced it
   * to each completed run's cutoff; this version carries a migrated one forward until the first row is archived.
   */
  archivedBefore: string | null;
  /**
   * A full scan stopped before the end of the old range (a failure, the time limit): the rows after `position`
   * may include rows archived before, so the next run goes on with the full scan, skipping those. Absent once a
   * scan completes.
   */
  fullScan?: true;
  /** Progress of the writing run (its last batch's last key and largest timestamp), for people. */
  lastKey: string[] | null;
  lastTimestamp: string | null;
  runId: string;
  completed: boolean;
  updatedAt: string;
}

/**
 * Saves the watermark after a batch (progress: the new position) and when a table's scan completes. Runs started
 * by older versions send no position and keep the old document shape, so their next run migrates it.
 */
export function createSaveWatermark(deps: ActivityDeps) {
  return async function saveWatermark(input: WatermarkInput): Promise<void> {
    const engine = deps.engines.get(input.database);
    const table = await engine.introspect(input.table.name);
    const versioned =
      input.position !== undefined
        ? { version: 2 as const, timestampColumn: input.table.timestampColumn, position: input.position }
        : {};
    const watermark: Watermark = {
      ...versioned,
      table: table.qualifiedName,
      archivedBefore: input.archivedBefore,
      ...(input.fullScan === true && !input.completed ? { fullScan: true as const } : {}),
      lastKey: input.lastKey,
      lastTimestamp: input.lastTimestamp,
      runId: input.runId,
      completed: input.completed,
      updatedAt: new Date().toISOString(),
    };
    await saveState(
      watermarkStateStore(deps, input.database, input.table),
      stateKey(deps.storage.prefix, input.database, table.qualifiedName, 'watermark'),
      watermark,
    );
  };
}
