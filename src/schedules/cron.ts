/**
 * A local check of cron expressions in the dialect Temporal's scheduler parses, so a typo is refused before the
 * server is contacted. It follows the server's grammar (service/worker/scheduler/calendar.go): 5 fields
 * (minute hour day-of-month month day-of-week), 6 (plus year) or 7 (seconds first, year last); `*`, `a`,
 * `a-b`, `a/step`, `a-b/step` and comma lists; month names (3+ letters) and day names (2+ letters); the
 * shorthands `@yearly` … `@hourly`; an optional `TZ=`/`CRON_TZ=` prefix and a ` # comment`. `@every` is passed
 * through for the server to judge. One deliberate difference: `MON#2` is refused here, because the server would
 * read `#2` as a comment and run every Monday. The server stays the final authority: anything this check lets through and
 * the server refuses is still reported as one sentence.
 */

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: { words: readonly string[]; minLength: number; first: number };
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const SECOND: FieldRule = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldRule = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldRule = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldRule = { name: 'day of month', min: 1, max: 31 };
const MONTH: FieldRule = { name: 'month', min: 1, max: 12, names: { words: MONTHS, minLength: 3, first: 1 } };
// The server accepts 7 as a second Sunday, like most crons.
const DAY_OF_WEEK: FieldRule = {
  name: 'day of week',
  min: 0,
  max: 7,
  names: { words: DAYS, minLength: 2, first: 0 },
};
const YEAR: FieldRule = { name: 'year', min: 2000, max: 2100 };

const LAYOUTS: Record<number, FieldRule[]> = {
  5: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
  6: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
  7: [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
};

const SHORTHANDS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** The expression's problem as a sentence fragment, or undefined when the server's grammar accepts it. */
export function cronProblem(expression: string): string | undefined {
  let text = expression.trim();
  if (/^(CRON_)?TZ=/.test(text)) {
    const space = text.indexOf(' ');
    if (space < 0) return 'has a time zone prefix but no fields';
    text = text.slice(space + 1);
  }
  // The server reads everything after `#` as a comment, so a Quartz-style `MON#2` (second Monday) would
  // silently mean every Monday. A comment has to be set apart by a space.
  const hash = text.indexOf('#');
  if (hash > 0 && !/\s/.test(text[hash - 1]!)) {
    const field = text.split(/\s+/).find((f) => f.indexOf('#') > 0);
    return `has "#" inside the field "${field}": nth-weekday is not supported, and a # comment needs a space before it`;
  }
  text = text.split('#')[0]!.trim();
  if (text.startsWith('@every')) return undefined;
  if (text.startsWith('@')) {
    return SHORTHANDS.has(text) ? undefined : `${text} is not one of ${[...SHORTHANDS].join(', ')}`;
  }
  const fields = text.split(/\s+/).filter((f) => f.length > 0);
  const layout = LAYOUTS[fields.length];
  if (!layout) {
    return `has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5 (minute hour day-of-month month day-of-week), 6 (plus year) or 7 (seconds first, year last)`;
  }
  for (const [index, field] of fields.entries()) {
    const problem = fieldProblem(field, layout[index]!);
    if (problem) return problem;
  }
  return undefined;
}

/** The time zone a `TZ=`/`CRON_TZ=` prefix names, if any. */
export function cronTimeZone(expression: string): string | undefined {
  const match = /^(?:CRON_)?TZ=(\S+)/.exec(expression.trim());
  return match?.[1];
}

function fieldProblem(field: string, rule: FieldRule): string | undefined {
  for (const part of field.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return `${rule.name} field "${field}" has more than one "/"`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) {
      return `${rule.name} field "${field}" has a step that is not a positive whole number`;
    }
    if (range === '*') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2) return `${rule.name} field "${field}" has more than one "-"`;
    const start = value(bounds[0]!, rule);
    const end = bounds.length === 2 ? value(bounds[1]!, rule) : start;
    if (start === undefined || end === undefined) {
      return `${rule.name} field "${field}" is not ${describeAllowed(rule)}`;
    }
    if (end < start) return `${rule.name} field "${field}" has a range that ends before it starts`;
  }
  return undefined;
}

function value(text: string, rule: FieldRule): number | undefined {
  if (rule.names && text.length >= rule.names.minLength && /^[a-z]+$/i.test(text)) {
    const index = rule.names.words.findIndex((w) => w.startsWith(text.toLowerCase()));
    if (index >= 0) return index + rule.names.first;
  }
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= rule.min && n <= rule.max ? n : undefined;
}

function describeAllowed(rule: FieldRule): string {
  const names = rule.names === MONTH.names ? ' or a month name' : rule.names ? ' or a day name' : '';
  return `*, or values in ${rule.min}-${rule.max}${names} (lists a,b, ranges a-b, steps /n)`;
}
