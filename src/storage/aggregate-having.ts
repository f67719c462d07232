import type { AggregateMeasure, AggregateRow } from './aggregate-query.js';
import { compareValues } from './compare-values.js';
import { InvalidQueryError, type CrmIssue } from './errors.js';
import { havingOperators, type HavingOperator } from './related-filter.js';

/**
 * A condition on a measure of an aggregate's rows: a group is kept when its
 * measure compares with `value` as asked. A `null` measure (a `min` / `max`
 * of no value) matches only `ne`, as an absent field does in a filter.
 *
 * @example
 * ```ts
 * const bigSpenders: AggregateHaving = { measure: 'revenue', op: 'gt', value: 50_000 };
 * ```
 */
export interface AggregateHaving {
  /** The measure's name. */
  readonly measure: string;
  /** The comparison. */
  readonly op: HavingOperator;
  /** A number, a `Date` (for a min / max of dates) or a string (of strings). */
  readonly value: number | Date | string;
}

/**
 * Checks `having` against the measures: every condition names one, with a
 * known operator and a number, date or string value. Throws
 * `InvalidQueryError` (issue `invalid_measure` / `unknown_operator` / `invalid_value`).
 *
 * @example
 * ```ts
 * checkAggregateHaving([{ measure: 'n', op: 'gte', value: 3 }], [{ name: 'n', fn: 'count' }]);
 * ```
 */
export function checkAggregateHaving(having: unknown, measures: readonly AggregateMeasure[]): void {
  if (having === undefined) return;
  const issues: CrmIssue[] = [];
  if (!Array.isArray(having)) {
    throw new InvalidQueryError('having takes a list of { measure, op, value }', [{ code: 'invalid_measure', path: ['having'], message: 'having is a list' }]);
  }
  having.forEach((condition: unknown, i) => {
    const { measure, op, value } = (condition ?? {}) as Record<string, unknown>;
    if (!measures.some((m) => m.name === measure)) issues.push({ code: 'invalid_measure', path: ['having', i, 'measure'], message: `no measure ${JSON.stringify(measure)}` });
    if (!(havingOperators as readonly unknown[]).includes(op)) issues.push({ code: 'unknown_operator', path: ['having', i, 'op'], message: `having compares with ${havingOperators.join(', ')}` });
    const valid = (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string' || (value instanceof Date && !Number.isNaN(value.getTime()));
    if (!valid) issues.push({ code: 'invalid_value', path: ['having', i, 'value'], message: 'a having value is a finite number, a valid Date or a string' });
  });
  if (issues.length > 0) throw new InvalidQueryError(`Invalid having: ${issues.map((i) => i.message).join('; ')}`, issues);
}

/**
 * Whether an aggregate row satisfies every condition of `having`.
 *
 * @example
 * ```ts
 * rowMatchesHaving({ key: ['c1'], values: { n: 4 } }, [{ measure: 'n', op: 'gte', value: 3 }]); // true
 * ```
 */
export function rowMatchesHaving(row: AggregateRow, having: readonly AggregateHaving[]): boolean {
  return having.every(({ measure, op, value }) => {
    const actual = row.values[measure];
    if (actual === null || actual === undefined) return op === 'ne';
    if (typeof actual !== typeof value && !(actual instanceof Date && value instanceof Date)) return op === 'ne';
    const c = compareValues(actual, value);
    switch (op) {
      case 'eq':
        return c === 0;
      case 'ne':
        return c !== 0;
      case 'lt':
        return c < 0;
      case 'lte':
        return c <= 0;
      case 'gt':
        return c > 0;
      case 'gte':
        return c >= 0;
    }
  });
}
