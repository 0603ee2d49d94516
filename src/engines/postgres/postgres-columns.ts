import type { ColumnInfo } from '../engine';
import { quoteIdent } from './postgres-sql';

/**
 * The expression that reads a column in a text form that round-trips exactly through the column type's input
 * function, whatever the server's locale settings.
 */
export function selectExpression(column: ColumnInfo): string {
  const name = quoteIdent(column.name);
  // money's text form follows lc_monetary ("$1,234.56"); numeric text reads back into money on any server.
  if (column.dataType === 'money') return `${name}::numeric`;
  return name;
}
