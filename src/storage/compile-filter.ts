import { compareValues, valuesEqual } from './compare-values.js';
import type { ScalarValue, StorageFilter } from './filter.js';
import { isCondition } from './filter.js';
import { pathReader } from './read-path.js';
import { havingHolds, isRelatedFilter, relatedZero, storageRelated, type StorageRelatedSpec } from './related-filter.js';
import { UnsupportedError } from './errors.js';

/**
 * How a predicate learns a related filter's aggregate: given the related
 * node, a function from an outer record's id to the aggregate over its
 * related records (`undefined` where it has none: the zero value applies).
 * An adapter that answers related filters itself passes one to
 * {@link compileFilter}; see `measureRelated`.
 *
 * @example
 * ```ts
 * const lookup: RelatedLookup = (spec) => {
 *   const values = measureRelated(store.get(spec.collection)!.values(), spec, compileFilter(spec.where, lookup));
 *   return (id) => values.get(id);
 * };
 * ```
 */
export type RelatedLookup = (spec: StorageRelatedSpec) => (id: string) => number | Date | undefined;

/** A compiled filter: true when the record matches. */
export type RecordPredicate = (record: object) => boolean;

const always: RecordPredicate = () => true;
const never: RecordPredicate = () => false;

/**
 * Compiles a validated filter into a predicate with the reference semantics of
 * the filter language (see {@link filterOperators}). The memory and IndexedDB
 * adapters evaluate filters with it; other adapters must agree with it. A
 * related node needs `related`, which measures the related records (without
 * it, `UnsupportedError`).
 *
 * @example
 * ```ts
 * const isVip = compileFilter({ field: 'tags', op: 'contains', value: 'vip' });
 * isVip({ tags: ['vip'] }); // true
 * ```
 */
export function compileFilter(filter: StorageFilter | undefined, related?: RelatedLookup): RecordPredicate {
  if (filter === undefined) return always;
  if (!isCondition(filter)) {
    if (isRelatedFilter(filter)) {
      if (related === undefined) throw new UnsupportedError('a related filter needs the relatedFilters capability or the core fallback');
      const spec = storageRelated(filter);
      const valueOf = related(spec);
      const zero = relatedZero(spec.having.fn);
      return (record) => havingHolds(spec.having, valueOf((record as { id: string }).id) ?? zero);
    }
    if ('and' in filter) {
      const parts = filter.and.map((part) => compileFilter(part, related));
      if (parts.length === 0) return always;
      if (parts.length === 1) return parts[0]!;
      return (record) => parts.every((part) => part(record));
    }
    if ('or' in filter) {
      const parts = filter.or.map((part) => compileFilter(part, related));
      if (parts.length === 0) return never;
      if (parts.length === 1) return parts[0]!;
      return (record) => parts.some((part) => part(record));
    }
    const inner = compileFilter(filter.not, related);
    return (record) => !inner(record);
  }
  const { field, op, value } = filter;
  const read = pathReader(field);
  switch (op) {
    case 'eq':
      if (value instanceof Date) {
        const time = value.getTime();
        return (record) => (read(record) as Date | undefined)?.getTime() === time;
      }
      return (record) => read(record) === value;
    case 'ne':
      if (value instanceof Date) {
        const time = value.getTime();
        return (record) => (read(record) as Date | undefined)?.getTime() !== time;
      }
      return (record) => read(record) !== value;
    case 'lt':
      return orderMatcher(read, value as ScalarValue, (c) => c < 0);
    case 'lte':
      return orderMatcher(read, value as ScalarValue, (c) => c <= 0);
    case 'gt':
      return orderMatcher(read, value as ScalarValue, (c) => c > 0);
    case 'gte':
      return orderMatcher(read, value as ScalarValue, (c) => c >= 0);
    case 'in': {
      const list = value as readonly ScalarValue[];
      return (record) => matchesIn(read(record), list);
    }
    case 'nin': {
      const list = value as readonly ScalarValue[];
      return (record) => !matchesIn(read(record), list);
    }
    case 'contains':
      return (record) => {
        const actual = read(record);
        if (typeof actual === 'string') return actual.includes(value as string);
        return Array.isArray(actual) && actual.includes(value);
      };
    case 'startsWith':
      return (record) => {
        const actual = read(record);
        if (typeof actual === 'string') return actual.startsWith(value as string);
        return Array.isArray(actual) && actual.some((element) => typeof element === 'string' && element.startsWith(value as string));
      };
    case 'endsWith':
      return (record) => {
        const actual = read(record);
        return typeof actual === 'string' && actual.endsWith(value as string);
      };
    case 'exists':
      return (record) => (read(record) !== undefined) === value;
  }
}

function orderMatcher(
  read: (record: object) => unknown,
  bound: ScalarValue,
  accept: (comparison: number) => boolean,
): RecordPredicate {
  if (bound instanceof Date || typeof bound === 'number') {
    const limit = bound instanceof Date ? bound.getTime() : bound;
    return (record) => {
      const actual = read(record);
      if (actual === undefined) return false;
      const x = actual instanceof Date ? actual.getTime() : (actual as number);
      return accept(x < limit ? -1 : x > limit ? 1 : 0);
    };
  }
  return (record) => {
    const actual = read(record);
    return actual !== undefined && accept(compareValues(actual as ScalarValue, bound));
  };
}

function matchesIn(actual: unknown, list: readonly ScalarValue[]): boolean {
  if (actual === undefined) return false;
  if (Array.isArray(actual)) return actual.some((element) => list.some((item) => valuesEqual(element, item)));
  return list.some((item) => valuesEqual(actual, item));
}
