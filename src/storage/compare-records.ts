import { compareValues } from './compare-values.js';
import type { ScalarValue } from './filter.js';
import { pathReader } from './read-path.js';
import type { SortKey } from './sort.js';

/**
 * A comparator for `Array.prototype.sort` that orders records by `sort` with the
 * reference semantics: absent values first in `asc`, last in `desc`.
 *
 * @example
 * ```ts
 * records.sort(compareRecords([{ field: 'name', direction: 'asc' }, { field: 'id', direction: 'asc' }]));
 * ```
 */
export function compareRecords(sort: readonly SortKey[]): (a: object, b: object) => number {
  const keys = sort.map(({ field, direction }) => ({ read: pathReader(field), sign: direction === 'asc' ? 1 : -1 }));
  return (a, b) => {
    for (const { read, sign } of keys) {
      const comparison = compareSortValues(read(a), read(b));
      if (comparison !== 0) return sign * comparison;
    }
    return 0;
  };
}

/**
 * Orders two values of one sort field, absent (`undefined`) before present.
 *
 * @example
 * ```ts
 * compareSortValues(undefined, 'a'); // -1
 * ```
 */
export function compareSortValues(a: unknown, b: unknown): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  if (a instanceof Date) {
    const x = a.getTime();
    const y = (b as Date).getTime();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareValues(a as ScalarValue, b as ScalarValue);
}
