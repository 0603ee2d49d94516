import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { ActivityDeps } from '../../../src/activities';
import { createListArchivedBatches } from '../../../src/activities/restore-list';

const base = (n: number) => `p/shop/public.events/runs/r1/batch-${String(n).padStart(6, '0')}`;
const meta = (n: number, dataKey: string) => ({
  dataKey,
  createdAt: `2026-01-0${n + 1}T00:00:00.000Z`,
  rowCount: 10,
  minTimestamp: null,
  maxTimestamp: null,
});

/** A bucket of the given objects (JSON documents by key; data objects as empty bodies). */
function stubS3(objects: Record<string, unknown>): S3Client {
  const keys = Object.keys(objects).sort();
  return {
    async send(command: ListObjectsV2Command | GetObjectCommand) {
      if (command instanceof ListObjectsV2Command) {
        const { Prefix = '' } = command.input;
        const listed = keys.filter((k) => k.startsWith(Prefix));
        return { Contents: listed.map((Key) => ({ Key })), KeyCount: listed.length };
      }
      const key = command.input.Key!;
      if (!(key in objects)) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
      const text = JSON.stringify(objects[key]);
      return { Body: { transformToByteArray: async () => Buffer.from(text) } };
    },
  } as unknown as S3Client;
}

describe('listing archived batches for a restore', () => {
  it('lists gzip and zstd batches alike, and skips a data object its metadata does not name', async () => {
    const s3 = stubS3({
      [`${base(0)}.jsonl.gz`]: '',
      [`${base(0)}.meta.json`]: meta(0, `${base(0)}.jsonl.gz`),
      [`${base(1)}.jsonl.zst`]: '',
      [`${base(1)}.meta.json`]: meta(1, `${base(1)}.jsonl.zst`),
      // An attempt with gzip left its object; the retry with zstd finished the batch.
      [`${base(2)}.jsonl.gz`]: '',
      [`${base(2)}.jsonl.zst`]: '',
      [`${base(2)}.meta.json`]: meta(2, `${base(2)}.jsonl.zst`),
    });
    const list = createListArchivedBatches({ s3, storage: { bucket: 'b', prefix: 'p' } } as ActivityDeps);
    const result = await list({ database: 'shop', table: 'public.events' });
    expect(result.batches.map((b) => b.dataKey)).toEqual([
      `${base(0)}.jsonl.gz`,
      `${base(1)}.jsonl.zst`,
      `${base(2)}.jsonl.zst`,
    ]);
    expect(result.skipped).toEqual([
      {
        dataKey: `${base(2)}.jsonl.gz`,
        status: 'incomplete',
        reason: `a leftover of an earlier attempt: the batch's metadata names ${base(2)}.jsonl.zst`,
      },
    ]);
  });
});
