import type { StorageFilter } from './filter.js';

/** The aggregate functions a measure can use. */
export const aggregateFunctions = ['count', 'sum', 'min', 'max'] as const;

/** One of {@link aggregateFunctions}. */
export type AggregateFunction = (typeof aggregateFunctions)[number];

/**
 * One value computed per group. `count` without a field counts records; with a
 * field it counts records where the field is present. `sum` of no values is 0;
 * `min` / `max` of no values is `null`. A `sum` is exact over integers: they
 * are added without rounding in any order, and non-integers are added as
 * doubles to the exact integer total at the end; a summed value or a total
 * beyond ±`Number.MAX_SAFE_INTEGER` is an `OutOfRangeError` (`out_of_range`).
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
 * Calendar buckets a `date` field can be grouped by, in the query's
 * {@link AggregateQuery.timeZone} (UTC when absent): `day` starts at local
 * midnight; `week` is the ISO week, starting Monday at local midnight; `month`,
 * `quarter` (January, April, July, October) and `year` start at local midnight
 * of their first day. In UTC, the same periods as the analytics' `periodIndex`
 * for `'day'` and `'week'`. Adapters compute `month`, `quarter` and `year` only
 * if they declare `capabilities.calendarBuckets` ({@link calendarDateBuckets}).
 */
export const dateBuckets = ['day', 'week', 'month', 'quarter', 'year'] as const;

/**
 * The buckets of {@link dateBuckets} that an adapter's `aggregate()` receives
 * only when it declares `capabilities.calendarBuckets`; for the others the core
 * aggregates such queries itself, by streaming.
 *
 * @example
 * ```ts
 * calendarDateBuckets.includes('quarter'); // true
 * ```
 */
export const calendarDateBuckets = ['month', 'quarter', 'year'] as const satisfies readonly DateBucket[];

/** One of {@link dateBuckets}. */
export type DateBucket = (typeof dateBuckets)[number];

/**
 * One part of an aggregate's group key: a scalar field's value, or the
 * {@link DateBucket} a `date` field falls in, whose key value is the `Date` at
 * which the bucket starts (absent dates give `null`).
 *
 * @example
 * ```ts
 * const keys: AggregateGroupKey[] = ['customerId', { field: 'occurredAt', bucket: 'week' }];
 * ```
 */
export type AggregateGroupKey = string | { readonly field: string; readonly bucket: DateBucket };

/**
 * Records grouped by one or more fields, with measures per group: for example
 * per customer, the number of purchases, their total and the last purchase date.
 */
export interface AggregateQuery {
  /** Only records matching this filter are aggregated. */
  readonly filter?: StorageFilter;
  /** Scalar fields (or date fields' buckets) to group by, in order. */
  readonly groupBy: readonly AggregateGroupKey[];
  /** The values computed per group. */
  readonly measures: readonly AggregateMeasure[];
  /**
   * The IANA time zone whose calendar days and ISO weeks the bucketed keys use
   * (`'Europe/Berlin'`); absent means UTC. The core sets it only when the zone
   * is not UTC and a key is bucketed, and sends such a query only to adapters
   * that declare `capabilities.timeZoneBuckets` (the others are aggregated by
   * the core's streaming fallback, so the answer is the same everywhere).
   */
  readonly timeZone?: string;
}

/**
 * One group: its key values (in `groupBy` order; `null` when absent; a bucket's
 * start for a bucketed key) and its measures.
 */
export interface AggregateRow {
  /** The group's values of the `groupBy` fields. */
  readonly key: readonly (string | number | boolean | Date | null)[];
  /** Each measure's value, keyed by its name. */
  readonly values: Readonly<Record<string, number | Date | string | null>>;
}
