import { parseDocument, type Document, type YAMLError } from 'yaml';
import { ConfigError, reasonOf, type ConfigProblem } from './errors';

/**
 * Parses the file's text into a YAML document, or throws a ConfigError naming each syntax error's line and
 * column. Merge keys (`<<: *defaults`) are on, so tables can share settings through anchors.
 */
export function parseYamlDocument(text: string, source: string): Document.Parsed {
  const doc = parseDocument(text, { merge: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(source, doc.errors.map(syntaxProblem));
  if (doc.contents === null) {
    throw new ConfigError(source, [
      { path: '', message: 'the file is empty; it needs at least storage and databases' },
    ]);
  }
  return doc;
}

/** The document as plain data; aliases are resolved here, with a cap against alias bombs. */
export function documentData(doc: Document.Parsed, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(source, [{ path: '', message: `YAML error: ${reasonOf(error)}` }], {
      cause: error,
    });
  }
}

function syntaxProblem(error: YAMLError): ConfigProblem {
  // Only the first line: the rest quotes the surrounding source, which may hold a password.
  const firstLine = error.message.split('\n', 1)[0] ?? '';
  const reason = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos?.[0];
  const where = at === undefined ? '' : ` at line ${at.line}, column ${at.col}`;
  return { path: '', message: `YAML syntax error${where}: ${reason}` };
}
