import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { getObjectBytes, putObject } from './objects';

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

/** Where a state document is kept: S3 beside the archives, or a table in the source database. */
export interface StateStore {
  read(key: string): Promise<string | null>;
  write(key: string, text: string): Promise<void>;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The text of a sealed state document: the value and the SHA-256 of its JSON. */
export function sealState<T>(value: T): string {
  const sealed: Sealed<T> = { value, sha256: digest(value) };
  return JSON.stringify(sealed, null, 2) + '\n';
}

/**
 * Reads a sealed state document. A missing or corrupt one is reported, never guessed at: callers fall back to
 * the behaviour that cannot skip rows.
 */
export function unsealState<T>(text: string | null): StateLoad<T> {
  if (text === null) return { status: 'missing' };
  let sealed: Sealed<T>;
  try {
    sealed = JSON.parse(text) as Sealed<T>;
  } catch (error) {
    return { status: 'corrupt', reason: `not valid JSON (${(error as Error).message})` };
  }
  if (
    typeof sealed !== 'object' ||
    sealed === null ||
    !('value' in sealed) ||
    typeof sealed.sha256 !== 'string'
  ) {
    return { status: 'corrupt', reason: 'not a sealed state document' };
  }
  if (digest(sealed.value) !== sealed.sha256)
    return { status: 'corrupt', reason: 'checksum does not match its content' };
  return { status: 'ok', value: sealed.value };
}

export function s3StateStore(s3: S3Client, bucket: string): StateStore {
  return {
    async read(key) {
      try {
        return (await getObjectBytes(s3, bucket, key)).toString('utf8');
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return null;
        throw error;
      }
    },
    async write(key, text) {
      await putObject(s3, bucket, key, Buffer.from(text, 'utf8'), 'application/json');
    },
  };
}

export async function saveState<T>(store: StateStore, key: string, value: T): Promise<void> {
  await store.write(key, sealState(value));
}

export async function loadState<T>(store: StateStore, key: string): Promise<StateLoad<T>> {
  return unsealState<T>(await store.read(key));
}
