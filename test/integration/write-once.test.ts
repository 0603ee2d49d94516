/**
 * Batch object keys are deterministic, so two attempts of one batch write the same keys: a stale attempt (one
 * that outlived its heartbeat timeout: a paused VM, a long GC, a partition) can finish its upload after the
 * attempt that replaced it has archived, deleted and verified the batch. Every batch object is written once
 * (`If-None-Match: *`), so the stale upload is refused and the deleted rows' only copy stays as it was.
 *
 * These tests run two real attempts of one batch (the archiveBatch activity, each with its own S3 client)
 * against the real database and MinIO, and hold the first attempt's request that makes its object visible
 * until the interleaving under test has happened.
 */
import { CompleteMultipartUploadCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { createActivities, type Activities } from '../../src/activities';
import { readObjectLines } from '../../src/activities/read-lines';
import { UNMATCHED_ROW_HASH } from '../../src/activities/standing-batch';
import { buildFleetInput } from '../../src/cli/fleet-input';
import { decodeRow } from '../../src/codec';
import { parseConfig, type Config } from '../../src/config';
import { EngineRegistry } from '../../src/engines';
import { createLockBackend, type LockBackend } from '../../src/locks';
import type { ArchiveBatchInput, ArchivedBatch, BatchRef } from '../../src/shared';
import {
  createS3Client,
  getJson,
  isDataKey,
  sidecarKeys,
  type BatchManifest,
  type BatchMeta,
} from '../../src/storage';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { createBucket, s3Client } from '../helpers/services';

/** Holds the first request that matches until released; every other request goes through. */
class Gate {
  readonly reached: Promise<void>;
  #reach!: () => void;
  #release!: () => void;
  readonly #released = new Promise<void>((resolve) => (this.#release = resolve));

  constructor(s3: S3Client, matches: (command: unknown) => boolean) {
    this.reached = new Promise((resolve) => (this.#reach = resolve));
    let held = false;
    const send = s3.send.bind(s3) as (command: unknown, options?: unknown) => Promise<unknown>;
    (s3 as unknown as { send: typeof send }).send = async (command, options) => {
      if (!held && matches(command)) {
        held = true;
        this.#reach();
        await this.#released;
      }
      return send(command, options);
    };
  }

  release(): void {
    this.#release();
  }
}

const dataWrite = (command: unknown) =>
  (command instanceof PutObjectCommand && isDataKey(command.input.Key!)) ||
  command instanceof CompleteMultipartUploadCommand;
const manifestWrite = (command: unknown) =>
  command instanceof PutObjectCommand && command.input.Key!.endsWith('.manifest.json');

/** One worker's view: its own S3 client and activities, over the shared database and bucket. */
interface Attempt {
  s3: S3Client;
  activities: Activities;
  run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R>;
}

class TwoAttempts {
  readonly engines: EngineRegistry;
  readonly locks: LockBackend;
  readonly first: Attempt;
  readonly second: Attempt;
  readonly input: ArchiveBatchInput;

  constructor(readonly config: Config) {
    this.engines = new EngineRegistry(config.databases);
    this.locks = createLockBackend(config.lock);
    this.first = this.#attempt();
    this.second = this.#attempt();
    const db = buildFleetInput(config, { databases: [], dryRun: false }).databases[0]!;
    const table = db.tables[0]!;
    this.input = {
      database: db.database,
      runId: `write-once-${Date.now()}`,
      table,
      cutoffMs: Date.now() - table.olderThanMs,
      batchSeq: 0,
      afterKey: null,
      notBeforeMs: null,
    };
  }

  #attempt(): Attempt {
    const s3 = createS3Client(this.config.storage);
    const activities = createActivities({
      engines: this.engines,
      s3,
      locks: this.locks,
      storage: this.config.storage,
    });
    const env = new MockActivityEnvironment();
    return { s3, activities, run: (fn, ...args) => env.run(fn, ...args) };
  }

  ref(batch: ArchivedBatch): BatchRef {
    const { database, table, cutoffMs } = this.input;
    return { database, table, cutoffMs, dataKey: batch.dataKey };
  }

  /** Archives, deletes and verifies the batch as the second attempt, as the workflow would after a timeout. */
  async secondArchivesAndDeletes(): Promise<{ batch: ArchivedBatch; deleted: number; skipped: number }> {
    const { run, activities } = this.second;
    const batch = (await run(activities.archiveBatch, this.input))!;
    const { deleted, skippedChanged } = await run(activities.deleteBatch, this.ref(batch));
    await run(activities.verifyBatch, this.ref(batch));
    return { batch, deleted, skipped: skippedChanged };
  }

  async close(): Promise<void> {
    await this.engines.closeAll();
    await this.locks.close();
    this.first.s3.destroy();
    this.second.s3.destroy();
  }
}

/** The archived payloads by id, read from the data object, which must match its meta. */
async function archivedPayloads(s3: S3Client, bucket: string, dataKey: string): Promise<Map<number, string>> {
  const meta = await getJson<BatchMeta>(s3, bucket, sidecarKeys(dataKey).meta);
  const payloads = new Map<number, string>();
  const read = await readObjectLines(s3, bucket, dataKey, meta.sha256, (line) => {
    const row = decodeRow(line);
    payloads.set(Number(row.id), row.payload!);
  });
  expect(read).toEqual({ sha256: meta.sha256, lines: meta.rowCount });
  return payloads;
}

describe('write-once batch objects', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  async function setUp(
    engine: EngineKind,
    name: string,
    rows: number,
    payload: (id: number) => string,
    storageExtra = '',
  ) {
    const table = await EventsTable.create(engine, name);
    const bucket = await createBucket(s3, name);
    await table.insert(1, rows, 200, payload);
    const config = parseConfig(eventsConfigYaml([table], { bucket, batchSize: rows, storageExtra }), 'test');
    return { table, bucket, attempts: new TwoAttempts(config) };
  }

  /**
   * The worst point: the first attempt read the rows and is about to make its object visible; meanwhile the
   * rows change, and the second attempt archives, deletes and verifies them. Then the first one's upload lands.
   */
  async function staleUploadAfterDelete(
    engine: EngineKind,
    name: string,
    rows: number,
    payload: (id: number) => string,
    changed: number[],
    storageExtra = '',
  ): Promise<void> {
    const { table, bucket, attempts } = await setUp(engine, name, rows, payload, storageExtra);
    try {
      const gate = new Gate(attempts.first.s3, dataWrite);
      const stale = attempts.first.run(attempts.first.activities.archiveBatch, attempts.input);
      stale.catch(() => undefined);
      await gate.reached;
      for (const id of changed) await table.update(id, `second version of ${id}`);
      const { batch, deleted } = await attempts.secondArchivesAndDeletes();
      expect(deleted).toBe(rows);
      expect(await table.ids()).toEqual([]);
      const archivedBefore = await archivedPayloads(s3, bucket, batch.dataKey);

      gate.release();
      const outcome = await stale.then(
        () => 'completed',
        (error: Error) => error.name,
      );

      // The object holds the rows the delete removed, as they were deleted, and restores them.
      const archived = await archivedPayloads(s3, bucket, batch.dataKey);
      expect(archived).toEqual(archivedBefore);
      expect(outcome).toBe('BatchAlreadyDeletedError');
      for (const id of changed) expect(archived.get(id)).toBe(`second version of ${id}`);
      const { run, activities } = attempts.second;
      const restored = await run(activities.restoreBatch, {
        database: attempts.input.database,
        target: table.configName,
        dataKey: batch.dataKey,
        part: 'deleted',
      });
      expect(restored.inserted).toBe(rows);
      for (const id of changed) expect(await table.payload(id)).toBe(`second version of ${id}`);
      expect(await table.ids()).toHaveLength(rows);
    } finally {
      await attempts.close();
      await table.close();
    }
  }

  it('refuse a stale attempt that completes its upload after the batch was deleted (single PutObject)', async () => {
    await staleUploadAfterDelete(
      'postgres',
      'wonce',
      20,
      (id) => `first version of ${id}`,
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    );
  });

  it('refuse a stale attempt that completes its multipart upload after the batch was deleted', async () => {
    // About 7 MB compressed from barely compressible rows: two 5 MiB parts.
    await staleUploadAfterDelete(
      'mysql',
      'wonce_mp',
      2400,
      () => randomBytes(3000).toString('base64'),
      [1, 2, 3, 1200, 2400],
      ', multipartThresholdBytes: 5242880, partSizeBytes: 5242880',
    );
  });

  it('describe the object an earlier attempt left without metadata, and delete only rows it holds as they are', async () => {
    const { table, bucket, attempts } = await setUp(
      'mysql',
      'wonce_meta',
      20,
      (id) => `first version of ${id}`,
    );
    try {
      // The first attempt's object is in place; it stops before its manifest and meta (as if it crashed).
      const gate = new Gate(attempts.first.s3, manifestWrite);
      const earlier = attempts.first.run(attempts.first.activities.archiveBatch, attempts.input);
      await gate.reached;
      const changed = [3, 4, 5];
      for (const id of changed) await table.update(id, `second version of ${id}`);
      const { batch, deleted, skipped } = await attempts.secondArchivesAndDeletes();

      // The batch is the object as it stands: the first versions. Changed rows stay in the source.
      expect(batch.rows).toBe(20);
      expect(deleted).toBe(17);
      expect(skipped).toBe(3);
      expect(await table.ids()).toEqual(changed);
      for (const id of changed) expect(await table.payload(id)).toBe(`second version of ${id}`);
      const manifest = await getJson<BatchManifest>(s3, bucket, sidecarKeys(batch.dataKey).manifest);
      expect(manifest.rowHash.filter((h) => h === UNMATCHED_ROW_HASH)).toHaveLength(3);
      const archived = await archivedPayloads(s3, bucket, batch.dataKey);
      for (let id = 1; id <= 20; id++) expect(archived.get(id)).toBe(`first version of ${id}`);

      // The first attempt then finds the manifest and meta written, and reports the same batch.
      gate.release();
      await expect(earlier).resolves.toMatchObject({
        rows: 20,
        dataKey: batch.dataKey,
        sha256: batch.sha256,
      });
      expect(await archivedPayloads(s3, bucket, batch.dataKey)).toEqual(archived);
    } finally {
      await attempts.close();
      await table.close();
    }
  });

  it('resume a retry after a crash that left the object without metadata, when the rows did not change', async () => {
    const { table, bucket, attempts } = await setUp('postgres', 'wonce_same', 20, (id) => `row ${id}`);
    try {
      const gate = new Gate(attempts.first.s3, manifestWrite);
      const earlier = attempts.first.run(attempts.first.activities.archiveBatch, attempts.input);
      await gate.reached;
      const { batch, deleted } = await attempts.secondArchivesAndDeletes();
      expect({ rows: batch.rows, deleted }).toEqual({ rows: 20, deleted: 20 });
      const manifest = await getJson<BatchManifest>(s3, bucket, sidecarKeys(batch.dataKey).manifest);
      expect(manifest.rowHash).not.toContain(UNMATCHED_ROW_HASH);
      // Its manifest and meta are refused in turn; it reports the batch as sealed.
      gate.release();
      await expect(earlier).resolves.toMatchObject({ rows: 20, sha256: batch.sha256 });
      expect((await archivedPayloads(s3, bucket, batch.dataKey)).get(7)).toBe('row 7');
    } finally {
      await attempts.close();
      await table.close();
    }
  });
});
