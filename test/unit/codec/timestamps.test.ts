import {
  compareTimestampText,
  daysFromCivil,
  INFINITY_MICROS,
  NEGATIVE_INFINITY_MICROS,
  timestampMicros,
} from '../../../src/codec/timestamps';

const ms = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe('timestamp texts as instants', () => {
  it('counts days like the proleptic Gregorian calendar, across leap years and before year 1', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(Date.UTC(2000, 2, 1) / 86_400_000);
    expect(daysFromCivil(1600, 2, 29)).toBe(Date.UTC(1600, 1, 29) / 86_400_000);
    // Year 0 (1 BC) is a leap year; Date's own year-0 support agrees.
    expect(daysFromCivil(0, 2, 29)).toBe(new Date('0000-02-29T00:00:00Z').getTime() / 86_400_000);
    expect(daysFromCivil(-4712, 1, 1)).toBe(new Date('-004712-01-01T00:00:00Z').getTime() / 86_400_000);
  });

  it.each([
    ['2026-01-02 03:04:05', '2026-01-02T03:04:05Z'],
    ['2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05.678Z'],
    ['2026-01-02 03:04:05+00', '2026-01-02T03:04:05Z'],
    ['2026-01-02 03:04:05+05:30', '2026-01-01T21:34:05Z'],
    ['2026-01-02 03:04:05-0800', '2026-01-02T11:04:05Z'],
    ['2026-01-02', '2026-01-02T00:00:00Z'],
    ['1969-12-31 23:59:59', '1969-12-31T23:59:59Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(timestampMicros(text)).toBe(ms(iso));
  });

  it('keeps microseconds that a Date would drop', () => {
    expect(timestampMicros('2026-01-02 03:04:05.123456')).toBe(ms('2026-01-02T03:04:05.123Z') + 456n);
    expect(timestampMicros('1970-01-01 00:00:00.000001+00')).toBe(1n);
    expect(timestampMicros('1969-12-31 23:59:59.999999')).toBe(-1n);
  });

  it('reads offsets with seconds, BC years, years past 9999 and infinities', () => {
    expect(timestampMicros('1970-01-01 00:00:01+00:00:01')).toBe(0n);
    expect(timestampMicros('0001-01-01 BC')).toBe(BigInt(daysFromCivil(0, 1, 1)) * 86_400_000_000n);
    expect(timestampMicros('0044-03-15 12:00:00+00 BC')).toBe(
      BigInt(daysFromCivil(-43, 3, 15)) * 86_400_000_000n + 43_200_000_000n,
    );
    expect(timestampMicros('294276-12-31 23:59:59.999999')! > ms('9999-12-31T23:59:59.999Z')).toBe(true);
    expect(timestampMicros('infinity')).toBe(INFINITY_MICROS);
    expect(timestampMicros('-infinity')).toBe(NEGATIVE_INFINITY_MICROS);
  });

  it('refuses text that names no instant, MySQL zero dates included', () => {
    for (const text of [
      '',
      'yesterday',
      '0000-00-00 00:00:00',
      '2026-13-01',
      '2026-01-02 25:00:00',
      '12:00:00',
    ]) {
      expect(timestampMicros(text)).toBeNull();
    }
  });

  it('orders texts by instant where comparing the strings would not', () => {
    const texts = ['2001-01-01', '0500-01-01 BC', '10000-01-01', '-infinity', '0100-01-01', 'infinity'];
    expect([...texts].sort(compareTimestampText)).toEqual([
      '-infinity',
      '0500-01-01 BC',
      '0100-01-01',
      '2001-01-01',
      '10000-01-01',
      'infinity',
    ]);
    expect(compareTimestampText('2001-01-01 00:00:00+01', '2001-01-01 00:00:00+00')).toBe(-1);
    expect(compareTimestampText('garbage', '2001-01-01')).toBe(1);
  });

  it('orders plain UTC texts with and without fractions as their instants', () => {
    const texts = [
      '2001-01-01 00:00:00.5',
      '2001-01-01 00:00:00',
      '2001-01-01 00:00:00.25',
      '2000-12-31 23:59:59.999999',
      '2000-06-01',
    ];
    const byInstant = [...texts].sort((a, b) => Number(timestampMicros(a)! - timestampMicros(b)!));
    expect([...texts].sort(compareTimestampText)).toEqual(byInstant);
    expect(compareTimestampText('2001-01-01 00:00:00+00', '2001-01-01 00:00:00.5+00')).toBe(-1);
    expect(compareTimestampText('2001-01-01 00:00:00+00', '2001-01-01 00:00:00+00')).toBe(0);
  });
});
