import { createHash } from 'node:crypto';
import { NoSuchKey, NotFound } from '@aws-sdk/client-s3';
import { Context, log } from '@temporalio/activity';
import type { VerifyArchivedBatchInput, VerifyArchivedBatchResult, VerifyProblem } from '../shared/verify';
import {
  dataKeyBase,
  getObjectBytes,
  headObject,
  isDataKey,
  sidecarKeys,
  type BatchManifest,
  type BatchMeta,
} from '../storage';
import type { ActivityDeps } from './deps';
import { checkDeletionRecord, checkManifest, checkMeta, describeLines } from './verify-archive-checks';
import { readArchiveLines, type ReadOutcome } from './verify-archive-read';

const HEARTBEAT_EVERY_LINES = 1000;

type JsonRead =
  { status: 'missing' } | { status: 'invalid'; reason: string } | { status: 'ok'; value: unknown };

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return (
    error instanceof NoSuchKey || error instanceof NotFound || name === 'NoSuchKey' || name === 'NotFound'
  );
}

async function readJson(deps: ActivityDeps, key: string): Promise<JsonRead> {
  let bytes: Buffer;
  try {
    bytes = await getObjectBytes(deps.s3, deps.storage.bucket, key);
  } catch (error) {
    if (isNotFound(error)) return { status: 'missing' };
    throw error;
  }
  try {
    return { status: 'ok', value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch (error) {
    return { status: 'invalid', reason: (error as Error).message };
  }
}

/** A sidecar's parsed JSON; undefined (and a problem) when it is missing or does not parse. */
async function readSidecar(
  deps: ActivityDeps,
  key: string,
  what: string,
  report: (key: string, problems: string[]) => void,
  required = true,
): Promise<unknown> {
  const read = await readJson(deps, key);
  if (read.status === 'missing' && required) report(key, [`the ${what} is missing`]);
  if (read.status === 'invalid') report(key, [`the ${what} is not valid JSON (${read.reason})`]);
  return read.status === 'ok' ? read.value : undefined;
}

async function headIfExists(deps: ActivityDeps, key: string) {
  try {
    return await headObject(deps.s3, deps.storage.bucket, key);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * The batch's data key and what S3 stores there. The listing names a batch whose data object is gone by its gzip
 * key, as it reads no sidecar: when nothing stands there and the metadata names another data key of the batch
 * (the other compression), that one is checked and reported, so a zstd batch goes by the key it was written to.
 */
async function findDataObject(deps: ActivityDeps, listed: string, metaValue: unknown) {
  const stored = await headIfExists(deps, listed);
  const named = (metaValue as { dataKey?: unknown } | null | undefined)?.dataKey;
  const other =
    typeof named === 'string' &&
    named !== listed &&
    isDataKey(named) &&
    dataKeyBase(named) === dataKeyBase(listed);
  if (stored !== null || !other) return { dataKey: listed, stored };
  return { dataKey: named, stored: await headIfExists(deps, named) };
}

/** Lines that disagree with the manifest in one way: the first few line numbers and how many in all. */
class LineFindings {
  readonly first: number[] = [];
  count = 0;
  add(index: number): void {
    if (this.first.length < 5) this.first.push(index);
    this.count += 1;
  }
  describe(singular: string, plural: string): string | null {
    if (this.count === 0) return null;
    return `${describeLines(this.first, this.count)} ${this.count === 1 ? singular : plural}`;
  }
}

/** Compares every line with its manifest entry: the line's SHA-256, and its primary-key values. */
function lineChecker(manifest: BatchManifest | null) {
  const wrongHash = new LineFindings();
  const wrongKey = new LineFindings();
  const notJson = new LineFindings();
  const heartbeat = Context.current();
  function onLine(line: string, index: number): void {
    if ((index + 1) % HEARTBEAT_EVERY_LINES === 0) heartbeat.heartbeat({ lines: index + 1 });
    if (!manifest || index >= manifest.keys.length) return;
    if (createHash('sha256').update(line, 'utf8').digest('hex') !== manifest.lineSha256[index])
      wrongHash.add(index);
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      row = null;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return notJson.add(index);
    const values = row as Record<string, unknown>;
    const key = manifest.primaryKey.map((k) => values[k] ?? '');
    if (JSON.stringify(key) !== JSON.stringify(manifest.keys[index])) wrongKey.add(index);
  }
  function problems(): string[] {
    return [
      wrongHash.describe(
        `does not hash to the manifest's lineSha256`,
        `do not hash to the manifest's lineSha256`,
      ),
      wrongKey.describe(
        `holds other primary-key values than the manifest's keys`,
        `hold other primary-key values than the manifest's keys`,
      ),
      notJson.describe('is not a JSON object', 'are not JSON objects'),
    ].filter((p): p is string => p !== null);
  }
  return { onLine, problems };
}

/** What S3 says it stores against what the metadata recorded: the size and S3's own SHA-256 checksum. */
function storedProblems(stored: { size: number; checksumSha256?: string }, meta: BatchMeta | null): string[] {
  if (!meta) return [];
  const problems: string[] = [];
  if (stored.size !== meta.compressedBytes)
    problems.push(`S3 stores ${stored.size} bytes, but the metadata records ${meta.compressedBytes}`);
  if (stored.checksumSha256 === undefined)
    problems.push(`S3 holds no SHA-256 checksum for it, but the metadata records ${meta.s3ChecksumSha256}`);
  else if (stored.checksumSha256 !== meta.s3ChecksumSha256)
    problems.push(
      `S3's SHA-256 checksum is ${stored.checksumSha256}, but the metadata records ${meta.s3ChecksumSha256}`,
    );
  return problems;
}

/** What the data object's bytes say against the metadata, once read. */
function dataProblems(read: ReadOutcome, meta: BatchMeta | null, manifest: BatchManifest | null): string[] {
  if (read.status === 'missing') return ['the data object is missing'];
  if (read.status === 'unreadable') return [`the data object does not decompress (${read.reason})`];
  const problems: string[] = [];
  if (meta && read.sha256 !== meta.sha256) {
    problems.push(`its uncompressed SHA-256 is ${read.sha256}, but the metadata records ${meta.sha256}`);
  }
  if (meta && read.lines !== meta.rowCount) {
    problems.push(`it has ${read.lines} lines, but the metadata records ${meta.rowCount} rows`);
  } else if (!meta && manifest && read.lines !== manifest.keys.length) {
    problems.push(`it has ${read.lines} lines, but the manifest has ${manifest.keys.length} entries`);
  }
  return problems;
}

/**
 * Checks one archived batch against everything recorded about it (docs/verify.md) and returns every problem
 * found, each with the key of the object it concerns; it never stops at the first. The data object is streamed,
 * never held whole. Only trouble reaching S3 is thrown (and retried): a missing or damaged object is a problem.
 */
export function createVerifyArchivedBatch(deps: ActivityDeps) {
  return async function verifyArchivedBatch(
    input: VerifyArchivedBatchInput,
  ): Promise<VerifyArchivedBatchResult> {
    const { table } = input;
    const keys = sidecarKeys(input.dataKey);
    const problems: VerifyProblem[] = [];
    const report = (key: string, found: readonly string[]) => {
      for (const problem of found) problems.push({ key, problem });
    };

    const metaValue = await readSidecar(deps, keys.meta, 'metadata', report);
    const { dataKey, stored } = await findDataObject(deps, input.dataKey, metaValue);
    let meta: BatchMeta | null = null;
    if (metaValue !== undefined) {
      const checked = checkMeta(metaValue, { ...input, dataKey, manifestKey: keys.manifest });
      meta = checked.meta;
      report(keys.meta, checked.problems);
    }
    const manifestValue = await readSidecar(deps, keys.manifest, 'manifest', report);
    let manifest: BatchManifest | null = null;
    if (manifestValue !== undefined) {
      const checked = checkManifest(manifestValue, table, meta);
      manifest = checked.manifest;
      report(keys.manifest, checked.problems);
    }

    const lines = lineChecker(manifest);
    let read: ReadOutcome = { status: 'missing' };
    if (stored) {
      report(dataKey, storedProblems(stored, meta));
      read = await readArchiveLines(deps.s3, deps.storage.bucket, dataKey, lines.onLine);
    }
    report(dataKey, dataProblems(read, meta, manifest));
    // Lines that disagree with the manifest: the data object is at fault unless its bytes match the metadata.
    const dataIntact = meta !== null && read.status === 'read' && read.sha256 === meta.sha256;
    report(dataIntact ? keys.manifest : dataKey, lines.problems());

    // Archive-only tables and batches not yet deleted have no deletion record: its absence is no problem.
    const record = await readSidecar(deps, keys.deleted, 'deletion record', report, false);
    if (record !== undefined) {
      const manifestKeys = manifest ? new Set(manifest.keys.map((k) => JSON.stringify(k))) : null;
      report(keys.deleted, checkDeletionRecord(record, table, meta?.batch ?? null, manifestKeys));
    }

    const rows = read.status === 'missing' ? 0 : read.lines;
    const details = { database: input.database, table, dataKey, rows, problems: problems.length };
    if (problems.length > 0) log.warn('Archived batch has problems', details);
    else log.debug('Archived batch verified', details);
    return { dataKey, rows, bytes: stored?.size ?? 0, problems };
  };
}
