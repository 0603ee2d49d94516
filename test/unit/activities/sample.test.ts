import { sampleIndexes, sampleSize } from '../../../src/activities/sample';

const settings = { samplePercent: 1, min: 10, max: 1000 };

describe('verification sample size', () => {
  it.each([
    [0, 0],
    [5, 5],
    [10, 10],
    [500, 10],
    [1_000, 10],
    [5_000, 50],
    [10_001, 101],
    [100_000, 1000],
    [5_000_000, 1000],
  ])('of %i deleted keys is %i with 1%%, at least 10 and at most 1000', (total, expected) => {
    expect(sampleSize(total, settings)).toBe(expected);
  });

  it('follows a configured percentage', () => {
    expect(sampleSize(1000, { samplePercent: 100, min: 0, max: 5000 })).toBe(1000);
    expect(sampleSize(1000, { samplePercent: 0, min: 0, max: 5000 })).toBe(0);
  });
});

describe('sample indexes', () => {
  it('are distinct, sorted and below the total', () => {
    const picked = sampleIndexes(100, 30);
    expect(new Set(picked).size).toBe(30);
    expect(picked).toEqual([...picked].sort((a, b) => a - b));
    expect(picked.every((i) => i >= 0 && i < 100)).toBe(true);
  });

  it('take everything when the sample is as large as the population', () => {
    expect(sampleIndexes(7, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
