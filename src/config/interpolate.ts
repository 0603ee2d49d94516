import { isMap, isScalar, isSeq, Scalar, type Document } from 'yaml';
import { formatPath, type ConfigProblem } from './errors';

/**
 * `${VAR}` interpolation. It runs on the parsed YAML's scalars, never on the raw text, so a variable's value
 * can only ever become one scalar: a value containing `: ` or a newline cannot add keys or sections.
 */

export interface Interpolation {
  readonly problems: ConfigProblem[];
  /** Key paths (as formatPath writes them) whose values came from a reference; errors must never echo them. */
  readonly interpolatedPaths: ReadonlySet<string>;
}

type Path = (string | number)[];

// `$${` first so the escape wins over the `${` it contains; an unmatched `${` is caught to report it.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^]*))?$/;

/** Replaces references in every string scalar of `doc` in place, collecting problems by key path. */
export function interpolateDocument(doc: Document, env: NodeJS.ProcessEnv): Interpolation {
  const problems: ConfigProblem[] = [];
  const interpolatedPaths = new Set<string>();
  walkScalars(doc.contents, [], (scalar, path) => {
    if (typeof scalar.value !== 'string' || !scalar.value.includes('${')) return;
    const result = substitute(scalar.value, env);
    const key = formatPath(path);
    for (const message of result.problems) problems.push({ path: key, message });
    if (result.referenced) interpolatedPaths.add(key);
    scalar.value = result.referenced && isRetypable(scalar) ? retype(result.value) : result.value;
  });
  return { problems, interpolatedPaths };
}

interface Substitution {
  value: string;
  referenced: boolean;
  problems: string[];
}

/** `${NAME}`, `${NAME:-default}` (default also when NAME is empty, as in sh), and `$${` for a literal `${`. */
function substitute(text: string, env: NodeJS.ProcessEnv): Substitution {
  const problems: string[] = [];
  let referenced = false;
  const value = text.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === '$${') return '${';
    const parts = inner === undefined ? null : INNER.exec(inner);
    const name = parts?.[1];
    if (name === undefined) {
      // The reference itself is not echoed: in a url its default could be a password.
      problems.push(
        inner === undefined
          ? 'has "${" without a closing "}"; write "$${" for a literal "${"'
          : 'has an invalid variable reference; write ${NAME} or ${NAME:-default}',
      );
      return '';
    }
    referenced = true;
    const fallback = parts?.[2];
    const set = env[name];
    if (fallback !== undefined) return set === undefined || set === '' ? fallback : set;
    if (set === undefined) problems.push(`environment variable ${name} is not set`);
    return set ?? '';
  });
  return { value, referenced, problems };
}

function walkScalars(node: unknown, path: Path, visit: (scalar: Scalar, path: Path) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      walkScalars(pair.value, [...path, key], visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => walkScalars(item, [...path, index], visit));
  } else if (isScalar(node)) {
    visit(node, path);
  }
  // Aliases are skipped: they share their anchor's node, which is interpolated where it is defined.
}

// An unquoted `pool: ${POOL}` should read as if the number had been typed there; a quoted or tagged scalar
// was explicitly a string and stays one.
function isRetypable(scalar: Scalar): boolean {
  return scalar.type === Scalar.PLAIN && scalar.tag === undefined;
}

/** Resolves a substituted plain scalar as YAML would the same text typed in place (decimals and booleans). */
function retype(text: string): string | number | boolean {
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  return text;
}
