import type { TypeCastField } from 'mysql2/promise';
import type { ColumnInfo } from '../engine';

const BYTE_TYPES = new Set([
  'STRING',
  'VAR_STRING',
  'BLOB',
  'TINY_BLOB',
  'MEDIUM_BLOB',
  'LONG_BLOB',
  'BIT',
  'GEOMETRY',
  'JSON',
]);
const BINARY_TYPE =
  /^(binary|varbinary|tinyblob|blob|mediumblob|longblob|bit|geometry|point|linestring|polygon)/i;

export function isBinaryColumn(column: ColumnInfo): boolean {
  return BINARY_TYPE.test(column.dataType);
}

/** The names of those of `columns` whose values are bytes. */
export function binaryColumnNames(columns: readonly ColumnInfo[]): Set<string> {
  return new Set(columns.filter(isBinaryColumn).map((c) => c.name));
}

/**
 * The type cast of every query that reads rows: values stay in the server's text form, so nothing passes through
 * a JavaScript number or Date. The driver cannot tell a binary column from a text one, so the caller names the
 * binary ones (from introspection, as the select list names them): those become `toText`'s `\\x` hex, every other
 * string-like value is decoded as UTF-8 (the connection charset) without a Buffer in between.
 */
export function textTypeCast(binaryNames: ReadonlySet<string>) {
  return (field: TypeCastField, next: () => unknown): string | null => {
    void next;
    if (!BYTE_TYPES.has(field.type)) return field.string();
    if (!binaryNames.has(field.name)) return field.string('utf8');
    return toText(field.buffer(), true);
  };
}

/** Text columns decode as UTF-8 (the connection charset); binary ones become `\x` hex like PostgreSQL's bytea. */
export function toText(value: unknown, binary: boolean): string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return binary ? `\\x${value.toString('hex')}` : value.toString('utf8');
  return String(value);
}

/** The inverse of `toText`: binary values go back to the server as bytes, everything else as its text. */
export function fromText(text: string | null, binary: boolean): string | Buffer | null {
  if (text === null || !binary) return text;
  return Buffer.from(text.startsWith('\\x') ? text.slice(2) : text, 'hex');
}
