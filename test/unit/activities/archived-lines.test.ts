import { createHash } from 'node:crypto';
import { ArchivedLines, ArchivedLinesCache, records } from '../../../src/activities/archived-lines';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the lines an archive holds, for a full scan', () => {
  it('finds every line it was built from and none other, over many buckets', () => {
    const held = Array.from({ length: 20_000 }, (_, i) => sha(`{"id":"${i}"}`));
    const lines = ArchivedLines.fromRecords([records(held.slice(0, 7_000)), records(held.slice(7_000))]);
    expect(held.every((h) => lines.has(h))).toBe(true);
    const absent = Array.from({ length: 20_000 }, (_, i) => sha(`{"id":"${i}","changed":true}`));
    expect(absent.some((h) => lines.has(h))).toBe(false);
    expect(lines.size).toBe(20_000);
  });

  it('counts a line archived twice once, and an empty archive holds nothing', () => {
    const one = sha('a');
    expect(ArchivedLines.of([one, one, sha('b')]).size).toBe(2);
    expect(ArchivedLines.of([]).has(one)).toBe(false);
  });

  it('tells apart lines whose hashes share their first two bytes', () => {
    const a = 'abcd' + '0'.repeat(60);
    const b = 'abcd' + '0'.repeat(27) + '1' + '0'.repeat(32);
    const c = 'abcd' + 'f'.repeat(60);
    const lines = ArchivedLines.of([c, a]);
    expect([lines.has(a), lines.has(b), lines.has(c)]).toEqual([true, false, true]);
  });

  it('refuses what is not a SHA-256 in hex', () => {
    expect(() => records(['xyz'])).toThrow('not a SHA-256 in hex');
  });

  it('loads each table once and forgets a failed load', async () => {
    const cache = new ArchivedLinesCache(2);
    let loads = 0;
    const load = () => {
      loads += 1;
      return Promise.resolve(ArchivedLines.of([]));
    };
    await Promise.all([cache.get('t1', load), cache.get('t1', load)]);
    expect(loads).toBe(1);
    await expect(cache.get('bad', () => Promise.reject(new Error('S3 down')))).rejects.toThrow('S3 down');
    await cache.get('bad', load);
    expect(loads).toBe(2);
    await cache.get('t3', load);
    await cache.get('t1', load);
    expect(loads).toBe(4);
  });
});
