import type { ColumnInfo } from '../engine';
import { quoteIdent } from './mysql-sql';

/** The largest value a FLOAT(M,D) or DECIMAL(M,D) accepts, as a literal: 10^(M-D) - 10^-D. */
export function largestFixedPoint(precision: number, scale: number): string {
  const whole = precision > scale ? '9'.repeat(precision - scale) : '0';
  return scale > 0 ? `${whole}.${'9'.repeat(scale)}` : whole;
}

/**
 * The expression that reads a column in a text form that round-trips exactly when inserted back into a column
 * of the same type. Row fingerprints are computed over the same expressions.
 */
export function selectExpression(column: ColumnInfo): string {
  const name = quoteIdent(column.name);
  const type = column.dataType.toLowerCase();
  if (!/^float\b/.test(type)) return name;
  // MariaDB prints FLOAT with 6 significant digits (16777217 as 16777200, 123456.789 as 123457), which does not
  // identify the stored float32. As DOUBLE it prints the float32's exact value in its shortest form, and
  // storing that text back into a FLOAT column gives the same float32.
  const exact = `CAST(${name} AS DOUBLE)`;
  const fixed = /^float\((\d+),(\d+)\)/.exec(type);
  if (!fixed) return exact;
  // FLOAT(M,D) checks the range before rounding to float32, so its largest value (99999999.99 for FLOAT(10,2))
  // is stored as a float32 just outside it (1e8) and could not be inserted again. Every value inside the range
  // round-trips; the boundary value is written as the range limit, which stores as the same float32.
  const max = largestFixedPoint(Number(fixed[1]), Number(fixed[2]));
  const min = type.includes('unsigned') ? '0' : `-${max}`;
  return `LEAST(GREATEST(${exact}, ${min}), ${max})`;
}
