import { OutOfRangeError } from '../../src/storage/index.js';
import type { SqlDialect } from './sql-dialect.js';
import { sql, sqlText, type SqlFragment } from './sql-fragment.js';

const maxSafe = String(Number.MAX_SAFE_INTEGER);

/**
 * The fast form of a `sum`'s columns: the database's plain `SUM` (`s`), the
 * largest magnitude (`a`, `MAX(ABS(x))`) and the largest fractional part
 * (`fr`, `|x - trunc(x)|`).
 * When every value is an integer and `count × max |v| ≤ 2^53`, every partial
 * sum is an integer a double holds exactly, so `s` is exact in any order
 * ({@link fastSumIsExact}); that is the common case (money in minor units) and
 * costs a plain `SUM` plus two cheap aggregates. PostgreSQL's `SUM` of
 * `float8` fails on overflow, so there it skips values beyond the safe range
 * (which `a` refuses anyway); SQLite uses `TOTAL`, its double sum,
 * because its `SUM` of integers fails on 64-bit overflow.
 *
 * @example
 * ```ts
 * const { s, a, fr } = fastSumColumns(sqliteDialect, sqlText('t."amount"'));
 * ```
 */
export function fastSumColumns(dialect: SqlDialect, value: SqlFragment): Record<'s' | 'a' | 'fr', SqlFragment> {
  const summed = dialect.name === 'postgres' ? sql`CASE WHEN ABS(${value}) <= ${sqlText(maxSafe)} THEN ${value} END` : value;
  // SQLite's SUM of integers (json_extract gives integers) fails on 64-bit overflow; TOTAL is a double sum.
  const sum = dialect.name === 'sqlite' ? sql`TOTAL(${summed})` : sql`SUM(${summed})`;
  return {
    s: dialect.exactNumber(sum),
    a: dialect.exactNumber(sql`MAX(ABS(${value}))`),
    fr: dialect.exactNumber(sql`MAX(ABS(${value} - ${dialect.truncate(value)}))`),
  };
}

/**
 * The exact form of a `sum`'s columns, read when the fast form is not exact
 * for some group: the exact sum of the integral values of magnitude at most
 * `MAX_SAFE_INTEGER` as decimal text (`i0`, on SQLite `i0 * 2^32 + i1`: it
 * sums `x / 2^32` and `x % 2^32`, both truncating, so no 64-bit sum
 * overflows below 2^31 rows; PostgreSQL sums `bigint` into `numeric`,
 * MariaDB `SIGNED` into `DECIMAL`), the double sum of the non-integral values
 * (`f`) and the largest magnitude (`a`).
 *
 * @example
 * ```ts
 * const columns = exactSumColumns(postgresDialect, sqlText('t."amount"'));
 * ```
 */
export function exactSumColumns(dialect: SqlDialect, value: SqlFragment): Record<string, SqlFragment> {
  const inRange = sql`ABS(${value}) <= ${sqlText(maxSafe)}`;
  const whole = dialect.truncate(value);
  const integral = sql`CASE WHEN ${inRange} AND ${value} = ${whole} THEN ${whole} END`;
  const fractional = sql`CASE WHEN ${inRange} AND ${value} <> ${whole} THEN ${value} END`;
  const columns: Record<string, SqlFragment> = {};
  dialect.exactIntegerSums(integral).forEach((part, j) => (columns[`i${j}`] = part));
  columns.f = dialect.exactNumber(sql`SUM(${fractional})`);
  columns.a = dialect.exactNumber(sql`MAX(ABS(${value}))`);
  return columns;
}

const present = (value: unknown): value is string | number | bigint => value !== null && value !== undefined;

/**
 * Whether the fast columns of a group (`rows` records) give its sum exactly:
 * no fractional part and `rows × max |v| ≤ 2^53`, or a value beyond the safe
 * range (then the sum is `OutOfRangeError` either way).
 *
 * @example
 * ```ts
 * fastSumIsExact({ s: 3, a: 2, fr: 0 }, 2); // true
 * ```
 */
export function fastSumIsExact(parts: Readonly<Record<string, unknown>>, rows: number): boolean {
  if (!present(parts.a)) return true; // no values: 0
  const largest = Number(parts.a);
  if (largest > Number.MAX_SAFE_INTEGER) return true;
  return Number(parts.fr) === 0 && largest * rows <= 2 ** 53;
}

/**
 * A group's sum from its fast columns (when {@link fastSumIsExact}) or its
 * exact ones, by crmkit's rule (see {@link combineSum}).
 *
 * @example
 * ```ts
 * sumOf({ s: 3, a: 2, fr: 0 }, 2, 'total'); // 3
 * ```
 */
export function sumOf(parts: Readonly<Record<string, unknown>>, rows: number, name: string): number {
  if (!('s' in parts)) return combineSum([parts.i0, ...('i1' in parts ? [parts.i1] : [])], parts.f, parts.a, name);
  if (!present(parts.a)) return 0;
  const largest = Number(parts.a);
  if (largest > Number.MAX_SAFE_INTEGER) throw new OutOfRangeError(`the sum ${JSON.stringify(name)} reads a value beyond ±${maxSafe}`);
  if (!fastSumIsExact(parts, rows)) throw new Error('sumOf: the fast sum is not exact for this group');
  const total = Number(parts.s) + 0; // -0 reads as 0
  if (Math.abs(total) > Number.MAX_SAFE_INTEGER) throw new OutOfRangeError(`the sum ${JSON.stringify(name)} is beyond ±${maxSafe}`);
  return total;
}

/**
 * Combines the parts read by {@link exactSumColumns} into the sum: the exact
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
