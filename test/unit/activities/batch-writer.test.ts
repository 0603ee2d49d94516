import { BatchDigest } from '../../../src/activities/batch-writer';
import { ExtractedValues, type TableInfo } from '../../../src/engines';

const table: TableInfo = {
  schema: 'public',
  name: 'events',
  qualifiedName: 'public.events',
  columns: [
    { name: 'tenant', dataType: 'integer', nullable: false },
    { name: 'created_at', dataType: 'timestamp', nullable: true },
    { name: 'id', dataType: 'bigint', nullable: false },
    { name: 'payload', dataType: 'text', nullable: true },
  ],
  primaryKey: ['id', 'tenant'],
  indexes: [],
};
const names = table.columns.map((c) => c.name);

const rows: (string | null)[][] = [
  ['101:(0,1)', '7', '2025-01-02 03:04:05.123456', '42', 'a "quoted"\nline é'],
  ['102:(0,2)', '7', null, '43', null],
  ['103:(0,3)', '8', '2024-12-31 23:59:59', '44', '\u0001\u2028'],
];

function digestOf(
  make: (
    values: (string | null)[],
  ) => ExtractedValues | { row: Record<string, string | null>; rowHash: string },
) {
  const digest = new BatchDigest(table, 'created_at');
  const lines = rows.map((values) => digest.add(make([...values]))).join('');
  return { lines, digest, sha256: (digest.write(lines), digest.sha256()) };
}

describe('BatchDigest', () => {
  it('records the same lines, hashes, keys and timestamp range from values by position as from row objects', () => {
    const byPosition = digestOf((values) => new ExtractedValues(names, values));
    const byName = digestOf((values) => ({
      row: Object.fromEntries(names.map((name, i) => [name, values[i + 1] ?? null])),
      rowHash: values[0]!,
    }));
    expect(byPosition.lines).toBe(byName.lines);
    expect(byPosition.sha256).toBe(byName.sha256);
    for (const field of ['keys', 'lineSha256', 'rowHash', 'minTimestamp', 'maxTimestamp'] as const)
      expect(byPosition.digest[field]).toEqual(byName.digest[field]);
    expect(byPosition.digest.keys).toEqual([
      ['42', '7'],
      ['43', '7'],
      ['44', '8'],
    ]);
    expect(byPosition.digest.minTimestamp).toBe('2024-12-31 23:59:59');
    expect(byPosition.digest.maxTimestamp).toBe('2025-01-02 03:04:05.123456');
  });

  it('reads a row laid out by another column list by name, not by position', () => {
    const digest = new BatchDigest(table, 'created_at');
    const shuffled = ['id', 'tenant', 'created_at', 'payload'];
    const line = digest.add(new ExtractedValues(shuffled, ['h', '42', '7', null, 'p']));
    expect(line).toBe('{"tenant":"7","created_at":null,"id":"42","payload":"p"}\n');
    expect(digest.keys).toEqual([['42', '7']]);
  });
});
