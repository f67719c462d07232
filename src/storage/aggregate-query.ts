import type { StorageFilter } from './filter.js';

/** The aggregate functions a measure can use. */
export const aggregateFunctions = ['count', 'sum', 'min', 'max'] as const;

/** One of {@link aggregateFunctions}. */
export type AggregateFunction = (typeof aggregateFunctions)[number];

/**
 * One value computed per group. `count` without a field counts records; with a
 * field it counts records where the field is present. `sum` of no values is 0;
 * `min` / `max` of no values is `null`.
 */
export interface AggregateMeasure {
  /** The key of this value in each {@link AggregateRow.values}. */
  readonly name: string;
  /** The function. */
  readonly fn: AggregateFunction;
  /** The field it reads: a number field for `sum`, a number, date or string field for `min` / `max`. */
  readonly field?: string;
}

/**
 * Records grouped by one or more fields, with measures per group: for example
 * per customer, the number of purchases, their total and the last purchase date.
 */
export interface AggregateQuery {
  /** Only records matching this filter are aggregated. */
  readonly filter?: StorageFilter;
  /** Scalar fields to group by, in order. */
  readonly groupBy: readonly string[];
  /** The values computed per group. */
  readonly measures: readonly AggregateMeasure[];
}

/** One group: its key values (in `groupBy` order; `null` when absent) and its measures. */
export interface AggregateRow {
  /** The group's values of the `groupBy` fields. */
  readonly key: readonly (string | number | boolean | Date | null)[];
  /** Each measure's value, keyed by its name. */
  readonly values: Readonly<Record<string, number | Date | string | null>>;
}
