import { compareValues } from './compare-values.js';
import type { ScalarValue } from './filter.js';
import { readPath } from './read-path.js';
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
  return (a, b) => {
    for (const { field, direction } of sort) {
      const comparison = compareSortValues(readPath(a, field), readPath(b, field));
      if (comparison !== 0) return direction === 'asc' ? comparison : -comparison;
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
  return compareValues(a as ScalarValue, b as ScalarValue);
}
