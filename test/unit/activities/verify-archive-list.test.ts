import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createListBatchesToVerify } from '../../../src/activities/verify-archive-list';
import type { ActivityDeps } from '../../../src/activities';

const runs = 'p/shop/public.events/runs/';
const batch = (run: string, n: number, ...suffixes: string[]) =>
  suffixes.map((s) => `${runs}${run}/batch-${String(n).padStart(6, '0')}.${s}`);
const ALL = ['deleted.json', 'jsonl.gz', 'manifest.json', 'meta.json'];

/** A bucket that answers ListObjectsV2 in sorted pages of `pageKeys`, honouring StartAfter and tokens. */
function stubS3(keys: string[], pageKeys: number) {
  const sorted = [...keys].sort();
  const requests: { StartAfter?: string; ContinuationToken?: string }[] = [];
  const s3 = {
    async send(command: ListObjectsV2Command) {
      const { Prefix = '', StartAfter, ContinuationToken } = command.input;
      requests.push({ StartAfter, ContinuationToken });
      const after = ContinuationToken ?? StartAfter ?? '';
      const rest = sorted.filter((k) => k.startsWith(Prefix) && k > after);
      const page = rest.slice(0, pageKeys);
      const truncated = rest.length > pageKeys;
      return {
        Contents: page.map((Key) => ({ Key })),
        IsTruncated: truncated,
        NextContinuationToken: truncated ? page[page.length - 1] : undefined,
      };
    },
  } as unknown as S3Client;
  return { s3, requests };
}

function lister(s3: S3Client) {
  return createListBatchesToVerify({ s3, storage: { bucket: 'b', prefix: 'p' } } as unknown as ActivityDeps);
}

describe('listing the batches to verify', () => {
  const keys = [
    ...batch('r1', 0, ...ALL),
    ...batch('r1', 1, 'manifest.json', 'meta.json'), // the data object is gone
    ...batch('r1', 2, 'jsonl.gz'), // the sidecars are gone
    ...batch('r2', 0, 'jsonl.gz', 'manifest.json', 'meta.json'),
    `${runs}r2/notes.txt`,
    'p/shop/public.events/_state/watermark.json',
    'p/shop/public.other/runs/r1/batch-000000.jsonl.gz',
  ];
  const dataKey = (run: string, n: number) => batch(run, n, 'jsonl.gz')[0]!;

  it('names every batch by its data key, whichever of its objects exist, and nothing else', async () => {
    const { s3 } = stubS3(keys, 1000);
    expect(await lister(s3)({ database: 'shop', table: 'public.events', limit: 10 })).toEqual({
      dataKeys: [dataKey('r1', 0), dataKey('r1', 1), dataKey('r1', 2), dataKey('r2', 0)],
      startAfter: null,
    });
  });

  it('pages without splitting a batch, even when S3 pages end inside one', async () => {
    const { s3, requests } = stubS3(keys, 3);
    const list = lister(s3);
    const seen: string[] = [];
    let startAfter: string | undefined;
    let pages = 0;
    do {
      const page = await list({
        database: 'shop',
        table: 'public.events',
        limit: 1,
        ...(startAfter ? { startAfter } : {}),
      });
      seen.push(...page.dataKeys);
      startAfter = page.startAfter ?? undefined;
      pages += 1;
    } while (startAfter);
    expect(seen).toEqual([dataKey('r1', 0), dataKey('r1', 1), dataKey('r1', 2), dataKey('r2', 0)]);
    expect(pages).toBe(4);
    // The second page starts after the first batch's last object, its meta.json.
    expect(requests.find((r) => r.StartAfter)?.StartAfter).toBe(batch('r1', 0, 'meta.json')[0]);
  });

  it('names a zstd batch by its .jsonl.zst key, beside gzip batches of the same table', async () => {
    const mixed = [
      ...batch('r1', 0, ...ALL),
      ...batch('r1', 1, 'deleted.json', 'jsonl.zst', 'manifest.json', 'meta.json'),
      // A leftover of an attempt with the other compression: both objects are checked.
      ...batch('r1', 2, 'jsonl.gz', 'jsonl.zst', 'manifest.json', 'meta.json'),
    ];
    const { s3 } = stubS3(mixed, 2);
    const list = lister(s3);
    const first = await list({ database: 'shop', table: 'public.events', limit: 2 });
    expect(first.dataKeys).toEqual([dataKey('r1', 0), batch('r1', 1, 'jsonl.zst')[0]]);
    const rest = await list({
      database: 'shop',
      table: 'public.events',
      limit: 2,
      startAfter: first.startAfter!,
    });
    expect(rest).toEqual({ dataKeys: batch('r1', 2, 'jsonl.gz', 'jsonl.zst'), startAfter: null });
  });
});
