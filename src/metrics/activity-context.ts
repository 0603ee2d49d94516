import { DATA_SUFFIX_PATTERN } from '../storage/compression';

/**
 * Which database, table, run and batch an activity works on, read from its input. Activities take one input
 * object; the batch activities name the run and batch directly (archiveBatch) or through the data object's key
 * (deleteBatch, verifyBatch, restoreBatch: `…/{table}/runs/{runId}/batch-{seq}.jsonl.gz` or `.jsonl.zst`, see
 * src/storage/keys.ts).
 */
export interface ActivityContext {
  database?: string;
  /** As configured (`public.events`, or a bare `events`); from a data key, `schema.table`. */
  table?: string;
  /** The fleet run's id, shared by every database of one run. */
  runId?: string;
  batch?: number;
}

const DATA_KEY = new RegExp(`(?:^|/)([^/]+)/runs/([^/]+)/batch-(\\d+)${DATA_SUFFIX_PATTERN}$`);

export function activityContext(args: readonly unknown[]): ActivityContext {
  const input = args[0];
  if (typeof input !== 'object' || input === null) return {};
  const fields = input as Record<string, unknown>;
  const fromKey = typeof fields.dataKey === 'string' ? DATA_KEY.exec(fields.dataKey) : null;
  const context: ActivityContext = {};
  const database = text(fields.database);
  const table = tableName(fields.table) ?? fromKey?.[1];
  const runId = text(fields.runId) ?? fromKey?.[2];
  const batch =
    typeof fields.batchSeq === 'number' ? fields.batchSeq : fromKey ? Number(fromKey[3]) : undefined;
  if (database !== undefined) context.database = database;
  if (table !== undefined) context.table = table;
  if (runId !== undefined) context.runId = runId;
  if (batch !== undefined) context.batch = batch;
  return context;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A TableSpec (`{ name }`) or a table name. */
function tableName(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null) return text((value as { name?: unknown }).name);
  return text(value);
}
