import { readFileSync } from 'node:fs';
import { ConfigError, reasonOf } from './errors';
import { deepFreeze } from './freeze';
import { interpolateDocument } from './interpolate';
import type { Config } from './types';
import { validate } from './validate';
import { documentData, parseYamlDocument } from './yaml';

/**
 * Reads, interpolates and validates a configuration file.
 * @throws ConfigError listing every problem when the file is unreadable, is not YAML, references unset
 *   environment variables, or does not match the schema.
 */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the file: ${reasonOf(error)}` }], {
      cause: error,
    });
  }
  return parseConfig(text, path, env);
}

/**
 * Parses configuration text; `source` names it in errors (usually the file path). The result has every default
 * filled and is deeply frozen.
 * @throws ConfigError listing every problem found.
 */
export function parseConfig(text: string, source: string, env: NodeJS.ProcessEnv = process.env): Config {
  const doc = parseYamlDocument(text, source);
  const interpolation = interpolateDocument(doc, env);
  const result = validate(documentData(doc, source), interpolation.interpolatedPaths);
  // A failed reference already explains its key; what the schema then says about the blank left behind is noise.
  const explained = new Set(interpolation.problems.map((problem) => problem.path));
  const problems = [
    ...interpolation.problems,
    ...(result.ok ? [] : result.problems.filter((problem) => !explained.has(problem.path))),
  ];
  if (problems.length > 0 || !result.ok) throw new ConfigError(source, problems);
  return deepFreeze(result.config);
}
