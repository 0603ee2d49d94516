import {
  checkDeletionRecord,
  checkManifest,
  checkMeta,
  describeLines,
} from '../../../src/activities/verify-archive-checks';

const expected = {
  database: 'shop',
  table: 'public.events',
  dataKey: 'p/shop/public.events/runs/r/batch-000001.jsonl.gz',
  manifestKey: 'p/shop/public.events/runs/r/batch-000001.manifest.json',
};
const meta = {
  version: 1,
  ...expected,
  batch: 1,
  rowCount: 2,
  sha256: 'a'.repeat(64),
  compressedBytes: 100,
  s3ChecksumSha256: 'abc=',
  primaryKey: ['id'],
};
const manifest = {
  version: 1,
  table: 'public.events',
  primaryKey: ['id'],
  keys: [['1'], ['2']],
  lineSha256: ['x', 'y'],
  rowHash: ['h1', 'h2'],
};
const record = (lists: Partial<Record<'deleted' | 'skippedChanged' | 'alreadyGone', string[][]>>) => ({
  version: 1,
  table: 'public.events',
  batch: 1,
  deleted: [],
  skippedChanged: [],
  alreadyGone: [],
  deletedAt: '2026-01-01T00:00:00Z',
  ...lists,
});
const manifestKeys = new Set(manifest.keys.map((k) => JSON.stringify(k)));

describe('checking a batch metadata document', () => {
  it('accepts metadata that names this batch and carries its counts and checksums', () => {
    expect(checkMeta(meta, expected)).toEqual({ meta, problems: [] });
  });

  it('reports metadata that names another table, database or key, and still uses its checksums', () => {
    const result = checkMeta({ ...meta, table: 'public.other', database: 'billing' }, expected);
    expect(result.meta).not.toBeNull();
    expect(result.problems).toEqual([
      'the metadata names database "billing", not shop',
      'the metadata names table "public.other", not public.events',
    ]);
  });

  it('refuses to rely on metadata whose counts or checksums are malformed, naming each field', () => {
    const result = checkMeta(
      { ...meta, rowCount: -1, sha256: 'nope', s3ChecksumSha256: undefined },
      expected,
    );
    expect(result.meta).toBeNull();
    expect(result.problems).toEqual(['the metadata lacks a valid rowCount, sha256, s3ChecksumSha256']);
  });

  it('reports a document that is not an object', () => {
    expect(checkMeta([1, 2], expected)).toEqual({
      meta: null,
      problems: ['the metadata is not a JSON object'],
    });
  });
});

describe('checking a manifest', () => {
  it('accepts one entry per row in keys, lineSha256 and rowHash', () => {
    expect(checkManifest(manifest, 'public.events', meta)).toEqual({ manifest, problems: [] });
  });

  it('reports every list whose length is not the metadata row count', () => {
    const result = checkManifest({ ...manifest, lineSha256: ['x'], rowHash: [] }, 'public.events', meta);
    expect(result.problems).toEqual([
      'the manifest has 1 lineSha256 entries for 2 rows in the metadata',
      'the manifest has 0 rowHash entries for 2 rows in the metadata',
    ]);
  });

  it('compares the lists with each other when there is no usable metadata', () => {
    const result = checkManifest({ ...manifest, rowHash: ['h'] }, 'public.events', null);
    expect(result.problems).toEqual(['the manifest has 1 rowHash entries for 2 rows']);
  });

  it('reports another table, another primary key and keys of the wrong width', () => {
    const result = checkManifest(
      { ...manifest, table: 'public.x', primaryKey: ['id', 'at'], keys: [['1', 'a'], ['2']] },
      'public.events',
      meta,
    );
    expect(result.problems).toEqual([
      'the manifest names table "public.x", not public.events',
      "the manifest's primary key (id, at) differs from the metadata's (id)",
      "1 of the manifest's keys do not have one value per primary-key column (2)",
    ]);
  });

  it('cannot use a manifest whose lists are malformed', () => {
    const result = checkManifest({ ...manifest, keys: 'nope', rowHash: [1] }, 'public.events', meta);
    expect(result).toEqual({ manifest: null, problems: ["the manifest's keys, rowHash are malformed"] });
  });
});

describe('checking a deletion record', () => {
  it('accepts disjoint lists of manifest keys', () => {
    const ok = record({ deleted: [['1']], skippedChanged: [['2']] });
    expect(checkDeletionRecord(ok, 'public.events', 1, manifestKeys)).toEqual([]);
  });

  it('reports keys the manifest does not hold', () => {
    const stray = record({ deleted: [['1'], ['9']], alreadyGone: [['8']] });
    expect(checkDeletionRecord(stray, 'public.events', 1, manifestKeys)).toEqual([
      '1 key is in its deleted list but not in the manifest',
      '1 key is in its alreadyGone list but not in the manifest',
    ]);
  });

  it('reports a key listed as both deleted and skipped, or twice', () => {
    const both = record({ deleted: [['1'], ['1']], skippedChanged: [['1']], alreadyGone: [['2']] });
    expect(checkDeletionRecord(both, 'public.events', 1, manifestKeys)).toEqual([
      '1 key is listed twice in its deleted list',
      'its deleted and skippedChanged lists share keys',
    ]);
  });

  it('reports a record of another table or batch, and malformed lists', () => {
    expect(checkDeletionRecord({ ...record({}), table: 'x', batch: 2 }, 'public.events', 1, null)).toEqual([
      'the deletion record names table "x", not public.events',
      'the deletion record names batch 2, not 1',
    ]);
    expect(checkDeletionRecord({ ...record({}), deleted: 'all' }, 'public.events', 1, null)).toEqual([
      "the deletion record's deleted is malformed",
    ]);
  });
});

describe('naming lines in a problem', () => {
  it('counts from one and summarises long lists', () => {
    expect(describeLines([3], 1)).toBe('line 4');
    expect(describeLines([0, 4, 9], 3)).toBe('lines 1, 5 and 10');
    expect(describeLines([0, 1, 2, 3, 4], 40)).toBe('lines 1, 2, 3, 4, 5 and 35 others');
  });
});
