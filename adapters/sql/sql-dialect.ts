import type { SqlDialectName } from './sql-dialect-name.js';
import type { ParamKind, SqlFragment } from './sql-fragment.js';
import type { ColumnKind } from './table-layout.js';

/** The storage types a dialect maps: real column kinds plus crmkit's own columns. */
export type StorageType = ColumnKind | 'id' | 'version' | 'doc' | 'ext' | 'field' | 'value';

/** The calendar buckets a dialect computes itself (`day` and `week` are plain arithmetic). */
export const calendarUnits = ['month', 'quarter', 'year'] as const;

/** One of {@link calendarUnits}. */
export type CalendarUnit = (typeof calendarUnits)[number];

/** SQL text and parameters ready for a driver. */
export interface CompiledSql {
  /** The SQL text with the dialect's placeholders. */
  readonly sql: string;
  /** The parameters, in order. */
  readonly parameters: readonly unknown[];
}

/**
 * What differs between SQLite, PostgreSQL and MySQL / MariaDB in the SQL crmkit
 * writes: quoting, placeholders, types, JSON access, byte-string functions,
 * null ordering and how an insert skips taken ids.
 */
export interface SqlDialect {
  /** The dialect's name. */
  readonly name: SqlDialectName;
  /** At most this many parameters in one statement. */
  readonly maxParameters: number;
  /** Whether `INSERT … ON CONFLICT (id) DO NOTHING RETURNING id` is available. */
  readonly insertReturning: boolean;
  /** Quotes an identifier (crmkit only quotes names it made and checked). */
  quote(identifier: string): string;
  /** Replaces `?` with the dialect's placeholders. */
  compile(fragment: SqlFragment): CompiledSql;
  /** The SQL type of a storage type. */
  type(type: StorageType): string;
  /** The parameter for a key of the `ext` JSON column. */
  extKey(key: string): SqlFragment;
  /** A number (or date in ms, or boolean as 0 / 1) read from `ext`, NULL when absent. */
  extNumber(ext: string, key: string): SqlFragment;
  /** A string read from `ext` as the bytes of {@link encodeKey}, NULL when absent. */
  extBinary(ext: string, key: string): SqlFragment;
  /** True when byte string `value` holds `needle` (non-empty). */
  contains(value: SqlFragment, needle: SqlFragment): SqlFragment;
  /** True when byte string `value` ends with `needle` of `length` bytes (non-empty). */
  endsWith(value: SqlFragment, needle: SqlFragment, length: number): SqlFragment;
  /** The integral part of a double, truncated toward zero (exact for magnitudes up to 2^53). */
  truncate(value: SqlFragment): SqlFragment;
  /**
   * The exact sum of an integer-valued expression (NULL over none) as decimal
   * text: one part, or on SQLite two (`high`, `low`) meaning `high * 2^32 + low`.
   */
  exactIntegerSums(integer: SqlFragment): SqlFragment[];
  /** A double expression as the driver reads it exactly (mysql2's text protocol rounds 17-digit doubles: MariaDB gives text). */
  exactNumber(value: SqlFragment): SqlFragment;
  /** `MIN` or `MAX` of a byte-string expression. */
  extremeOfBinary(fn: 'MIN' | 'MAX', value: SqlFragment): SqlFragment;
  /**
   * The start (epoch milliseconds, an integer) of the UTC calendar month,
   * quarter or year holding the integer epoch milliseconds `ms`, for years
   * 0001 to 9999, instants before 1970 included.
   */
  calendarStart(ms: SqlFragment, unit: CalendarUnit): SqlFragment;
  /** One ORDER BY term: absent first in `asc`, last in `desc`. */
  orderTerm(expression: SqlFragment, direction: 'asc' | 'desc', nullable: boolean): SqlFragment;
  /** Table options appended to CREATE TABLE. */
  readonly tableSuffix: string;
  /** Whether indexes are declared inside CREATE TABLE (MySQL has no CREATE INDEX IF NOT EXISTS). */
  readonly inlineIndexes: boolean;
  /**
   * Appended to a SELECT to hold the rows read until the transaction ends (`' FOR UPDATE'`),
   * or `''` where write transactions are serialized anyway (SQLite's `BEGIN IMMEDIATE`).
   */
  readonly lockingRead: string;
  /**
   * One UPDATE of many rows of `table` from `rows` tuples of `?` placeholders,
   * each `(id, expected version, …one value per column of set)` and named
   * `c0, c1, …`: a row whose id and version match a tuple gets that tuple's
   * values. PostgreSQL joins a `VALUES` list (`UPDATE … FROM`), MySQL and
   * MariaDB a `UNION ALL` of `SELECT`s (`UPDATE … JOIN`). Optional: without it
   * each row is its own prepared UPDATE, which is what SQLite does (in process
   * a statement costs no round trip, and without table statistics its planner
   * answers `UPDATE … FROM` by scanning the whole target table).
   *
   * @example
   * ```ts
   * postgresDialect.updateFromTuples!('"crm_cases"', ['version', 'doc'], 2);
   * // UPDATE "crm_cases" AS t SET "version" = v.c2, "doc" = v.c3 FROM (VALUES (?, ?, ?, ?), (?, ?, ?, ?)) AS v(c0, c1, c2, c3) WHERE …
   * ```
   */
  updateFromTuples?(table: string, set: readonly string[], rows: number): string;
}

/**
 * The parts of {@link SqlDialect.updateFromTuples} every dialect shares: the
 * tuple column names, one `(?, …)` tuple, the SET list and the join condition.
 *
 * @example
 * ```ts
 * tupleUpdateParts((name) => `"${name}"`, ['doc']).set; // '"doc" = v.c2'
 * ```
 */
export function tupleUpdateParts(
  quote: (identifier: string) => string,
  set: readonly string[],
  target = 't.',
): { readonly names: string; readonly tuple: string; readonly set: string; readonly match: string } {
  const width = set.length + 2;
  return {
    names: Array.from({ length: width }, (_, i) => `c${i}`).join(', '),
    tuple: `(${Array(width).fill('?').join(', ')})`,
    set: set.map((column, i) => `${target}${quote(column)} = v.c${i + 2}`).join(', '),
    match: `t.${quote('id')} = v.c0 AND t.${quote('version')} = v.c1`,
  };
}

/** The parameter kind a dialect casts a storage type's values to. */
export const paramKindOf: Readonly<Record<ColumnKind, ParamKind>> = {
  key: 'bin',
  ref: 'bin',
  short: 'bin',
  long: 'bin',
  number: 'num',
  date: 'int',
  boolean: 'int',
};

/**
 * Replaces each `?` of a fragment by what `placeholder` returns.
 *
 * @example
 * ```ts
 * numberPlaceholders({ text: 'a = ?', params: [{ value: 1, kind: 'num' }] }, (i) => `$${i + 1}`);
 * ```
 */
export function numberPlaceholders(fragment: SqlFragment, placeholder: (index: number, kind: ParamKind) => string): CompiledSql {
  const pieces = fragment.text.split('?');
  if (pieces.length !== fragment.params.length + 1) throw new Error('placeholder count mismatch');
  let sqlText = pieces[0]!;
  for (let i = 0; i < fragment.params.length; i++) sqlText += placeholder(i, fragment.params[i]!.kind) + pieces[i + 1]!;
  return { sql: sqlText, parameters: fragment.params.map((p) => p.value) };
}
