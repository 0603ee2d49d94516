import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DATA_SUFFIX_PATTERN, getJson, isDataKey, tableRunsPrefix, type BatchManifest } from '../storage';
import type { ActivityDeps } from './deps';
import { mapLimited } from './map-limited';

/** Bytes of a line's SHA-256 kept: 128 bits, so that two different lines never pass for one. */
const RECORD = 16;
/** Buckets by the first two bytes: the records are uniformly spread, so each holds n / 65,536 of them. */
const BUCKETS = 1 << 16;
const FETCH_CONCURRENCY = 8;

/**
 * The lines a table's archive already holds, by their SHA-256: what `archiver run --full-scan` skips. A line is
 * the whole row (every column, its primary key included), so an equal hash is the same key with the same
 * contents; a row changed since it was archived has another line and is archived again.
 *
 * Kept as 16 bytes per line in one buffer, sorted within buckets of the first two bytes (about 16 MB per million
 * archived rows), rather than as a Set of strings (about five times as much).
 */
export class ArchivedLines {
  readonly #records: Buffer;
  readonly #starts: Uint32Array;

  private constructor(records: Buffer, starts: Uint32Array) {
    this.#records = records;
    this.#starts = starts;
  }

  /** From the hex SHA-256s of lines, in any order, duplicates allowed. */
  static of(hashes: string[]): ArchivedLines {
    return ArchivedLines.fromRecords([records(hashes)]);
  }

  /** From groups of records made by `records`. */
  static fromRecords(groups: Buffer[]): ArchivedLines {
    return ArchivedLines.#build(Buffer.concat(groups));
  }

  static #build(unsorted: Buffer): ArchivedLines {
    const n = unsorted.length / RECORD;
    const starts = new Uint32Array(BUCKETS + 1);
    for (let i = 0; i < n; i++) starts[bucketOf(unsorted, i * RECORD) + 1]! += 1;
    for (let b = 0; b < BUCKETS; b++) starts[b + 1]! += starts[b]!;
    const records = Buffer.alloc(unsorted.length);
    const fill = starts.slice(0, BUCKETS);
    for (let i = 0; i < n; i++) {
      const at = fill[bucketOf(unsorted, i * RECORD)]!++;
      unsorted.copy(records, at * RECORD, i * RECORD, (i + 1) * RECORD);
    }
    for (let b = 0; b < BUCKETS; b++) sortBucket(records, starts[b]!, starts[b + 1]!);
    return new ArchivedLines(records, starts);
  }

  /** Whether a line with this hex SHA-256 is in the archive. */
  has(lineSha256: string): boolean {
    const wanted = Buffer.from(lineSha256.slice(0, RECORD * 2), 'hex');
    const b = (wanted[0]! << 8) | wanted[1]!;
    let lo = this.#starts[b]!;
    let hi = this.#starts[b + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.#records.compare(wanted, 0, RECORD, mid * RECORD, (mid + 1) * RECORD);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }

  /** Distinct lines held. */
  get size(): number {
    let distinct = 0;
    for (let i = 0; i < this.#records.length / RECORD; i++) {
      if (
        i === 0 ||
        this.#records.compare(this.#records, (i - 1) * RECORD, i * RECORD, i * RECORD, (i + 1) * RECORD) !== 0
      )
        distinct += 1;
    }
    return distinct;
  }
}

/** The 16-byte records of lines' hex SHA-256s, for `ArchivedLines.fromRecords`. */
export function records(hashes: string[]): Buffer {
  for (const h of hashes) {
    if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(`not a SHA-256 in hex: ${JSON.stringify(h)}`);
  }
  return Buffer.from(hashes.map((h) => h.slice(0, RECORD * 2)).join(''), 'hex');
}

function bucketOf(records: Buffer, offset: number): number {
  return (records[offset]! << 8) | records[offset + 1]!;
}

/** Sorts records [from, to) in place; a bucket holds few records, so their copies cost little. */
function sortBucket(records: Buffer, from: number, to: number): void {
  if (to - from < 2) return;
  const items: Buffer[] = [];
  for (let i = from; i < to; i++) items.push(Buffer.from(records.subarray(i * RECORD, (i + 1) * RECORD)));
  items.sort(Buffer.compare);
  items.forEach((item, k) => item.copy(records, (from + k) * RECORD));
}

/** The objects of one batch, by suffix: a data object (either compression), the manifest, the metadata. */
const BATCH_OBJECT = new RegExp(
  `^(.*\\/runs\\/([^/]+)\\/batch-\\d+)(${DATA_SUFFIX_PATTERN}|\\.manifest\\.json|\\.meta\\.json)$`,
);

export interface ArchivedLinesSource {
  database: string;
  /** The table's qualified name, as in its S3 keys. */
  table: string;
  /** The run asking: its own batches are left out (a retry of one of them must write it as before). */
  runId: string;
}

/**
 * Reads the lines of every complete batch of a table in the archive: a batch counts when its data object,
 * manifest and metadata all stand (the metadata is written last, after S3 confirmed the data object's checksum),
 * whichever run wrote it, except the asking run's own batches.
 */
export async function loadArchivedLines(
  deps: ActivityDeps,
  source: ArchivedLinesSource,
): Promise<ArchivedLines> {
  const { s3, storage } = deps;
  const prefix = tableRunsPrefix(storage.prefix, source.database, source.table) + '/';
  const parts = new Map<string, Set<string>>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: storage.bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const object of page.Contents ?? []) {
      const match = BATCH_OBJECT.exec(object.Key ?? '');
      if (!match || match[2] === source.runId) continue;
      const base = match[1]!;
      const seen = parts.get(base) ?? new Set<string>();
      seen.add(isDataKey(match[0]) ? 'data' : match[3]!);
      parts.set(base, seen);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);

  const complete = [...parts].filter(([, seen]) => seen.size === 3).map(([base]) => base);
  const groups = await mapLimited(complete, FETCH_CONCURRENCY, async (base) => {
    const manifest = await getJson<BatchManifest>(s3, storage.bucket, `${base}.manifest.json`);
    if (manifest.table !== source.table || !Array.isArray(manifest.lineSha256)) {
      throw new Error(`${base}.manifest.json is not a manifest of ${source.table}`);
    }
    return records(manifest.lineSha256);
  });
  return ArchivedLines.fromRecords(groups);
}

/**
 * One load per table and run on each worker: every batch of a full scan asks, the first one reads the archive.
 * A few tables of concurrent runs fit; the least recently asked one goes first.
 */
export class ArchivedLinesCache {
  readonly #entries = new Map<string, Promise<ArchivedLines>>();

  constructor(readonly capacity = 4) {}

  get(key: string, load: () => Promise<ArchivedLines>): Promise<ArchivedLines> {
    let entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
    } else {
      entry = load();
      // A failed load is not kept: the retry reads the archive again.
      entry.catch(() => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      });
    }
    this.#entries.set(key, entry);
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return entry;
  }
}
