import type { Filter } from '../storage/filter.js';
import type { SortInput } from '../storage/resolve-sort.js';

/** The default page size of `find()`. */
export const defaultPageSize = 100;

/** The largest page `find()` returns; use `scan()` for more. */
export const maxPageSize = 10_000;

/**
 * A query: which records, in what order, how many, and from where.
 *
 * @example
 * ```ts
 * const page = await crm.customers.find({
 *   where: where('lifecycleStage', 'eq', 'customer'),
 *   sort: [{ field: 'name', direction: 'asc' }],
 *   limit: 50,
 * });
 * const next = await crm.customers.find({ ...sameQuery, cursor: page.nextCursor });
 * ```
 */
export interface FindOptions {
  /** Only records matching this filter. */
  readonly where?: Filter;
  /** The order; always completed with `id` so it is total. Defaults to `id` ascending (creation order). */
  readonly sort?: SortInput;
  /** Page size, 1 to {@link maxPageSize}; {@link defaultPageSize} by default. */
  readonly limit?: number;
  /** Continue after the page that returned this cursor (same `where` and `sort`). */
  readonly cursor?: string;
}

/** Options of `scan()`: like {@link FindOptions} without paging, plus a batch size. */
export interface ScanOptions {
  /** Only records matching this filter. */
  readonly where?: Filter;
  /** The order; defaults to `id` ascending. */
  readonly sort?: SortInput;
  /** Records per batch, 1000 by default. */
  readonly batchSize?: number;
}

/** One page of results and the cursor of the next one, absent on the last page. */
export interface Page<R> {
  /** The records of this page. */
  readonly items: readonly R[];
  /** Pass as `cursor` to get the next page; absent when there is none. */
  readonly nextCursor?: string;
}
