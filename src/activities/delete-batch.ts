import type { DeleteBatchInput, DeleteBatchResult } from '../shared';
import { getJson } from '../storage';
import type { ActivityDeps } from './deps';
import type { BatchManifest } from './archive-batch';
import { resolveTable } from './resolve-table';

/**
 * Deletes the rows a verified batch archived. The key list comes from the manifest in S3, never through the
 * workflow; rows already gone are not an error, so a retry is harmless.
 */
export function createDeleteBatch(deps: ActivityDeps) {
  return async function deleteBatch(
    input: DeleteBatchInput & { cutoffMs: number },
  ): Promise<DeleteBatchResult> {
    const engine = deps.engines.get(input.database);
    const { predicate } = await resolveTable(engine, input.table, input.cutoffMs);
    const manifest = await getJson<BatchManifest>(deps.s3, deps.bucket, input.manifestKey);
    const deleted = await engine.deleteKeys(predicate, manifest.keys);
    return { deleted, skippedChanged: manifest.keys.length - deleted };
  };
}
