import type { PrepareTargetInput, PrepareTargetResult } from '../shared/restore';
import { getJson, sidecarKeys, type BatchMeta } from '../storage';
import { TableNotFoundError } from '../errors';
import type { ActivityDeps } from './deps';

/**
 * Makes sure the restore target exists: an existing table is used as it is (its columns are matched by name
 * later), a missing one is created from the archived schema of the newest batch. A target without a primary key
 * is refused (MissingPrimaryKeyError): without one a repeated restore could not tell what it already inserted.
 */
export function createPrepareRestoreTarget(deps: ActivityDeps) {
  return async function prepareRestoreTarget(input: PrepareTargetInput): Promise<PrepareTargetResult> {
    const engine = deps.engines.get(input.database);
    try {
      const existing = await engine.introspect(input.target);
      return { target: existing.qualifiedName, created: false };
    } catch (error) {
      if (!(error instanceof TableNotFoundError)) throw error;
    }
    const meta = await getJson<BatchMeta>(deps.s3, deps.storage.bucket, sidecarKeys(input.schemaFrom).meta);
    const created = await engine.ensureTable(input.target, meta.columns, meta.primaryKey);
    return { target: created.qualifiedName, created: true };
  };
}
