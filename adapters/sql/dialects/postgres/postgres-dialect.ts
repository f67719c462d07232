import { numberPlaceholders, tupleUpdateParts, type SqlDialect, type StorageType } from '../../sql-dialect.js';
import type { ParamKind } from '../../sql-fragment.js';
import { sql, sqlParam, sqlText } from '../../sql-fragment.js';

const types: Record<StorageType, string> = {
  id: 'bytea',
  key: 'bytea',
  ref: 'bytea',
  short: 'bytea',
  long: 'bytea',
  number: 'double precision',
  date: 'bigint',
  boolean: 'smallint',
  version: 'integer',
  doc: 'text',
  ext: 'jsonb',
  field: 'bytea',
  value: 'bytea',
};

const casts: Record<ParamKind, string> = { bin: 'bytea', num: 'float8', int: 'int8', text: 'text', json: 'jsonb' };

/**
 * PostgreSQL (and PGlite): strings as `bytea` (byte order is code point order,
 * whatever the database's collation, and U+0000 is kept, which `text` and
 * `jsonb` cannot hold), `ext` as `jsonb` holding hex for strings, typed
 * placeholders (`$1::bytea`), and explicit `NULLS FIRST` / `NULLS LAST`
 * because PostgreSQL sorts NULL as the largest value.
 *
 * @example
 * ```ts
 * postgresDialect.compile(sql`a = ${sqlParam(1, 'num')}`).sql; // a = $1::float8
 * ```
 */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  // The protocol takes 65,535; PGlite fails (and drops its session) somewhere past 40,000.
  maxParameters: 20_000,
  insertReturning: true,
  tableSuffix: '',
  lockingRead: ' FOR UPDATE',
  inlineIndexes: false,
  quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
  compile: (fragment) => numberPlaceholders(fragment, (i, kind) => `$${i + 1}::${casts[kind]}`),
  type: (type) => types[type],
  extKey: (key) => sqlParam(key, 'text'),
  extNumber: (ext, key) => sql`(${sqlText(ext)} ->> ${postgresDialect.extKey(key)})::float8`,
  extBinary: (ext, key) => sql`decode(${sqlText(ext)} ->> ${postgresDialect.extKey(key)}, 'hex')`,
  contains: (value, needle) => sql`(position(${needle} in ${value}) > 0)`,
  endsWith: (value, needle, length) =>
    sql`(length(${value}) >= ${sqlParam(length, 'int')} AND substring(${value} from (length(${value}) - ${sqlParam(length, 'int')} + 1)::int) = ${needle})`,
  truncate: (value) => sql`trunc(${value})`,
  // SUM of bigint is numeric: exact.
  exactIntegerSums: (integer) => [sql`(SUM((${integer})::bigint))::text`],
  exactNumber: (value) => value,
  // PostgreSQL has no MIN / MAX over bytea: take them over hex text in byte order.
  extremeOfBinary: (fn, value) => sql`decode(${sqlText(fn)}(encode(${value}, 'hex') COLLATE "C"), 'hex')`,
  orderTerm: (expression, direction, nullable) => {
    const order = direction === 'asc' ? 'ASC' : 'DESC';
    if (!nullable) return sql`${expression} ${sqlText(order)}`;
    return sql`${expression} ${sqlText(order)} ${sqlText(direction === 'asc' ? 'NULLS FIRST' : 'NULLS LAST')}`;
  },
  // date_trunc on a timestamp without time zone is UTC calendar arithmetic; EXTRACT(EPOCH) is numeric, so exact.
  calendarStart: (ms, unit) =>
    sql`(EXTRACT(EPOCH FROM date_trunc(${sqlText(`'${unit}'`)}, TIMESTAMP '1970-01-01' + ${ms} * INTERVAL '1 millisecond')) * 1000)::bigint`,
  updateFromTuples: (table, set, rows) => {
    // SET names the target's columns unqualified; the typed placeholders give the VALUES list its column types.
    const parts = tupleUpdateParts(postgresDialect.quote, set, '');
    return `UPDATE ${table} AS t SET ${parts.set} FROM (VALUES ${Array(rows).fill(parts.tuple).join(', ')}) AS v(${parts.names}) WHERE ${parts.match}`;
  },
};
