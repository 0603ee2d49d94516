/**
 * `archiver verify` on the real services, for both engines: a clean archive passes with the right counts, and
 * each kind of damage (a flipped byte, an edited manifest, a missing or wrong sidecar) is reported against the
 * object it concerns while the other batches still check out. Also: cancelling a run in the middle of a
 * multipart upload aborts that upload and deletes nothing.
 */
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildFleetInput } from '../../src/cli/fleet-input';
import { fleetWorkflowId } from '../../src/shared';
import { verifyWorkflowId, type VerifyInput, type VerifyReport } from '../../src/shared/verify';
import {
  isDataKey,
  putObject,
  sidecarKeys,
  type BatchManifest,
  type DeletionRecord,
} from '../../src/storage';
import { runCli } from '../helpers/cli';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import { writeConfig } from '../helpers/restore-cli';
import { createBucket, s3Client } from '../helpers/services';

const OLD_ROWS = 120;
const BATCH_SIZE = 40;

async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

describe.each<EngineKind>(['postgres', 'mysql'])('%s: archiver verify', (engine) => {
  let s3: S3Client;
  let bucket: string;
  let events: EventsTable;
  let pipeline: TestPipeline;
  let configPath: string;
  let archivedBytes: number;
  /** The three batches' data keys, in batch order. */
  let dataKeys: string[];

  async function verifyJson(...args: string[]): Promise<{ code: number | null; report: VerifyReport }> {
    const result = await runCli(['verify', '--config', configPath, '--json', ...args]);
    try {
      return { code: result.code, report: JSON.parse(result.stdout) as VerifyReport };
    } catch {
      throw new Error(`verify printed no report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  }

  /** Damages an object for one test and puts the original back (with its S3 checksum) afterwards. */
  async function withDamage(
    key: string,
    damage: (original: Buffer) => Promise<void>,
    check: () => Promise<void>,
  ) {
    const original = await getBytes(s3, bucket, key);
    await damage(original);
    try {
      await check();
    } finally {
      await putObject(s3, bucket, key, original, 'application/octet-stream');
    }
  }

  function problemsOf(report: VerifyReport) {
    return report.databases.flatMap((d) => d.tables.flatMap((t) => t.problems));
  }

  beforeAll(async () => {
    s3 = s3Client();
    bucket = await createBucket(s3, 'verify');
    events = await EventsTable.create(engine, 'verify');
    await events.insert(1, OLD_ROWS, 200, (id) => `secret payload ${id}`);
    await events.insert(OLD_ROWS + 1, OLD_ROWS + 10, 1, (id) => `new ${id}`);
    const yaml = eventsConfigYaml([events], { bucket, batchSize: BATCH_SIZE });
    pipeline = await startPipeline(yaml);
    const { report } = await pipeline.runFleet();
    expect(report.databases[0]!.tables[0]).toMatchObject({
      archived: OLD_ROWS,
      deleted: OLD_ROWS,
      batches: 3,
    });
    archivedBytes = report.databases[0]!.tables[0]!.bytes;
    configPath = writeConfig(yaml);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 't/' }));
    dataKeys = (listed.Contents ?? [])
      .map((o) => o.Key!)
      .filter(isDataKey)
      .sort();
    expect(dataKeys).toHaveLength(3);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await events?.close();
    s3?.destroy();
  });

  it('passes an intact archive with exit 0, counting every batch, row and byte', async () => {
    const { code, report } = await verifyJson();
    expect(code).toBe(0);
    expect(report).toMatchObject({
      status: 'ok',
      batches: 3,
      batchesWithProblems: 0,
      rows: OLD_ROWS,
      bytes: archivedBytes,
      problems: 0,
    });
    expect(report.workflowId).toMatch(/^verify-archive-/);
    expect(report.databases).toEqual([
      {
        name: events.database,
        tables: [
          {
            table: engine === 'postgres' ? 'public.events' : `${events.database}.events`,
            batches: 3,
            batchesWithProblems: 0,
            rows: OLD_ROWS,
            bytes: archivedBytes,
            problems: [],
            problemsOmitted: 0,
          },
        ],
      },
    ]);

    const text = await runCli(['verify', '--config', configPath, '--database', events.database, '--wait']);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ok +${events.database} \\S+events: 3 batches, ${OLD_ROWS} rows, ${archivedBytes} bytes$`,
        ),
      ),
    ]);
  });

  it('pages through batches and continues as new without putting rows into history', async () => {
    const input: VerifyInput = {
      databases: [{ database: events.database, tables: [dataKeys[0]!.split('/')[2]!] }],
      pageSize: 1,
      concurrency: 1,
      historyEventsLimit: 10,
    };
    const workflowId = `${verifyWorkflowId(Date.now())}-${engine}`;
    const handle = await pipeline.client.workflow.start('verifyArchive', {
      workflowId,
      taskQueue: pipeline.config.temporal.taskQueue,
      args: [input],
    });
    const report = (await handle.result()) as VerifyReport;
    expect(report).toMatchObject({ status: 'ok', batches: 3, rows: OLD_ROWS, bytes: archivedBytes });
    const latest = await pipeline.client.workflow.getHandle(workflowId).describe();
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    const history = await pipeline.client.workflow
      .getHandle(workflowId, handle.firstExecutionRunId)
      .fetchHistory();
    const text = JSON.stringify(history, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    expect(text).toContain('verifyArchivedBatch');
    expect(text).not.toContain('secret payload');
  });

  it('reports a flipped byte in a data object against its key, exit 1, and the other batches check out', async () => {
    const damaged = dataKeys[1]!;
    await withDamage(
      damaged,
      async (original) => {
        const body = Buffer.from(original);
        body[body.length >> 1]! ^= 0x01;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: damaged, Body: body }));
      },
      async () => {
        const text = await runCli(['verify', '--config', configPath]);
        expect(text.code).toBe(1);
        expect(text.stdout).toMatch(new RegExp(`^PROBLEMS ${events.database} .*1 with problems`, 'm'));
        expect(text.stdout).toContain(`\n  ${damaged}: `);

        const { code, report } = await verifyJson('--table', 'events');
        expect(code).toBe(1);
        expect(report).toMatchObject({ status: 'problems', batches: 3, batchesWithProblems: 1 });
        const problems = problemsOf(report);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.every((p) => p.key === damaged)).toBe(true);
        expect(problems.map((p) => p.problem).join('\n')).toMatch(
          /S3 holds no SHA-256|S3's SHA-256 checksum is/,
        );
        expect(problems.map((p) => p.problem).join('\n')).toMatch(/does not decompress|uncompressed SHA-256/);
      },
    );
  });

  it("reports a manifest whose lineSha256 entry was edited, against that batch's manifest", async () => {
    const manifestKey = sidecarKeys(dataKeys[2]!).manifest;
    await withDamage(
      manifestKey,
      async (original) => {
        const manifest = JSON.parse(original.toString('utf8')) as BatchManifest;
        manifest.lineSha256[3] = '0'.repeat(64);
        await putObject(s3, bucket, manifestKey, Buffer.from(JSON.stringify(manifest)), 'application/json');
      },
      async () => {
        const { code, report } = await verifyJson();
        expect(code).toBe(1);
        expect(report).toMatchObject({ batches: 3, batchesWithProblems: 1, rows: OLD_ROWS });
        expect(problemsOf(report)).toEqual([
          { key: manifestKey, problem: "line 4 does not hash to the manifest's lineSha256" },
        ]);
      },
    );
  });

  it('reports a missing metadata object, and still checks the rest of the batch', async () => {
    const metaKey = sidecarKeys(dataKeys[0]!).meta;
    await withDamage(
      metaKey,
      () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: metaKey })).then(() => undefined),
      async () => {
        const { code, report } = await verifyJson();
        expect(code).toBe(1);
        expect(report).toMatchObject({ batches: 3, batchesWithProblems: 1, rows: OLD_ROWS });
        expect(problemsOf(report)).toEqual([{ key: metaKey, problem: 'the metadata is missing' }]);
      },
    );
  });

  it('reports unparseable metadata, a missing data object and a deletion record that contradicts itself', async () => {
    const [first, second, third] = dataKeys as [string, string, string];
    const metaKey = sidecarKeys(first).meta;
    const recordKey = sidecarKeys(third).deleted;
    await withDamage(
      metaKey,
      () =>
        putObject(s3, bucket, metaKey, Buffer.from('{"version": 1,'), 'application/json').then(
          () => undefined,
        ),
      () =>
        withDamage(
          second,
          () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: second })).then(() => undefined),
          () =>
            withDamage(
              recordKey,
              async (original) => {
                const record = JSON.parse(original.toString('utf8')) as DeletionRecord;
                record.skippedChanged = [record.deleted[0]!, ['no such key']];
                await putObject(
                  s3,
                  bucket,
                  recordKey,
                  Buffer.from(JSON.stringify(record)),
                  'application/json',
                );
              },
              async () => {
                const { code, report } = await verifyJson();
                expect(code).toBe(1);
                expect(report).toMatchObject({ batches: 3, batchesWithProblems: 3 });
                const problems = problemsOf(report);
                expect(problems).toContainEqual({
                  key: metaKey,
                  problem: expect.stringMatching(/^the metadata is not valid JSON/),
                });
                expect(problems).toContainEqual({ key: second, problem: 'the data object is missing' });
                expect(problems).toContainEqual({
                  key: recordKey,
                  problem: '1 key is in its skippedChanged list but not in the manifest',
                });
                expect(problems).toContainEqual({
                  key: recordKey,
                  problem: 'its deleted and skippedChanged lists share keys',
                });
              },
            ),
        ),
    );
    // Everything put back: the archive checks out again.
    expect((await verifyJson()).code).toBe(0);
  });

  it('refuses an unknown database or table with exit 2', async () => {
    const database = await runCli(['verify', '--config', configPath, '--database', 'nope']);
    expect(database.code).toBe(2);
    expect(database.stderr).toContain('--database nope');
    const table = await runCli(['verify', '--config', configPath, '--table', 'nothing_here']);
    expect(table.code).toBe(2);
    expect(table.stderr).toContain('--table nothing_here');
  });
});

