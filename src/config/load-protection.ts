import type { LoadProtection } from '../shared/types';
import type { DatabaseConfig } from './types';

/**
 * A database's load protection as its workflow receives it (DatabaseInput.loadProtection), ready to spread into
 * the input: the limits in milliseconds, never the replica's URL, which stays in the worker's configuration.
 * Empty when none is set, so inputs of databases without load protection stay as they were.
 */
export function loadProtectionOf(database: DatabaseConfig): { loadProtection?: LoadProtection } {
  const protection: LoadProtection = {
    ...(database.sleepBetweenBatchesMs > 0 ? { sleepBetweenBatchesMs: database.sleepBetweenBatchesMs } : {}),
    ...(database.maxRowsPerSecond !== undefined ? { maxRowsPerSecond: database.maxRowsPerSecond } : {}),
    ...(database.maxReplicaLagMs !== undefined
      ? { replicaLag: { maxMs: database.maxReplicaLagMs, checkEveryMs: database.replicaCheckEveryMs } }
      : {}),
  };
  return Object.keys(protection).length > 0 ? { loadProtection: protection } : {};
}
