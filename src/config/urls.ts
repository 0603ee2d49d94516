/** Connection URLs are checked for their scheme only; the drivers own the rest of the syntax. */

export const URL_SCHEMES = {
  postgres: ['postgres', 'postgresql'],
  mysql: ['mysql', 'mariadb'],
  redis: ['redis', 'rediss'],
} as const;

/** A URL object, or undefined when the text does not parse as one. */
export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `must be a postgres:// or postgresql:// URL`, or undefined when `text` is a URL with one of `schemes`. */
export function schemeProblem(text: string, schemes: readonly string[]): string | undefined {
  const url = parseUrl(text);
  if (url !== undefined && schemes.includes(url.protocol.replace(/:$/, ''))) return undefined;
  return `must be a ${schemes.map((scheme) => `${scheme}://`).join(' or ')} URL`;
}

/** The database named by a connection URL's path (`mysql://h:3306/shop` → `shop`), if any. */
export function databaseInUrl(text: string): string | undefined {
  const url = parseUrl(text);
  if (url === undefined) return undefined;
  try {
    const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}