describe('cancelling a run during a multipart upload', () => {
  it('aborts the upload, leaves no parts behind and deletes nothing', async () => {
    const s3 = s3Client();
    const bucket = await createBucket(s3, 'mpu-cancel');
    const table = await EventsTable.create('postgres', 'mpucancel');
    const ROWS = 4000;
    await table.insert(1, ROWS, 200, () => randomBytes(2250).toString('base64'));
    const pipeline = await startPipeline(
      eventsConfigYaml([table], {
        bucket,
        batchSize: 5000,
        storageExtra: ', multipartThresholdBytes: 5242880, partSizeBytes: 5242880',
      }),
    );
    // Every part takes 1.5 s to leave, so the cancellation arrives while the upload is in progress.
    let partsSent = 0;
    let abortsSent = 0;
    const send = pipeline.s3.send.bind(pipeline.s3) as (...args: unknown[]) => Promise<unknown>;
    pipeline.s3.send = (async (command: unknown, ...rest: unknown[]) => {
      if (command instanceof AbortMultipartUploadCommand) abortsSent += 1;
      if (command instanceof UploadPartCommand) {
        partsSent += 1;
        await sleep(1_500);
      }
      return send(command, ...rest);
    }) as typeof pipeline.s3.send;
    try {
      const handle = await pipeline.client.workflow.start('archiveFleet', {
        workflowId: `${fleetWorkflowId(Date.now())}-mpu-cancel`,
        taskQueue: pipeline.config.temporal.taskQueue,
        args: [buildFleetInput(pipeline.config, { databases: [], dryRun: false })],
      });
      const deadline = Date.now() + 60_000;
      while (partsSent === 0 && Date.now() < deadline) await sleep(50);
      expect(partsSent).toBeGreaterThan(0);
      await handle.cancel();
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      expect(abortsSent).toBeGreaterThan(0);

      // MinIO answers ListMultipartUploads for a prefix with nothing: list the bucket and filter.
      const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect(Uploads.filter((u) => u.Key?.startsWith('t/'))).toEqual([]);
      expect(await table.ids()).toHaveLength(ROWS);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 't/' }));
      expect((listed.Contents ?? []).filter((o) => o.Key!.endsWith('.deleted.json'))).toEqual([]);
    } finally {
      await pipeline.stop();
      await table.close();
      s3.destroy();
    }
  });
});
