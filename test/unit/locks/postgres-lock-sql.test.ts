import { advisoryKey, leaseSql } from '../../../src/locks/postgres-lock-sql';

describe('the postgres lease backend SQL', () => {
  it('derives a stable signed 64-bit advisory key per schema and resource', () => {
    const key = advisoryKey('public', 'db-archiver/shop');
    expect(advisoryKey('public', 'db-archiver/shop')).toBe(key);
    expect(BigInt(key)).toBeGreaterThanOrEqual(-(2n ** 63n));
    expect(BigInt(key)).toBeLessThan(2n ** 63n);
    expect(advisoryKey('public', 'db-archiver/billing')).not.toBe(key);
    expect(advisoryKey('archiver', 'db-archiver/shop')).not.toBe(key);
  });

  it('quotes the schema of the lease table', () => {
    expect(leaseSql('odd "schema"').list).toContain(
      String.raw`FROM "odd ""schema""".db_archiver_leases AS lease`,
    );
  });
});
