import { parseDuration } from '../../../src/config';

describe('parseDuration', () => {
  it.each([
    ['90d', 7_776_000_000],
    ['12h', 43_200_000],
    ['30m', 1_800_000],
    ['45s', 45_000],
    ['250ms', 250],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1d12h', 129_600_000],
    ['1w2d3h4m5s6ms', 788_645_006],
    ['0s', 0],
  ])('reads %s as %d milliseconds', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['90', 'a bare number has no unit'],
    ['', 'nothing'],
    ['d', 'a unit without a number'],
    ['1.5h', 'a fraction'],
    ['-1d', 'a sign'],
    ['30m1h', 'units smallest first'],
    ['1h1h', 'a repeated unit'],
    ['1D', 'an upper-case unit'],
    ['1y', 'an unknown unit'],
    [' 1d', 'surrounding space'],
    ['1 d', 'inner space'],
    ['99999999999w', 'more milliseconds than a double counts exactly'],
  ])('refuses %j (%s) with the duration hint', (text) => {
    expect(() => parseDuration(text)).toThrow('must be a duration like 90d, 12h, 30m');
  });
});
