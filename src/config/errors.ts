import { ArchiverError } from '../errors';

/** One thing wrong with a configuration file; `path` is empty for problems with the file as a whole. */
export interface ConfigProblem {
  /** Key path like `databases[1].tables[0].batchSize`. */
  readonly path: string;
  readonly message: string;
}

/**
 * The configuration file cannot be used. It lists every problem found, not just the first, so an operator fixes
 * the file in one pass. Messages never contain connection strings or values taken from the environment.
 */
export class ConfigError extends ArchiverError {
  readonly problems: readonly ConfigProblem[];

  constructor(
    readonly source: string,
    problems: readonly ConfigProblem[],
    options?: { cause?: unknown },
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid configuration in ${source}: ${count}.`, options);
    this.problems = Object.freeze([...problems]);
  }

  /** The message followed by one line per problem, each `key.path: what is wrong`. */
  format(): string {
    return [this.message, ...this.problems.map(formatProblem)].join('\n');
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

/** The message of anything thrown; `instanceof Error` is unreliable across realms (Node's fs errors under jest). */
export function reasonOf(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return String(error);
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `['databases', 1, 'tables', 0, 'name']` → `databases[1].tables[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    const key = String(segment);
    if (!PLAIN_KEY.test(key)) return `${text}[${JSON.stringify(key)}]`;
    return text === '' ? key : `${text}.${key}`;
  }, '');
}
