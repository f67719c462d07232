import type { ScalarValue, StorageFilter } from './filter.js';
import type { SortKey } from './sort.js';

/**
 * A read as an adapter receives it. The core has already validated it, resolved
 * relative dates, turned any cursor into `after` (or, for adapters without
 * `capabilities.keysetAfter`, into part of `filter`), and made `sort` end
 * with the `id` key, so the order is total and adapters need no tie-breaking of their own.
 */
export interface StorageQuery {
  /** Records must match this filter; absent means every record. */
  readonly filter?: StorageFilter;
  /** The complete order, always ending with `id`. */
  readonly sort: readonly SortKey[];
  /** At most this many records; absent means all. */
  readonly limit?: number;
  /**
   * Only records strictly after this position in `sort` order: the values of
   * the sort keys (in `sort`'s order, `null` for an absent value, the id last)
   * of the last record of the previous page. Sent only to adapters that
   * declare `capabilities.keysetAfter`; for the others the core still writes the
   * position into `filter`, as before.
   */
  readonly after?: readonly (ScalarValue | null)[];
}
