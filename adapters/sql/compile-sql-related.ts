import { AdapterError, zeroMatches, type StorageRelatedSpec } from '../../src/storage/index.js';
import type { CollectionTable } from './collection-table.js';
import { compileSqlFilter } from './compile-sql-filter.js';
import { fieldExpression, lookupField, valueParam } from './field-expression.js';
import type { SqlDialect } from './sql-dialect.js';
import { sql, sqlParam, sqlText, type SqlFragment } from './sql-fragment.js';

const comparisons = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/**
 * Compiles a related node into one condition on the row aliased `t`: its id
 * in (or not in) the links of the related table grouped with `HAVING`. Where
 * the zero value (count 0, sum 0, no min / max) does not match, the set is the
 * links whose aggregate matches and the row's id must be `IN` it; where it
 * does ("no purchase in 180 days"), it is the links whose aggregate fails and
 * the id must be `NOT IN` it, so rows with no related record count in. NULL
 * links are left out of the set, so `NOT IN` never meets a NULL; a `min` /
 * `max` over no present value is NULL, so the `HAVING` (or its `NOT`) leaves
 * that link out of either set, which is the absent value's semantics. The
 * subquery aliases the related table `t` too (it shadows the outer row; the
 * subquery needs nothing of it), so its own filter compiles as any other,
 * related nodes included. Under `not`, `IN` and `NOT IN` swap.
 *
 * @example
 * ```ts
 * compileSqlRelated(sqliteDialect, customers, { collection: 'interactions', via: 'customerId', having: { fn: 'count', op: 'gte', value: 3 } }, false);
 * // t."id" IN (SELECT t."customerId" FROM "interactions" AS t WHERE t."customerId" IS NOT NULL GROUP BY t."customerId" HAVING COUNT(*) >= ?)
 * ```
 */
export function compileSqlRelated(dialect: SqlDialect, table: CollectionTable, spec: StorageRelatedSpec, negated: boolean): SqlFragment {
  const related = table.sibling(spec.collection);
  const link = fieldExpression(dialect, lookupField(related, spec.via));
  if (link.kind !== 'bin') throw new AdapterError(`${spec.collection}.${spec.via} does not hold ids`);
  const { fn, field, op, value } = spec.having;
  let aggregate: SqlFragment;
  let bound: SqlFragment;
  if (fn === 'count') {
    aggregate = sqlText('COUNT(*)');
    bound = sqlParam(value, 'num');
  } else {
    const target = fieldExpression(dialect, lookupField(related, field!));
    aggregate = fn === 'sum' ? sql`COALESCE(SUM(${target.expression}), 0)` : sql`${sqlText(fn.toUpperCase())}(${target.expression})`;
    bound = fn === 'sum' ? sqlParam(value, 'num') : valueParam(target, value);
  }
  const zero = zeroMatches(spec.having);
  const test = sql`${aggregate} ${sqlText(comparisons[op])} ${bound}`;
  const having = zero ? sql`NOT (${test})` : test;
  const filter = spec.where === undefined ? sqlText('') : sql` AND ${compileSqlFilter(dialect, related, spec.where)}`;
  const links = sql`SELECT ${link.expression} FROM ${sqlText(related.table)} AS t WHERE ${link.expression} IS NOT NULL${filter} GROUP BY ${link.expression} HAVING ${having}`;
  const inside = zero === negated;
  return sql`t.${sqlText(dialect.quote('id'))} ${sqlText(inside ? 'IN' : 'NOT IN')} (${links})`;
}
