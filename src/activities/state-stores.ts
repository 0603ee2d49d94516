import { s3StateStore, type StateStore } from '../storage';
import type { TableSpec } from '../shared';
import type { ActivityDeps } from './deps';

/** The S3 store beside the archives; schema snapshots always live there. */
export function archiveStateStore(deps: ActivityDeps): StateStore {
  return s3StateStore(deps.s3, deps.storage.bucket);
}

/** Where a table's watermark lives: S3 by default, or the source database's `db_archiver_state` table. */
export function watermarkStateStore(deps: ActivityDeps, database: string, table: TableSpec): StateStore {
  if (table.watermarkStore !== 'database') return archiveStateStore(deps);
  const engine = deps.engines.get(database);
  return { read: (key) => engine.readState(key), write: (key, text) => engine.writeState(key, text) };
}
