import type { z } from 'zod';
import { formatPath, type ConfigProblem } from './errors';
import { redactUrl, isSecretKey } from './redact';
import { closestKey } from './suggest';

/**
 * Turns zod issues into problems with plain messages. This is where the value an operator wrote is echoed
 * (`(got "two")`), so it is also where secrets are kept out: never for secret-named keys (url, password, …),
 * never for values that came from the environment, and never a URL's password.
 */

export interface IssueContext {
  /** Paths whose values came from `${VAR}` references. */
  readonly interpolatedPaths: ReadonlySet<string>;
  /** For each object path with unknown keys, the keys it does know. */
  readonly knownKeys: ReadonlyMap<string, readonly string[]>;
}

// Range problems are left without the value: "must be a positive integer" says enough about -5.
const ECHOED: ReadonlySet<string> = new Set(['invalid_type', 'invalid_value', 'invalid_format']);
const MAX_ECHO = 60;

export function toProblems(issues: readonly z.core.$ZodIssue[], context: IssueContext): ConfigProblem[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? unknownKeys(issue, context) : [toProblem(issue, context)],
  );
}

function toProblem(issue: z.core.$ZodIssue, context: IssueContext): ConfigProblem {
  const path = formatPath(issue.path);
  // A missing key reaches its schema as undefined; enums report it as a bad value rather than a bad type.
  const missing =
    (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined;
  if (missing) return { path, message: 'is required' };
  const echo =
    ECHOED.has(issue.code) && mayEcho(issue.path, path, context) ? ` (got ${describe(issue.input)})` : '';
  return { path, message: `${issue.message}${echo}` };
}

function unknownKeys(issue: z.core.$ZodIssueUnrecognizedKeys, context: IssueContext): ConfigProblem[] {
  const path = formatPath(issue.path);
  const known = context.knownKeys.get(path) ?? [];
  return issue.keys.map((key) => {
    const suggestion = closestKey(key, known);
    const hint =
      suggestion !== undefined
        ? `; did you mean "${suggestion}"?`
        : known.length > 0
          ? `; expected one of ${known.join(', ')}`
          : '';
    return { path, message: `unknown key ${JSON.stringify(key)}${hint}` };
  });
}

function mayEcho(segments: readonly PropertyKey[], path: string, context: IssueContext): boolean {
  if (context.interpolatedPaths.has(path)) return false;
  return !segments.some((segment) => typeof segment === 'string' && isSecretKey(segment));
}

function describe(input: unknown): string {
  if (Array.isArray(input)) return 'a list';
  if (input === null) return 'null';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input !== 'string') return String(input);
  const text = redactUrl(input);
  return JSON.stringify(text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);
}
