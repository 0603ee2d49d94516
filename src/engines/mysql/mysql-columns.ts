import type { ColumnInfo } from '../engine';
import { quoteIdent } from './mysql-sql';

/**
 * The expression that reads a column in a text form that round-trips exactly when inserted back into a column
 * of the same type.
 */
export function selectExpression(column: ColumnInfo): string {
  return quoteIdent(column.name);
}
