import type { SqlDialect, StorageType } from '../../sql-dialect.js';
import { sql, sqlParam, sqlText, type SqlFragment } from '../../sql-fragment.js';

const types: Record<StorageType, string> = {
  id: 'BLOB',
  key: 'BLOB',
  ref: 'BLOB',
  short: 'BLOB',
  long: 'BLOB',
  number: 'REAL',
  date: 'INTEGER',
  boolean: 'INTEGER',
  version: 'INTEGER',
  doc: 'TEXT',
  ext: 'TEXT',
  field: 'BLOB',
  value: 'BLOB',
};

/**
 * SQLite: strings as BLOBs (memcmp order is code point order; `length` and
 * `instr` count bytes and do not stop at NUL as they do on TEXT), `ext` as JSON
 * text read with `json_extract`, hex strings turned back into bytes with `unhex`.
 * NULL is the smallest value, so ascending order puts absent values first natively.
 *
 * @example
 * ```ts
 * sqliteDialect.quote('crm_customers'); // "crm_customers"
 * ```
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  maxParameters: 32_000,
  insertReturning: true,
  tableSuffix: '',
  lockingRead: '',
  inlineIndexes: false,
  quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
  compile: (fragment) => ({ sql: fragment.text, parameters: fragment.params.map((p) => p.value) }),
  type: (type) => types[type],
  extKey: (key) => sqlParam(`$.${key}`, 'text'),
  extNumber: (ext, key) => sql`json_extract(${sqlText(ext)}, ${sqliteDialect.extKey(key)})`,
  extBinary: (ext, key) => sql`unhex(json_extract(${sqlText(ext)}, ${sqliteDialect.extKey(key)}))`,
  contains: (value, needle) => sql`(instr(${value}, ${needle}) > 0)`,
  // substr() of an empty blob is NULL, not an empty blob: test the length first so the result is never NULL.
  endsWith: (value: SqlFragment, needle: SqlFragment, length: number) =>
    sql`(length(${value}) >= ${sqlParam(length, 'int')} AND substr(${value}, ${sqlParam(-length, 'int')}) = ${needle})`,
  truncate: (value) => sql`CAST(${value} AS INTEGER)`,
  // Split at 2^32 (`/` and `%` truncate on integers) so SUM never overflows SQLite's 64-bit integer.
  exactIntegerSums: (integer) => [sql`CAST(SUM(${integer} / 4294967296) AS TEXT)`, sql`CAST(SUM(${integer} % 4294967296) AS TEXT)`],
  exactNumber: (value) => value,
  extremeOfBinary: (fn, value) => sql`${sqlText(fn)}(${value})`,
  orderTerm: (expression, direction) => sql`${expression} ${sqlText(direction === 'asc' ? 'ASC' : 'DESC')}`,
  // strftime over seconds as a double (exact to the millisecond through year 9999); a quarter steps back from its month.
  calendarStart: (ms, unit) => {
    const at = sql`${ms} / 1000.0, 'unixepoch'`;
    if (unit === 'year') return sql`(CAST(strftime('%s', ${at}, 'start of year') AS INTEGER) * 1000)`;
    if (unit === 'month') return sql`(CAST(strftime('%s', ${at}, 'start of month') AS INTEGER) * 1000)`;
    const back = sql`'-' || ((CAST(strftime('%m', ${at}) AS INTEGER) - 1) % 3) || ' months'`;
    return sql`(CAST(strftime('%s', ${at}, 'start of month', ${back}) AS INTEGER) * 1000)`;
  },
};
