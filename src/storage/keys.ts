import { compressionSpec, dataKeyBase, type Compression } from './compression';

/**
 * The S3 key layout, an interface for people who read archives without this tool (docs/s3-layout.md):
 *   {prefix}/{database}/{schema.table}/runs/{runId}/batch-{seq}.jsonl.zst     rows, one JSON object per line
 *                                                                  (.jsonl.gz with `storage.compression: gzip`)
 *   {prefix}/{database}/{schema.table}/runs/{runId}/batch-{seq}.manifest.json primary keys of the batch
 *   {prefix}/{database}/{schema.table}/runs/{runId}/batch-{seq}.meta.json     schema, counts, checksums
 *   {prefix}/{database}/{schema.table}/runs/{runId}/batch-{seq}.deleted.json  which keys the delete removed
 *   {prefix}/_runs/{runId}/report.json                                        the fleet report
 * Keys are a pure function of (run, table, batch), so a retried batch finds its own objects; batch objects are
 * written once (If-None-Match), so no attempt replaces another's (docs/s3-layout.md, "Written once"). The data key's
 * suffix also names the compression (src/storage/compression.ts).
 */

function join(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join('/');
}

export function tablePrefix(prefix: string, database: string, table: string): string {
  return join(prefix, database, table) + '/';
}

export function batchKeys(
  prefix: string,
  database: string,
  table: string,
  runId: string,
  batchSeq: number,
  compression: Compression = 'gzip',
): { data: string; manifest: string; meta: string; deleted: string } {
  const base = join(
    tableRunsPrefix(prefix, database, table),
    runId,
    `batch-${String(batchSeq).padStart(6, '0')}`,
  );
  return {
    data: `${base}${compressionSpec(compression).suffix}`,
    manifest: `${base}.manifest.json`,
    meta: `${base}.meta.json`,
    deleted: `${base}.deleted.json`,
  };
}

/** Where every run's batches of one table live. */
export function tableRunsPrefix(prefix: string, database: string, table: string): string {
  return join(prefix, database, table, 'runs');
}

/** The sidecar keys of a data object (of either compression), derived from its key. */
export function sidecarKeys(dataKey: string): { manifest: string; meta: string; deleted: string } {
  const base = dataKeyBase(dataKey);
  return { manifest: `${base}.manifest.json`, meta: `${base}.meta.json`, deleted: `${base}.deleted.json` };
}

export function reportKey(prefix: string, runId: string): string {
  return join(prefix, '_runs', runId, 'report.json');
}
