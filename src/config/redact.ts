/**
 * Connection strings carry passwords. Config errors never echo them and logs censor them; these helpers are the
 * single definition of what counts as secret, shared by both.
 */

// Authority is everything between `//` and the first `/`, `?` or `#`; the greedy match ends at its last `@`,
// which is how URL parsers split userinfo from the host when a password contains an unescaped `@`.
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;
const SECRET_QUERY_PARAM =
  /([?&](?:password|passwd|pass|pwd|sslpassword|secret[^=&#]*|[^=&#]*token)=)[^&#]*/gi;

/** `postgres://u:secret@h/db` → `postgres://u:***@h/db`; also hides password-like query parameters. */
export function redactUrl(url: string): string {
  return url
    .replace(USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
    })
    .replace(SECRET_QUERY_PARAM, '$1***');
}

/** Keys whose values are never repeated in error messages: connection strings and anything password-like. */
export function isSecretKey(key: string): boolean {
  return /^(url|uri|dsn|connectionString|password|passwd|replicaUrl)$|secret|token/i.test(key);
}

const SECRET_LOG_KEYS = [
  'url',
  'replicaUrl',
  'connectionString',
  'password',
  'secretAccessKey',
  'sessionToken',
];

// pino's wildcard matches exactly one level, so each key is listed at the depths a log call realistically
// reaches: `{ url }`, `{ database: { url } }`, `{ config: { lock: { url } } }`, `{ config: { databases: [{ url }] } }`.
const DEPTHS = ['', '*.', '*.*.', '*.*.*.'];

/** Paths for pino's `redact` option that cover secrets in the config and anything shaped like its parts. */
export const LOG_REDACT_PATHS: string[] = [
  ...SECRET_LOG_KEYS.flatMap((key) => DEPTHS.map((depth) => `${depth}${key}`)),
  'databases[*].url',
  '*.databases[*].url',
  'databases[*].replicaUrl',
  '*.databases[*].replicaUrl',
  'lock.url',
  '*.lock.url',
];
