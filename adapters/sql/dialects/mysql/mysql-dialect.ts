import { tupleUpdateParts, type SqlDialect, type StorageType } from '../../sql-dialect.js';
import { sql, sqlParam, sqlText } from '../../sql-fragment.js';

const types: Record<StorageType, string> = {
  id: 'VARBINARY(512)',
  key: 'VARBINARY(1536)',
  ref: 'VARBINARY(512)',
  short: 'VARBINARY(512)',
  long: 'LONGBLOB',
  number: 'DOUBLE',
  date: 'BIGINT',
  boolean: 'TINYINT',
  version: 'INT',
  doc: 'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
  ext: 'LONGTEXT CHARACTER SET ascii COLLATE ascii_bin',
  field: 'VARBINARY(512)',
  value: 'VARBINARY(2048)',
};

/**
 * MySQL and MariaDB: strings as `VARBINARY` / `LONGBLOB` (byte order is code
 * point order, case-sensitive, and without the PAD SPACE rule that makes
 * `'a' = 'a '` true under MariaDB's `_bin` collations), `ext` as JSON text
 * read with `JSON_EXTRACT`, hex strings turned back into bytes with `UNHEX`.
 * NULL is the smallest value, so ascending order puts absent values first natively.
 *
 * @example
 * ```ts
 * mysqlDialect.quote('crm_customers'); // `crm_customers`
 * ```
 */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  maxParameters: 30_000,
  insertReturning: false,
  tableSuffix: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  lockingRead: ' FOR UPDATE',
  inlineIndexes: true,
  quote: (identifier) => `\`${identifier.replace(/`/g, '``')}\``,
  compile: (fragment) => ({ sql: fragment.text, parameters: fragment.params.map((p) => p.value) }),
  type: (type) => types[type],
  extKey: (key) => sqlParam(`$.${key}`, 'text'),
  extNumber: (ext, key) => sql`CAST(JSON_EXTRACT(${sqlText(ext)}, ${mysqlDialect.extKey(key)}) AS DOUBLE)`,
  extBinary: (ext, key) => sql`UNHEX(JSON_UNQUOTE(JSON_EXTRACT(${sqlText(ext)}, ${mysqlDialect.extKey(key)})))`,
  contains: (value, needle) => sql`(LOCATE(${needle}, ${value}) > 0)`,
  endsWith: (value, needle, length) => sql`(RIGHT(${value}, ${sqlParam(length, 'int')}) = ${needle})`,
  truncate: (value) => sql`TRUNCATE(${value}, 0)`,
  // SUM of BIGINT is DECIMAL: exact.
  exactIntegerSums: (integer) => [sql`CAST(SUM(CAST(${integer} AS SIGNED)) AS CHAR)`],
  // MariaDB prints a double with the shortest digits that read back exactly; mysql2 would round them.
  exactNumber: (value) => sql`CAST(${value} AS CHAR)`,
  extremeOfBinary: (fn, value) => sql`${sqlText(fn)}(${value})`,
  orderTerm: (expression, direction) => sql`${expression} ${sqlText(direction === 'asc' ? 'ASC' : 'DESC')}`,
  // DATETIME arithmetic knows no time zone; FROM_UNIXTIME would refuse instants before 1970. FLOOR of the exact DECIMAL quotient.
  calendarStart: (ms, unit) => {
    const at = sql`(TIMESTAMP '1970-01-01 00:00:00' + INTERVAL FLOOR(${ms} / 1000) SECOND)`;
    // Not MAKEDATE: it reads years below 100 as 19xx / 20xx.
    const yearStart = sql`(DATE(${at}) - INTERVAL (DAYOFYEAR(${at}) - 1) DAY)`;
    const start =
      unit === 'month'
        ? sql`(DATE(${at}) - INTERVAL (DAYOFMONTH(${at}) - 1) DAY)`
        : unit === 'quarter'
          ? sql`(${yearStart} + INTERVAL (QUARTER(${at}) - 1) QUARTER)`
          : yearStart;
    return sql`(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', ${start}) * 1000)`;
  },
  // Multi-table UPDATE over a derived table: the first SELECT names the columns, the others follow by position.
  updateFromTuples: (table, set, rows) => {
    const parts = tupleUpdateParts(mysqlDialect.quote, set);
    const width = set.length + 2;
    const first = `SELECT ${Array.from({ length: width }, (_, i) => `? AS c${i}`).join(', ')}`;
    const rest = `SELECT ${Array(width).fill('?').join(', ')}`;
    const tuples = [first, ...Array<string>(rows - 1).fill(rest)].join(' UNION ALL ');
    return `UPDATE ${table} AS t JOIN (${tuples}) AS v ON ${parts.match} SET ${parts.set}`;
  },
};
