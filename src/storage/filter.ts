import type { FilterOperator } from './filter-operator.js';
import type { RelatedFilter } from './related-filter.js';
import type { RelativeDate } from './relative-date.js';

/**
 * A single value a condition compares with, once relative dates are resolved.
 *
 * @example
 * ```ts
 * const values: ScalarValue[] = ['vip', 42, true, new Date()];
 * ```
 */
export type ScalarValue = string | number | boolean | Date;

/**
 * What a condition's `value` may be in a filter an adapter receives.
 *
 * @example
 * ```ts
 * const value: StorageValue = ['lead', 'customer']; // an `in` list
 * ```
 */
export type StorageValue = ScalarValue | readonly ScalarValue[];

/**
 * What a condition's `value` may be in a filter a user writes: a relative date is allowed too.
 *
 * @example
 * ```ts
 * const value: FilterValue = ago({ days: 30 });
 * ```
 */
export type FilterValue = ScalarValue | RelativeDate | readonly (ScalarValue | RelativeDate)[];

/**
 * One comparison of a field with a value: `{ field: 'tags', op: 'contains', value: 'vip' }`.
 * `F` and `O` keep the field and operator a condition was written with, so a
 * service can check them against its model at compile time (see `CheckedFilter`);
 * a plain `Condition` (field `string`) is a filter built at run time.
 *
 * @example
 * ```ts
 * const vip: Condition<'vip', 'tags', 'contains'> = where('tags', 'contains', 'vip');
 * const built: Condition = { field: input.field, op: 'eq', value: input.value }; // checked when the query runs
 * ```
 */
export interface Condition<V = FilterValue, F extends string = string, O extends FilterOperator = FilterOperator> {
  /** A dotted path, for example `lifecycleStage` or `custom.loyaltyTier`. */
  readonly field: F;
  /** One of the closed list of operators. */
  readonly op: O;
  /** The value compared with; an array for `in` / `nin`, a boolean for `exists`. */
  readonly value: V;
}

/**
 * All of the nested filters match. An empty list matches every record.
 *
 * @example
 * ```ts
 * const both: AndFilter = { and: [where('kind', 'eq', 'purchase'), where('channel', 'eq', 'web')] };
 * ```
 */
export interface AndFilter<V = FilterValue> {
  readonly and: readonly FilterOf<V>[];
}

/**
 * At least one of the nested filters matches. An empty list matches no record.
 *
 * @example
 * ```ts
 * const either: OrFilter = { or: [where('status', 'eq', 'new'), where('status', 'eq', 'open')] };
 * ```
 */
export interface OrFilter<V = FilterValue> {
  readonly or: readonly FilterOf<V>[];
}

/**
 * The nested filter does not match.
 *
 * @example
 * ```ts
 * const notChurned: NotFilter = { not: where('lifecycleStage', 'eq', 'churned') };
 * ```
 */
export interface NotFilter<V = FilterValue> {
  readonly not: FilterOf<V>;
}

/**
 * A filter over values of type `V`: a condition, `and` / `or` / `not`, or a
 * {@link RelatedFilter} through the records of another collection.
 *
 * @example
 * ```ts
 * const resolved: FilterOf<StorageValue> = { field: 'occurredAt', op: 'gte', value: new Date('2024-01-01') };
 * ```
 */
export type FilterOf<V> = Condition<V> | AndFilter<V> | OrFilter<V> | NotFilter<V> | RelatedFilter<V>;

/**
 * A filter as users write it. Build one with {@link where} or as a plain
 * object. A value typed `Filter` (fields typed `string`) is a filter built at
 * run time: the services accept it and check it when the query runs, while
 * literal fields are checked at compile time (see `CheckedFilter`).
 *
 * @example
 * ```ts
 * const saved = JSON.parse(json) as Filter;
 * await crm.customers.find({ where: saved });
 * ```
 */
export type Filter = FilterOf<FilterValue>;

/**
 * A filter as an adapter receives it: validated against the collection's fields,
 * every value of the field's type, relative dates resolved.
 *
 * @example
 * ```ts
 * const filter: StorageFilter = { and: [{ field: 'kind', op: 'eq', value: 'purchase' }] };
 * ```
 */
export type StorageFilter = FilterOf<StorageValue>;

/**
 * True when `filter` is a {@link Condition}.
 *
 * @example
 * ```ts
 * isCondition(where('name', 'eq', 'Ada')); // true
 * isCondition({ and: [] }); // false
 * ```
 */
export function isCondition<V>(filter: FilterOf<V>): filter is Condition<V> {
  return 'field' in filter;
}
