import { groupKeyBucket, groupKeyField, type AggregateGroupKey } from '../../src/storage/index.js';
import type { CollectionTable } from './collection-table.js';
import { fieldExpression, lookupField, type FieldExpression } from './field-expression.js';
import type { CalendarUnit, SqlDialect } from './sql-dialect.js';
import { sql, sqlText, type SqlFragment } from './sql-fragment.js';

const DAY_MS = 86_400_000;

/** Per bucket: the shift that puts a bucket start at a multiple of the width, and the width (ms). */
const bucketArithmetic = {
  day: { offset: 0, width: DAY_MS },
  // 1970-01-01 was a Thursday: three days later a Monday starts at a multiple of seven days.
  week: { offset: 3 * DAY_MS, width: 7 * DAY_MS },
} as const;

/**
 * The SQL expression of one group key: the field's own expression, or for a
 * date bucket its start in epoch milliseconds, computed with integer
 * arithmetic every dialect shares: `ms - ((ms + offset) % width + width) % width`.
 * `%` truncates toward zero on SQLite, PostgreSQL and MySQL alike, and adding
 * the width before the second `%` turns it into a floor, so instants before
 * 1970 fall in the bucket that starts before them. A date kept in `ext` (a
 * double) is cast to an integer first. `month`, `quarter` and `year` (UTC)
 * are the dialect's own calendar arithmetic ({@link SqlDialect.calendarStart}).
 *
 * @example
 * ```ts
 * groupKeyExpression(sqliteDialect, table, { field: 'occurredAt', bucket: 'day' }).expression.text;
 * // (t."occurredAt" - ((t."occurredAt" % 86400000) + 86400000) % 86400000)
 * ```
 */
export function groupKeyExpression(dialect: SqlDialect, table: CollectionTable, key: AggregateGroupKey): FieldExpression {
  const target = fieldExpression(dialect, lookupField(table, groupKeyField(key)));
  const bucket = groupKeyBucket(key);
  if (bucket === undefined) return target;
  const ms = target.field.storage.kind === 'column' ? target.expression : integerOf(dialect, target.expression);
  if (bucket !== 'day' && bucket !== 'week') return { field: target.field, kind: 'int', expression: dialect.calendarStart(ms, bucket as CalendarUnit) };
  const { offset, width } = bucketArithmetic[bucket];
  const shifted = offset === 0 ? ms : sql`(${ms} + ${sqlText(String(offset))})`;
  const w = sqlText(String(width));
  return { field: target.field, kind: 'int', expression: sql`(${ms} - ((${shifted} % ${w}) + ${w}) % ${w})` };
}

function integerOf(dialect: SqlDialect, expression: SqlFragment): SqlFragment {
  switch (dialect.name) {
    case 'sqlite':
      return sql`CAST(${expression} AS INTEGER)`;
    case 'postgres':
      return sql`CAST(${expression} AS bigint)`;
    case 'mysql':
      return sql`CAST(${expression} AS SIGNED)`;
  }
}
