import type { WatermarkInput } from '../shared';
import { saveState, stateKey } from '../storage';
import type { ActivityDeps } from './deps';
import { watermarkStateStore } from './state-stores';

/** `_state/watermark.json`: how far a table's archive has come. */
export interface Watermark {
  table: string;
  /** Every candidate row with a timestamp before this instant is archived (ISO 8601), or null. */
  archivedBefore: string | null;
  lastKey: string[] | null;
  lastTimestamp: string | null;
  runId: string;
  completed: boolean;
  updatedAt: string;
}

/** Saves the watermark after a batch (progress) and when a table's scan completes (advances archivedBefore). */
export function createSaveWatermark(deps: ActivityDeps) {
  return async function saveWatermark(input: WatermarkInput): Promise<void> {
    const engine = deps.engines.get(input.database);
    const table = await engine.introspect(input.table.name);
    const watermark: Watermark = {
      table: table.qualifiedName,
      archivedBefore: input.archivedBefore,
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
