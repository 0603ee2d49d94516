/** Node socket errors that mean the connection itself is gone or was never made. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
]);

/** mysql2's own codes for a lost or unusable connection. */
const MYSQL_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

/** PostgreSQL SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * Whether an error means a pool's connections may all be dead (server restarted, network cut, connection
 * killed), so the pool is better discarded and rebuilt than reused. Query errors (syntax, constraint, missing
 * table) are not: the connection that raised them is fine.
 */
export function isFatalConnectionError(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (SOCKET_CODES.has(code) || MYSQL_CODES.has(code) || PG_CODES.has(code) || code.startsWith('08'))
        return true;
    }
    if ((current as { fatal?: unknown }).fatal === true) return true;
    if (
      /Connection terminated|connection is closed|Can't add new command when connection is in closed state/i.test(
        current.message,
      )
    ) {
      return true;
    }
  }
  return false;
}

/**
 * PostgreSQL SQLSTATE classes a retry cannot fix: data exceptions, syntax and access rules, unsupported
 * features, wrong credentials (28), and a database that does not exist (3D).
 */
const PG_DETERMINISTIC_CLASSES = new Set(['22', '42', '0A', '28', '3D']);

/** MySQL errors a retry cannot fix: syntax, unknown column or table, bad values, access denied to an object. */
const MYSQL_DETERMINISTIC_CODES = new Set([
  'ER_PARSE_ERROR',
  'ER_BAD_FIELD_ERROR',
  'ER_NO_SUCH_TABLE',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_DIVISION_BY_ZERO',
  'ER_WRONG_VALUE_FOR_TYPE',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_DATA_TOO_LONG',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
]);

/** The database's error code when the error is a rejected statement that would fail the same way again. */
export function deterministicQueryErrorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (/^[0-9A-Z]{5}$/.test(code) && PG_DETERMINISTIC_CLASSES.has(code.slice(0, 2))) return code;
  if (MYSQL_DETERMINISTIC_CODES.has(code)) return code;
  return null;
}
