import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { getJsonIfExists, putJson } from './objects';

/** Per-table state objects beside the archives: `{prefix}/{database}/{schema.table}/_state/{name}.json`. */
export function stateKey(
  prefix: string,
  database: string,
  table: string,
  name: 'watermark' | 'schema',
): string {
  return [prefix, database, table, '_state', `${name}.json`].filter((p) => p.length > 0).join('/');
}

interface Sealed<T> {
  value: T;
  /** SHA-256 (hex) of JSON.stringify(value): catches an edited or truncated state object. */
  sha256: string;
}

export type StateLoad<T> =
  { status: 'ok'; value: T } | { status: 'missing' } | { status: 'corrupt'; reason: string };

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

export async function saveState<T>(s3: S3Client, bucket: string, key: string, value: T): Promise<void> {
  const sealed: Sealed<T> = { value, sha256: digest(value) };
  await putJson(s3, bucket, key, sealed);
}

/**
 * Loads a state object and checks its seal. A missing or corrupt object is reported, never guessed at: callers
 * fall back to the behaviour that cannot skip rows.
 */
export async function loadState<T>(s3: S3Client, bucket: string, key: string): Promise<StateLoad<T>> {
  let sealed: Sealed<T> | null;
  try {
    sealed = await getJsonIfExists<Sealed<T>>(s3, bucket, key);
  } catch (error) {
    if (error instanceof SyntaxError)
      return { status: 'corrupt', reason: `not valid JSON (${error.message})` };
    throw error;
  }
  if (sealed === null) return { status: 'missing' };
  if (typeof sealed !== 'object' || !('value' in sealed) || typeof sealed.sha256 !== 'string') {
    return { status: 'corrupt', reason: 'not a sealed state object' };
  }
  if (digest(sealed.value) !== sealed.sha256)
    return { status: 'corrupt', reason: 'checksum does not match its content' };
  return { status: 'ok', value: sealed.value };
}
