import { compareSortValues } from './compare-records.js';
import { keysetFilter } from './cursor.js';
import { AdapterError } from './errors.js';
import type { ScalarValue } from './filter.js';
import { pathReader, readPath } from './read-path.js';
import type { SortKey } from './sort.js';
import type { StorageQuery } from './storage-query.js';

/**
 * The keyset position of `record` in the order `sort`: its sort values in
 * `sort`'s order, `null` where a value is absent (the id last). This is what
 * {@link StorageQuery.after} holds for the page after `record`.
 *
 * @example
 * ```ts
 * keysetPositionOf([{ field: 'name', direction: 'asc' }, { field: 'id', direction: 'asc' }], { id: 'c1', name: 'Ada' });
 * // ['Ada', 'c1']
 * ```
 */
export function keysetPositionOf(sort: readonly SortKey[], record: object): (ScalarValue | null)[] {
  return sort.map(({ field }) => (readPath(record, field) ?? null) as ScalarValue | null);
}

/**
 * A predicate true for records strictly after the position `after` in the order
 * `sort` (absent values first in `asc`, last in `desc`, as everywhere). The
 * reference for adapters that honour {@link StorageQuery.after}: memory and
 * IndexedDB run it on every candidate.
 *
 * @example
 * ```ts
 * const isAfter = keysetAfterPredicate([{ field: 'id', direction: 'asc' }], ['c1']);
 * isAfter({ id: 'c2' }); // true
 * ```
 */
export function keysetAfterPredicate(sort: readonly SortKey[], after: readonly (ScalarValue | null)[]): (record: object) => boolean {
  const keys = sort.map(({ field, direction }, i) => ({
    read: pathReader(field),
    sign: direction === 'asc' ? 1 : -1,
    value: after[i] ?? undefined,
  }));
  return (record) => {
    for (const { read, sign, value } of keys) {
      const comparison = compareSortValues(read(record), value);
      if (comparison !== 0) return sign * comparison > 0;
    }
    return false;
  };
}

/**
 * The query an adapter receives: unchanged when it declares
 * `capabilities.keysetAfter` (or the query has no `after`), else with `after`
 * written into the filter as the equivalent keyset condition ({@link keysetFilter}),
 * which every adapter answers.
 *
 * @example
 * ```ts
 * const query = queryForAdapter({ sort, after: ['Ada', 'c1'] }, adapter.capabilities.keysetAfter === true);
 * ```
 */
export function queryForAdapter(query: StorageQuery, keysetAfter: boolean): StorageQuery {
  if (query.after === undefined || keysetAfter) return query;
  const position = keysetFilter(query.sort, query.after.map((value) => value ?? undefined));
  const { after: _after, ...rest } = query;
  return { ...rest, filter: query.filter === undefined ? position : { and: [query.filter, position] } };
}

/**
 * Throws {@link AdapterError} when a page answered for a query with `after`
 * does not start strictly after that position: an adapter that ignores the
 * position, or compares it with `lte` where it means `lt`, hands back the
 * record a cursor points after, and a caller following cursors would read the
 * same page for ever. The core checks every keyset page with it (the first
 * record is enough: a page after the position starts after it).
 *
 * @example
 * ```ts
 * const page = await adapter.find('customers', query);
 * assertPageStartsAfter(query.sort, query.after, page); // throws when page[0] is not after query.after
 * ```
 */
export function assertPageStartsAfter(sort: readonly SortKey[], after: readonly (ScalarValue | null)[] | undefined, page: readonly object[]): void {
  if (after === undefined || page.length === 0) return;
  if (!keysetAfterPredicate(sort, after)(page[0]!)) {
    throw new AdapterError('the adapter answered a page that does not start after its keyset position (the record a cursor points after, or one before it); it does not honour the keyset condition, and following its cursors would never end');
  }
}
