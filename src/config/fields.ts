import { z } from 'zod';
import { binarySize } from './binary-size';
import { DURATION_HINT, DURATION_PATTERN, tryParseDuration } from './duration';

/**
 * Field builders whose messages read plainly (`must be an integer between 1 and 64`). The value the operator
 * wrote is appended later, where it is known whether the key is secret (see issues.ts).
 */

/** A mapping whose unknown keys are errors: a misspelt `batchsize` must not silently fall back to the default. */
export function section<Shape extends z.core.$ZodLooseShape>(shape: Shape, message = 'must be a mapping') {
  // Only the type message is set here: unknown keys are described in issues.ts, which knows the valid keys.
  return z.strictObject(shape, { error: (issue) => (issue.code === 'invalid_type' ? message : undefined) });
}

export function list<Element extends z.core.SomeType>(element: Element, noun: string) {
  return z.array(element, { error: 'must be a list' }).min(1, { error: `must list at least one ${noun}` });
}

export function text() {
  return z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' });
}

/** Optional text where an empty value (`${VAR:-}`) means the same as leaving the key out. */
export function optionalText() {
  return z
    .string({ error: 'must be a string' })
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));
}

/** A string matching `pattern`; a wrong type gets the same message, since it says what is expected. */
export function matching(pattern: RegExp, message: string) {
  return z.string({ error: message }).regex(pattern, { error: message });
}

export function oneOf<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

export function flag() {
  return z.boolean({ error: 'must be true or false' });
}

export function integerBetween(min: number, max: number) {
  const message = `must be an integer between ${min} and ${max}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

/** Any integer; for a key whose bounds depend on another key, checked by a refinement (checks.ts). */
export function integer(message = 'must be an integer') {
  return z.number({ error: message }).int({ error: message });
}

export function nonNegativeInteger() {
  const message = 'must be a non-negative integer';
  return z.number({ error: message }).int({ error: message }).min(0, { error: message });
}

export function positiveInteger(max = Number.MAX_SAFE_INTEGER) {
  const message = 'must be a positive integer';
  return z
    .number({ error: message })
    .int({ error: message })
    .min(1, { error: message })
    .max(max, { error: `must be at most ${max}` });
}

/** A byte count; messages give the bounds in both bytes (what to type) and MiB/GiB (what they mean). */
export function bytesBetween(min: number, max: number) {
  const message = `must be a number of bytes between ${min} (${binarySize(min)}) and ${max} (${binarySize(max)})`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

export function numberBetween(min: number, max: number) {
  const message = `must be a number between ${min} and ${max}`;
  return z.number({ error: message }).min(min, { error: message }).max(max, { error: message });
}

/**
 * Duration text like `90d`; kept as written, converted with parseDuration where the section is assembled.
 * `allowZero` accepts `0s` for keys where zero means "off" (`sleepBetweenBatches`).
 */
export function duration(options: { allowZero?: boolean } = {}) {
  // Each check passes text the previous one refused, so one mistake yields one message.
  const inRange = (value: string, test: (ms: number | undefined) => boolean) =>
    !DURATION_PATTERN.test(value) || test(tryParseDuration(value));
  return z
    .string({ error: DURATION_HINT })
    .regex(DURATION_PATTERN, { error: DURATION_HINT })
    .refine((value) => inRange(value, (ms) => ms !== undefined), {
      error: 'is too long to count in milliseconds',
    })
    .refine((value) => options.allowZero === true || inRange(value, (ms) => ms !== 0), {
      error: 'must be longer than zero',
    });
}
