/**
 * Aborting orphaned multipart uploads, on MinIO and through `archiver cleanup-uploads`. S3 sets an upload's
 * Initiated time itself, so "old" is made relative: a threshold equal to the first upload's age, `0s` against a
 * large value, and the `keep` callback. A stub client covers what MinIO does not do (paging, vanished uploads).
 */
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  NoSuchUpload,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abortStaleUploads, type StaleUpload } from '../../src/storage';
import { runCli } from '../helpers/cli';
import { createBucket, s3Client, S3_ENDPOINT, TEMPORAL_ADDRESS } from '../helpers/services';

const PREFIX = 'arch';
const OLD = `${PREFIX}/shop/public.events/runs/r1/batch-000001.jsonl.gz`;
const NEW = `${PREFIX}/shop/public.events/runs/r2/batch-000001.jsonl.gz`;
const OTHER_APP = 'other-app/upload.bin';
const NEIGHBOUR = `${PREFIX}2/shop/not-ours.jsonl.gz`;

interface CleanupReport {
  bucket: string;
  prefix: string;
  olderThan: string;
  dryRun: boolean;
  uploads: StaleUpload[];
}

describe('cleaning up multipart uploads on MinIO', () => {
  let s3: S3Client;
  let bucket: string;
  let config: string;
  const uploadIds = new Map<string, string>();

  async function startUpload(key: string): Promise<void> {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        PartNumber: 1,
        Body: Buffer.from('part one'),
      }),
    );
    uploadIds.set(key, UploadId!);
  }

  async function openUploads(): Promise<{ key: string; uploadId: string; initiated: Date }[]> {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    return (page.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId!, initiated: u.Initiated! }));
  }

  async function cleanup(...flags: string[]): Promise<CleanupReport> {
    const result = await runCli(['cleanup-uploads', '--config', config, '--json', ...flags]);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as CleanupReport;
  }

  beforeAll(async () => {
    s3 = s3Client();
    bucket = await createBucket(s3, 'uploads');
    await startUpload(OLD);
    await new Promise((r) => setTimeout(r, 50));
    for (const key of [NEW, OTHER_APP, NEIGHBOUR]) await startUpload(key);
    const dir = mkdtempSync(join(tmpdir(), 'cleanup-uploads-'));
    config = join(dir, 'archiver.yaml');
    writeFileSync(
      config,
      `temporal: { address: "${TEMPORAL_ADDRESS}" }
storage: { bucket: ${bucket}, prefix: ${PREFIX}, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
databases:
  - name: shop
    engine: postgres
    url: postgres://postgres@127.0.0.1:5432/shop
    tables: [{ name: public.events, timestampColumn: created_at, olderThan: 90d }]
`,
    );
  });

  afterAll(() => s3.destroy());

  it('finds nothing with the default threshold of 24h, and a dry run changes nothing', async () => {
    const report = await cleanup('--dry-run');
    expect(report).toEqual({ bucket, prefix: PREFIX, olderThan: '24h', dryRun: true, uploads: [] });
    const result = await runCli(['cleanup-uploads', '--config', config, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `would abort 0 multipart uploads older than 24h under s3://${bucket}/${PREFIX}/`,
    );
    expect(await openUploads()).toHaveLength(4);
  });

  it('with --older-than 0s --dry-run lists every upload under the prefix, oldest first, and aborts none', async () => {
    const report = await cleanup('--older-than', '0s', '--dry-run');
    expect(report.uploads.map((u) => [u.key, u.uploadId])).toEqual([
      [OLD, uploadIds.get(OLD)],
      [NEW, uploadIds.get(NEW)],
    ]);
    expect(report.uploads[0]!.ageMs).toBeGreaterThanOrEqual(report.uploads[1]!.ageMs);
    expect(await openUploads()).toHaveLength(4);
  });

  it('aborts only uploads at least as old as the threshold, and spares those keep() claims', async () => {
    const open = await openUploads();
    const old = open.find((u) => u.key === OLD)!;
    const now = Date.now();
    const olderThanMs = now - old.initiated.getTime();

    const byAge = await abortStaleUploads(s3, { bucket, prefix: PREFIX, olderThanMs, dryRun: true, now });
    expect(byAge.map((u) => u.key)).toEqual([OLD]);

    const kept = await abortStaleUploads(s3, {
      bucket,
      prefix: PREFIX,
      olderThanMs: 0,
      dryRun: false,
      now,
      keep: (key, uploadId) => key === NEW && uploadId === uploadIds.get(NEW),
    });
    expect(kept.map((u) => [u.key, u.uploadId])).toEqual([[OLD, uploadIds.get(OLD)]]);
    expect((await openUploads()).map((u) => u.key).sort()).toEqual([NEIGHBOUR, NEW, OTHER_APP].sort());
  });

  it('aborts the rest under the prefix from the CLI, never uploads outside it, and then finds nothing', async () => {
    const aborted = await cleanup('--older-than', '0s');
    expect(aborted).toMatchObject({ dryRun: false, olderThan: '0s' });
    expect(aborted.uploads.map((u) => u.key)).toEqual([NEW]);
    expect((await openUploads()).map((u) => u.key).sort()).toEqual([NEIGHBOUR, OTHER_APP].sort());
    expect((await cleanup('--older-than', '0s')).uploads).toEqual([]);
  });

  it('refuses a threshold that is not a duration and a bucket that does not exist, with exit 2', async () => {
    const bad = await runCli(['cleanup-uploads', '--config', config, '--older-than', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('archiver: --older-than yesterday must be a duration like 24h, 30m, 0s');
    const missing = join(mkdtempSync(join(tmpdir(), 'cleanup-uploads-')), 'missing.yaml');
    writeFileSync(missing, readFileSync(config, 'utf8').replace(bucket, 'no-such-bucket-here'));
    const gone = await runCli(['cleanup-uploads', '--config', missing]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('bucket no-such-bucket-here does not exist');
  });
});

describe('abortStaleUploads against a stub S3', () => {
  const initiated = new Date(Date.now() - 3_600_000);
  const pages = [
    {
      Uploads: [{ Key: 'p/a', UploadId: '1', Initiated: initiated }],
      IsTruncated: true,
      NextKeyMarker: 'p/a',
      NextUploadIdMarker: '1',
    },
    {
      Uploads: [{ Key: 'q/b', UploadId: '2', Initiated: initiated }],
      IsTruncated: true,
      NextKeyMarker: 'q/b',
      NextUploadIdMarker: '2',
    },
    {
      Uploads: [
        { Key: 'p/c', UploadId: '3', Initiated: initiated },
        { Key: 'p/d', UploadId: '4' },
      ],
      IsTruncated: false,
    },
  ];

  function stub(options: { vanished?: string[]; stuck?: boolean } = {}) {
    const calls: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        calls.push({ name, input: command.input });
        if (name === 'ListMultipartUploadsCommand') {
          if (options.stuck)
            return Promise.resolve({ ...pages[0], NextKeyMarker: undefined, NextUploadIdMarker: undefined });
          const index = [undefined, 'p/a', 'q/b'].indexOf(command.input.KeyMarker as string | undefined);
          return Promise.resolve(pages[index]);
        }
        if (options.vanished?.includes(command.input.UploadId as string)) {
          return Promise.reject(new NoSuchUpload({ message: 'gone', $metadata: {} }));
        }
        return Promise.resolve({});
      },
    };
    return { s3: client as unknown as S3Client, calls };
  }

  it('follows the key and upload-id markers across pages and filters by prefix', async () => {
    const { s3, calls } = stub();
    const result = await abortStaleUploads(s3, {
      bucket: 'b',
      prefix: 'p',
      olderThanMs: 60_000,
      dryRun: false,
      pageSize: 1,
    });
    expect(result.map((u) => u.key)).toEqual(['p/a', 'p/c']);
    const lists = calls.filter((c) => c.name === 'ListMultipartUploadsCommand').map((c) => c.input);
    expect(lists).toEqual([
      expect.objectContaining({
        Bucket: 'b',
        MaxUploads: 1,
        KeyMarker: undefined,
        UploadIdMarker: undefined,
      }),
      expect.objectContaining({ KeyMarker: 'p/a', UploadIdMarker: '1' }),
      expect.objectContaining({ KeyMarker: 'q/b', UploadIdMarker: '2' }),
    ]);
    // 'p/d' has no Initiated time: its age is unknown and it may be live, so it is left alone.
    expect(calls.filter((c) => c.name === 'AbortMultipartUploadCommand').map((c) => c.input.Key)).toEqual([
      'p/a',
      'p/c',
    ]);
  });

  it('leaves out an upload that vanished before its abort', async () => {
    const { s3 } = stub({ vanished: ['1'] });
    const result = await abortStaleUploads(s3, { bucket: 'b', prefix: 'p', olderThanMs: 0, dryRun: false });
    expect(result.map((u) => u.key)).toEqual(['p/c']);
  });

  it('stops when a store claims more pages but gives no marker to continue from', async () => {
    const { s3, calls } = stub({ stuck: true });
    const result = await abortStaleUploads(s3, { bucket: 'b', prefix: '', olderThanMs: 0, dryRun: true });
    expect(result.map((u) => u.key)).toEqual(['p/a']);
    expect(calls).toHaveLength(1);
  });
});
