import { OutOfRangeError } from '../../src/storage/index.js';
import type { SqlDialect } from './sql-dialect.js';
import { sql, sqlText, type SqlFragment } from './sql-fragment.js';

const maxSafe = String(Number.MAX_SAFE_INTEGER);

/** The select-list columns of one `sum`: the exact integer part as text, the double part, the largest magnitude. */
export interface SumColumns {
  /** The exact sum of the integral values of magnitude at most `MAX_SAFE_INTEGER`, as decimal text (SQLite: two parts). */
  readonly integers: readonly SqlFragment[];
  /** The double sum of the non-integral values (NULL when there are none). */
  readonly fractions: SqlFragment;
  /** The largest `abs(value)` (NULL when there are no values). */
  readonly largest: SqlFragment;
}

/**
 * The SQL of a `sum` by crmkit's rule: integral values are summed exactly
 * (in a 64-bit integer, `numeric` or `DECIMAL`, whatever the order of the
 * rows), the non-integral values as doubles, and the largest magnitude is
 * read so that {@link combineSum} can refuse values beyond
 * `Number.MAX_SAFE_INTEGER`. On SQLite the integers are summed as
 * `x / 2^32` and `x % 2^32` (both truncate toward zero), so the sum never
 * overflows a 64-bit integer below 2^31 rows. Each part is read back as
 * text or a double the drivers parse exactly (MariaDB through
 * `CAST(… AS CHAR)`, see {@link SqlDialect.exactNumber}).
 *
 * @example
 * ```ts
 * const { integers, fractions, largest } = sumColumns(sqliteDialect, sqlText('t."amount"'));
 * ```
 */
export function sumColumns(dialect: SqlDialect, value: SqlFragment): SumColumns {
  const inRange = sql`ABS(${value}) <= ${sqlText(maxSafe)}`;
  const whole = dialect.truncate(value);
  const integral = sql`CASE WHEN ${inRange} AND ${value} = ${whole} THEN ${whole} END`;
  const fractional = sql`CASE WHEN ${inRange} AND ${value} <> ${whole} THEN ${value} END`;
  return {
    integers: dialect.exactIntegerSums(integral),
    fractions: dialect.exactNumber(sql`SUM(${fractional})`),
    largest: dialect.exactNumber(sql`MAX(ABS(${value}))`),
  };
}

/**
 * Combines the parts read by {@link sumColumns} into the sum: the exact
 * integer total plus the double total of the fractions. Throws
 * `OutOfRangeError` when a summed value, the integer total or the result is
 * beyond `Number.MAX_SAFE_INTEGER` in magnitude (the same rule as the core's
 * reference aggregation). `0` over no values.
 *
 * @example
 * ```ts
 * combineSum(['9007199254740991', '-9007199254740989'], null, 9007199254740991, 'total'); // 2
 * ```
 */
export function combineSum(integers: readonly unknown[], fractions: unknown, largest: unknown, name: string): number {
  if (largest !== null && largest !== undefined && Math.abs(Number(largest)) > Number.MAX_SAFE_INTEGER) {
    throw new OutOfRangeError(`the sum ${JSON.stringify(name)} reads a value beyond ±${maxSafe}`);
  }
  const [high, low] = integers.map((part) => BigInt(part === null || part === undefined ? '0' : String(part)));
  const exact = low === undefined ? high! : high! * 4294967296n + low;
  const bound = BigInt(Number.MAX_SAFE_INTEGER);
  if (exact > bound || exact < -bound) throw new OutOfRangeError(`the sum ${JSON.stringify(name)} is beyond ±${maxSafe}`);
  const total = Number(exact) + (fractions === null || fractions === undefined ? 0 : Number(fractions));
  if (Math.abs(total) > Number.MAX_SAFE_INTEGER) throw new OutOfRangeError(`the sum ${JSON.stringify(name)} is beyond ±${maxSafe}`);
  return total;
}
