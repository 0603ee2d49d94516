/**
 * Durations are written the way people say them (`90d`, `12h`, `1h30m`) and carried as milliseconds.
 * A bare number is refused: `olderThan: 90` could mean days or seconds, and guessing wrong deletes data.
 */

export const DURATION_HINT = 'must be a duration like 90d, 12h, 30m';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

// Units must appear largest first and at most once, so `1h30m` reads one way only and `30m1h` is a typo.
// The lookahead refuses the empty string, which every optional group would otherwise match.
export const DURATION_PATTERN = /^(?=\d)(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNITS_IN_ORDER = ['w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Milliseconds in `text`, or undefined when it is not a duration or too long to count in milliseconds exactly. */
export function tryParseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  let total = 0;
  UNITS_IN_ORDER.forEach((unit, index) => {
    const amount = match[index + 1];
    if (amount !== undefined) total += Number(amount) * UNIT_MS[unit];
  });
  return Number.isSafeInteger(total) ? total : undefined;
}

/**
 * Parses `90d`, `12h`, `1h30m`, `500ms` (units w, d, h, m, s, ms) into milliseconds.
 * @throws RangeError when the text is not a duration (a bare number has no unit) or exceeds 2^53 ms.
 */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new RangeError(`"${text}" is not valid: ${DURATION_HINT}`);
  return ms;
}
