import type { EngineName } from './types';

/**
 * Table names are written `schema.table` or bare. Each part is a raw identifier that engines quote, so the
 * only syntax that matters here is the single dot; quotes, spaces and further dots are refused so that the
 * split is never ambiguous. 64 characters is MySQL's limit (PostgreSQL truncates at 63 on both sides alike).
 */
const IDENTIFIER = String.raw`[\p{L}\p{N}_$][\p{L}\p{N}_$-]{0,63}`;

export const IDENTIFIER_PATTERN = new RegExp(`^${IDENTIFIER}$`, 'u');
export const TABLE_NAME_PATTERN = new RegExp(`^${IDENTIFIER}(?:\\.${IDENTIFIER})?$`, 'u');

/**
 * `schema.table` for a configured name: a bare PostgreSQL name is in `public`, a bare MySQL name in the
 * database the url names. Undefined for a bare MySQL name when the url names no database.
 */
export function qualifyTableName(
  engine: EngineName,
  name: string,
  urlDatabase: string | undefined,
): string | undefined {
  if (name.includes('.')) return name;
  const schema = engine === 'postgres' ? 'public' : urlDatabase;
  return schema === undefined ? undefined : `${schema}.${name}`;
}
