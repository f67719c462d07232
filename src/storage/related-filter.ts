import type { FilterOf, FilterValue, ScalarValue, StorageFilter } from './filter.js';

/**
 * The aggregate functions a related filter's `having` compares: `count` of the
 * related records, `sum` of a number field, `min` / `max` of a number or date field.
 *
 * @example
 * ```ts
 * relatedFunctions.includes('sum'); // true
 * ```
 */
export const relatedFunctions = ['count', 'sum', 'min', 'max'] as const;

/** One of {@link relatedFunctions}. */
export type RelatedFunction = (typeof relatedFunctions)[number];

/**
 * The comparisons a related filter's `having` may make.
 *
 * @example
 * ```ts
 * havingOperators.includes('gte'); // true
 * ```
 */
export const havingOperators = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const;

/** One of {@link havingOperators}. */
export type HavingOperator = (typeof havingOperators)[number];

/**
 * The issue codes a related filter (or a `having`) is refused with, inside an
 * `InvalidQueryError`, besides the filter language's own (`unknown_field`, ...).
 *
 * @example
 * ```ts
 * relatedFilterIssueCodes.includes('no_reference'); // true
 * ```
 */
export const relatedFilterIssueCodes = [
  'related_unavailable',
  'unknown_collection',
  'no_reference',
  'ambiguous_reference',
  'invalid_having',
  'unknown_function',
] as const;

/** One of {@link relatedFilterIssueCodes}. */
export type RelatedFilterIssueCode = (typeof relatedFilterIssueCodes)[number];

/**
 * The aggregate a related filter compares with a value: `count` needs no
 * field; `sum` takes a number field; `min` / `max` a number or date field.
 *
 * @example
 * ```ts
 * const spentOver500: RelatedHaving = { fn: 'sum', field: 'amount.amountMinor', op: 'gt', value: 50_000 };
 * ```
 */
export interface RelatedHaving<V = FilterValue> {
  /** The aggregate function. */
  readonly fn: RelatedFunction;
  /** The related collection's field it reads (`sum`, `min`, `max`). */
  readonly field?: string;
  /** The comparison. */
  readonly op: HavingOperator;
  /** The value compared with: a number, or for `min` / `max` of a date field a `Date` (a relative date before resolution). */
  readonly value: V extends readonly unknown[] ? never : V;
}

/**
 * The records of another collection that refer to this one, filtered, with an
 * aggregate of them compared with a value: "customers with at least 3
 * purchases in the last 90 days". A record with no related record has count 0
 * and sum 0, and no min or max (a comparison with an absent min / max is
 * false, except `ne`, as with an absent field).
 *
 * In a filter a user writes, `via` (the related collection's field naming
 * this collection's records) may be left out when the related collection has
 * one reference to this one; in a {@link StorageFilter} the core has always
 * set it, and `having` too.
 *
 * @example
 * ```ts
 * const frequent: RelatedFilter = {
 *   related: { collection: 'interactions', where: where('kind', 'eq', 'purchase'), having: { fn: 'count', op: 'gte', value: 3 } },
 * };
 * ```
 */
export interface RelatedFilter<V = FilterValue> {
  readonly related: RelatedSpec<V>;
}

/**
 * The body of a {@link RelatedFilter}.
 *
 * @example
 * ```ts
 * const spec: RelatedSpec = { collection: 'cases', via: 'customerId', having: { fn: 'count', op: 'gte', value: 1 } };
 * ```
 */
export interface RelatedSpec<V = FilterValue> {
  /** The related collection, for example `interactions`. */
  readonly collection: string;
  /** Its field holding this record's id, for example `customerId`; derived from the references when left out. */
  readonly via?: string;
  /** Only related records matching this filter count; absent means all. */
  readonly where?: FilterOf<V>;
  /** What is compared; absent means "at least one": `{ fn: 'count', op: 'gte', value: 1 }`. */
  readonly having?: RelatedHaving<V>;
}

/**
 * A related filter as an adapter receives it: `via` and `having` set, every
 * value resolved.
 *
 * @example
 * ```ts
 * const node: StorageRelatedSpec = { collection: 'interactions', via: 'customerId', having: { fn: 'count', op: 'gte', value: 3 } };
 * ```
 */
export interface StorageRelatedSpec {
  /** The related collection. */
  readonly collection: string;
  /** Its field holding the outer record's id. */
  readonly via: string;
  /** Only related records matching this filter count. */
  readonly where?: StorageFilter;
  /** The comparison. */
  readonly having: RelatedHaving<ScalarValue>;
}

/**
 * True when `filter` is a {@link RelatedFilter}.
 *
 * @example
 * ```ts
 * isRelatedFilter(where.related('cases', {})); // true
 * ```
 */
