/**
 * Instants from the timestamp text forms an archive holds, for choosing objects and rows by time without a
 * JavaScript Date (which keeps only milliseconds and years up to 275760). Accepted: PostgreSQL's ISO output
 * for date, timestamp and timestamptz (`2026-01-02 03:04:05.123456+00`, `0044-03-15 BC`, `infinity`), MySQL's
 * DATE/DATETIME/TIMESTAMP text, and ISO 8601 as given on the command line (`2026-01-02T03:04:05Z`). Text
 * without an offset is UTC, as the archiver's sessions run in UTC.
 */

/** Microseconds since 1970-01-01 00:00 UTC, exact; ±infinity map to values beyond every real timestamp. */
export type Micros = bigint;

export const INFINITY_MICROS: Micros = 2n ** 62n;
export const NEGATIVE_INFINITY_MICROS: Micros = -(2n ** 62n);

const PATTERN =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?( BC)?$/i;

const PLAIN_UTC = /^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)?(?:\+00)?$/;

const MICROS_PER_DAY = 86_400_000_000n;

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year 0 is 1 BC). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Seconds east of UTC from `Z`, `+05`, `-03:30`, `+00:00:01` or `+0530`. */
function offsetSeconds(offset: string | undefined): number {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  const seconds = Number(digits.slice(4, 6) || '0');
  const total = hours * 3600 + minutes * 60 + seconds;
  return offset.startsWith('-') ? -total : total;
}

/** The instant a timestamp text names, or null when the text is not a timestamp (MySQL's zero date included). */
export function timestampMicros(text: string): Micros | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'infinity' || trimmed === '+infinity') return INFINITY_MICROS;
  if (trimmed === '-infinity') return NEGATIVE_INFINITY_MICROS;
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset, bc] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 24 || Number(mi) > 59 || Number(s) > 60) {
    return null;
  }
  // 1 BC is year 0 of the proleptic calendar, 2 BC year -1.
  const year = bc ? 1 - Number(y) : Number(y);
  const seconds = Number(h) * 3600 + Number(mi) * 60 + Number(s) - offsetSeconds(offset);
  const micros = BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0');
  return BigInt(daysFromCivil(year, month, day)) * MICROS_PER_DAY + BigInt(seconds) * 1_000_000n + micros;
}

/**
 * Orders two timestamp texts by the instants they name; text that is not a timestamp sorts after every
 * timestamp, and among itself by code unit, so the order is total.
 */
export function compareTimestampText(a: string, b: string): number {
  // Fast path for the common form: four-digit years, UTC, no offset other than `+00`. Such texts sort as
  // instants when compared as strings (a shorter fraction is a prefix, and `+` sorts before `.` and digits).
  if (PLAIN_UTC.test(a) && PLAIN_UTC.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = timestampMicros(a);
  const y = timestampMicros(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  if (x !== null) return -1;
  if (y !== null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
