import { getJson, getJsonIfExists, sidecarKeys } from '../storage';
import type { BatchManifest, BatchMeta, DeletionRecord } from '../storage';
import type { ActivityDeps } from './deps';

/** What deleteBatch and verifyBatch read about a finished batch before they look at the source. */
export interface BatchSidecars {
  meta: BatchMeta;
  manifest: BatchManifest;
  /** The deletion record; null when the batch has none yet, or when it was not asked for. */
  record: DeletionRecord | null;
}

/**
 * Reads a batch's metadata and manifest, and its deletion record when `withRecord`, as independent reads fetched
 * together: one round trip instead of three. Sidecars this worker wrote itself come from its sidecar cache.
 */
export async function readBatchSidecars(
  deps: ActivityDeps,
  dataKey: string,
  withRecord: boolean,
): Promise<BatchSidecars> {
  const { bucket } = deps.storage;
  const sidecars = sidecarKeys(dataKey);
  const cached = { cache: deps.sidecars };
  const [meta, manifest, record] = await Promise.all([
    getJson<BatchMeta>(deps.s3, bucket, sidecars.meta, cached),
    getJson<BatchManifest>(deps.s3, bucket, sidecars.manifest, cached),
    withRecord ? getJsonIfExists<DeletionRecord>(deps.s3, bucket, sidecars.deleted, cached) : null,
  ]);
  return { meta, manifest, record };
}