export function isRelatedFilter<V>(filter: FilterOf<V>): filter is RelatedFilter<V> & FilterOf<V> {
  return typeof filter === 'object' && filter !== null && 'related' in filter;
}

/** The body of each related node seen, so one node always gives the same spec object. */
const specs = new WeakMap<object, StorageRelatedSpec>();

/**
 * The related node of a storage filter with its `via` and `having` (the core
 * always sets them). The same node always gives the same object, so a layer
 * can key what it measured by it.
 *
 * @example
 * ```ts
 * const { collection, via, having } = storageRelated(node);
 * ```
 */
export function storageRelated(filter: RelatedFilter<ScalarValue | readonly ScalarValue[]>): StorageRelatedSpec {
  const known = specs.get(filter);
  if (known !== undefined) return known;
  const { collection, via, where, having } = filter.related;
  const spec: StorageRelatedSpec = {
    collection,
    via: via ?? '',
    ...(where === undefined ? {} : { where }),
    having: (having ?? { fn: 'count', op: 'gte', value: 1 }) as RelatedHaving<ScalarValue>,
  };
  specs.set(filter, spec);
  return spec;
}

/**
 * The value an aggregate has for a record with no related record: 0 for
 * `count` and `sum`, absent (`undefined`) for `min` and `max`.
 *
 * @example
 * ```ts
 * relatedZero('sum'); // 0
 * ```
 */
export function relatedZero(fn: RelatedFunction): number | undefined {
  return fn === 'count' || fn === 'sum' ? 0 : undefined;
}

/**
 * Whether an aggregate value (`undefined`: an absent min / max) satisfies a
 * `having`, with the filter language's semantics for absent values.
 *
 * @example
 * ```ts
 * havingHolds({ fn: 'count', op: 'gte', value: 3 }, 4); // true
 * havingHolds({ fn: 'max', field: 'occurredAt', op: 'ne', value: new Date(0) }, undefined); // true
 * ```
 */
export function havingHolds(having: RelatedHaving<ScalarValue>, value: number | Date | undefined | null): boolean {
  if (value === undefined || value === null) return having.op === 'ne';
  const actual = value instanceof Date ? value.getTime() : value;
  const bound = having.value instanceof Date ? having.value.getTime() : (having.value as number);
  switch (having.op) {
    case 'eq':
      return actual === bound;
    case 'ne':
      return actual !== bound;
    case 'lt':
      return actual < bound;
    case 'lte':
      return actual <= bound;
    case 'gt':
      return actual > bound;
    case 'gte':
      return actual >= bound;
  }
}

/**
 * Whether a record with no related record matches: the `having` of the zero
 * value ({@link relatedZero}). Adapters answer those records with an anti-join
 * (`id NOT IN (... HAVING NOT ...)`).
 *
 * @example
 * ```ts
 * zeroMatches({ fn: 'count', op: 'lt', value: 1 }); // true: "no purchase"
 * ```
 */
export function zeroMatches(having: RelatedHaving<ScalarValue>): boolean {
  return havingHolds(having, relatedZero(having.fn));
}

/**
 * The filter with `map` applied to every related node's body, innermost
 * first; everything else kept. The seam for a storage layer that adds a
 * condition of its own to the related records (tenant scoping adds its
 * tenant condition to `where` here).
 *
 * @example
 * ```ts
 * const scoped = mapRelatedFilters(filter, (spec) => ({ ...spec, where: { and: [tenantCondition, ...(spec.where ? [spec.where] : [])] } }));
 * ```
 */
export function mapRelatedFilters(filter: StorageFilter, map: (spec: StorageRelatedSpec) => StorageRelatedSpec): StorageFilter {
  if (isRelatedFilter(filter)) {
    const spec = storageRelated(filter);
    const inner = spec.where === undefined ? spec : { ...spec, where: mapRelatedFilters(spec.where, map) };
    return { related: map(inner) };
  }
  if ('and' in filter) return { and: filter.and.map((part) => mapRelatedFilters(part, map)) };
  if ('or' in filter) return { or: filter.or.map((part) => mapRelatedFilters(part, map)) };
  if ('not' in filter) return { not: mapRelatedFilters(filter.not, map) };
  return filter;
}

/**
 * True when the filter holds a related node anywhere.
 *
 * @example
 * ```ts
 * hasRelatedFilter({ not: where.related('cases', {}) }); // true
 * ```
 */
export function hasRelatedFilter(filter: StorageFilter | undefined): boolean {
  if (filter === undefined) return false;
  if (isRelatedFilter(filter)) return true;
  if ('and' in filter) return filter.and.some(hasRelatedFilter);
  if ('or' in filter) return filter.or.some(hasRelatedFilter);
  if ('not' in filter) return hasRelatedFilter(filter.not);
  return false;
}
