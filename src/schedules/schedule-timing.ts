import type { ScheduleSpec } from '@temporalio/client';
import { tryParseDuration } from '../config/duration';
import { cronProblem, cronTimeZone } from './cron';
import { ScheduleRequestError } from './errors';

/** When a schedule fires: a cron expression or a fixed interval, read in one IANA time zone. */
export type ScheduleTiming =
  | { kind: 'cron'; expression: string; timezone: string }
  | { kind: 'every'; every: string; everyMs: number; timezone: string };

export const DEFAULT_TIMEZONE = 'UTC';

/**
 * Checks `--cron`/`--every`/`--timezone` locally and returns the timing.
 * @throws ScheduleRequestError when both or neither of cron and every are given, the cron expression does not
 * parse, the interval is not a whole number of seconds of at least 1s, or the time zone is unknown to this
 * machine's time zone database.
 */
export function parseTiming(options: { cron?: string; every?: string; timezone?: string }): ScheduleTiming {
  if ((options.cron === undefined) === (options.every === undefined)) {
    throw new ScheduleRequestError('Give exactly one of --cron EXPR or --every DURATION.');
  }
  const timezone = checkTimeZone(options.timezone, options.cron);
  if (options.cron !== undefined) {
    const problem = cronProblem(options.cron);
    if (problem) throw new ScheduleRequestError(`--cron "${options.cron}" ${problem}.`);
    return { kind: 'cron', expression: options.cron.trim(), timezone };
  }
  const every = options.every!;
  const everyMs = tryParseDuration(every);
  if (everyMs === undefined || everyMs < 1000 || everyMs % 1000 !== 0) {
    throw new ScheduleRequestError(
      `--every ${every} must be a duration of whole seconds, at least 1s, like 1d, 12h, 30m.`,
    );
  }
  return { kind: 'every', every, everyMs, timezone };
}

function checkTimeZone(timezone: string | undefined, cron: string | undefined): string {
  const prefixed = cron !== undefined ? cronTimeZone(cron) : undefined;
  if (prefixed !== undefined && timezone !== undefined) {
    throw new ScheduleRequestError(
      `--cron names time zone ${prefixed} and --timezone names ${timezone}; give only one.`,
    );
  }
  const zone = timezone ?? prefixed ?? DEFAULT_TIMEZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ScheduleRequestError(
      `--timezone ${zone} is not an IANA time zone name like UTC or Europe/Berlin.`,
    );
  }
  return zone;
}

/** The Temporal spec for a timing. A `TZ=` prefix inside the cron expression carries the zone itself. */
export function timingSpec(timing: ScheduleTiming): ScheduleSpec {
  if (timing.kind === 'every') return { intervals: [{ every: timing.everyMs }], timezone: timing.timezone };
  if (cronTimeZone(timing.expression) !== undefined) return { cronExpressions: [timing.expression] };
  return { cronExpressions: [timing.expression], timezone: timing.timezone };
}

/** How people read the timing back: `cron 0 2 * * * (Europe/Berlin)`, `every 1d (UTC)`. */
export function describeTiming(timing: ScheduleTiming): string {
  if (timing.kind === 'every') return `every ${timing.every} (${timing.timezone})`;
  const prefixed = cronTimeZone(timing.expression) !== undefined;
  return prefixed ? `cron ${timing.expression}` : `cron ${timing.expression} (${timing.timezone})`;
}
