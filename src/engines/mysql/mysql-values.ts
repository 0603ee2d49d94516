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

/**
 * Values stay in the server's text form so nothing passes through a JavaScript number or Date. String-like
 * values arrive as bytes, because the driver cannot tell a binary column from a text one here; `toText`
 * decodes them with the column types from introspection.
 */
export function rawTypeCast(field: TypeCastField, next: () => unknown): unknown {
  void next;
  return BYTE_TYPES.has(field.type) ? field.buffer() : field.string();
}

/**
 * `rawTypeCast` and `toText` in one step, for a result whose binary columns are known by name: every value
 * arrives as its text (`toText`'s) without a Buffer in between.
 */
export function textTypeCast(binaryNames: ReadonlySet<string>) {
  return (field: TypeCastField, next: () => unknown): string | null => {
    void next;
    if (!BYTE_TYPES.has(field.type)) return field.string();
    if (!binaryNames.has(field.name)) return field.string('utf8');
    const bytes = field.buffer();
    return bytes === null ? null : `\\x${bytes.toString('hex')}`;
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
