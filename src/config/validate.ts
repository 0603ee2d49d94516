import { z } from 'zod';
import { formatPath, type ConfigProblem } from './errors';
import { toProblems } from './issues';
import { configSchema } from './schema';
import type { Config } from './types';

export type Validation = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Checks parsed, interpolated YAML against the schema, collecting every problem rather than the first. */
export function validate(data: unknown, interpolatedPaths: ReadonlySet<string>): Validation {
  // Zod's unknown-key issue names the keys but not the valid ones; the error map sees the schema, so it
  // records them for the "did you mean" hint.
  const knownKeys = new Map<string, readonly string[]>();
  const result = configSchema.safeParse(data, {
    reportInput: true,
    error: (issue) => {
      if (issue.code === 'unrecognized_keys' && issue.inst instanceof z.ZodObject) {
        knownKeys.set(formatPath(issue.path ?? []), Object.keys(issue.inst.shape));
      }
      return undefined;
    },
  });
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: toProblems(result.error.issues, { interpolatedPaths, knownKeys }) };
}
