import type { ColumnInfo } from '../engine';
import { quoteIdent } from './postgres-sql';

/**
 * The expression that reads a column in a text form that round-trips exactly through the column type's input
 * function, whatever the server's locale and output settings. The session fixes TimeZone, DateStyle,
 * IntervalStyle and extra_float_digits (so floats print their shortest exact form); what remains
 * setting-dependent is handled here. Row fingerprints are computed over the same expressions. `qualifier` names
 * the column through a table alias, for statements that join the table with something else.
 */
export function selectExpression(column: ColumnInfo, qualifier?: string): string {
  const name = qualifier ? `${quoteIdent(qualifier)}.${quoteIdent(column.name)}` : quoteIdent(column.name);
  switch (column.dataType) {
    // money's text form follows lc_monetary ("$1,234.56"); numeric text reads back into money on any server.
    case 'money':
      return `${name}::numeric`;
    case 'money[]':
      return `${name}::numeric[]`;
    // bytea's text form follows bytea_output (hex or escape); the archive format is always `\x` + lowercase hex.
    case 'bytea':
      return `(E'\\\\x' || encode(${name}, 'hex'))`;
    default:
      return name;
  }
}
