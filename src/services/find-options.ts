import type { Filter } from '../storage/filter.js';
import type { SortInput } from '../storage/resolve-sort.js';
import type { FilterFitsModel, SuggestedFilterFor } from '../storage/typed-filter.js';
import type { SortFitsModel, SuggestedSortFor } from '../storage/typed-sort.js';

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

/**
 * Options of `scan()`: like {@link FindOptions} without paging, plus a batch size.
 *
 * @example
 * ```ts
 * const options: ScanOptions = { where: where('kind', 'eq', 'purchase'), batchSize: 500 };
 * ```
 */
export interface ScanOptions {
  /** Only records matching this filter. */
  readonly where?: Filter;
  /** The order; defaults to `id` ascending. */
  readonly sort?: SortInput;
  /** Records per batch, 1000 by default. */
  readonly batchSize?: number;
}

/**
 * One page of results and the cursor of the next one, absent on the last page.
 *
 * @example
 * ```ts
 * const page: Page<ReadonlyRecord<Customer>> = await crm.customers.find({ limit: 20 });
 * ```
 */
export interface Page<R> {
  /** The records of this page. */
  readonly items: readonly R[];
  /** Pass as `cursor` to get the next page; absent when there is none. */
  readonly nextCursor?: string;
}

/** The value of key `K` of options `O`, `undefined` when `O` has no such key. */
type OptionOf<O, K extends string> = K extends keyof O ? O[K] : undefined;

/** `true` when `O` has only keys of `Allowed` and its `where` and `sort` fit record type `R`. */
type QueryFits<R, O, Allowed extends PropertyKey> = [Exclude<keyof O, Allowed>] extends [never]
  ? FilterFitsModel<R, OptionOf<O, 'where'>> extends true
    ? SortFitsModel<R, OptionOf<O, 'sort'>>
    : false
  : false;

/** `O` with its misfits replaced by what would fit (unknown keys by `never`); only seen in compile errors. */
type SuggestedQuery<R, O, Allowed extends PropertyKey> = {
  readonly [K in keyof O]: K extends Allowed
    ? K extends 'where'
      ? SuggestedFilterFor<R, O[K]>
      : K extends 'sort'
        ? SuggestedSortFor<R, O[K]>
        : O[K]
    : never;
};

/**
 * {@link FindOptions} checked against record type `R` at compile time: `where`
 * as `CheckedFilter` describes (fields, operators and value types of the
 * model; a field typed `string` is checked at run time), `sort` on scalar
 * paths only, no unknown keys. It is `O` itself when everything fits.
 *
 * @example
 * ```ts
 * declare function find<const O extends FindOptions = {}>(options?: CheckedFindOptions<Customer, O>): void;
 * find({ where: where('tags', 'contains', 'vip'), sort: [{ field: 'name' }] }); // compiles
 * find({ sort: [{ field: 'tags' }] }); // error: a string[] field does not sort
 * ```
 */
export type CheckedFindOptions<R, O> = QueryFits<R, O, keyof FindOptions> extends true
  ? O
  : NoInfer<SuggestedQuery<R, O, keyof FindOptions>>;

/**
 * {@link ScanOptions} checked against record type `R`, as {@link CheckedFindOptions}.
 *
 * @example
 * ```ts
 * for await (const batch of crm.interactions.scan({ where: where('kind', 'eq', 'purchase'), batchSize: 500 })) { … }
 * ```
 */
export type CheckedScanOptions<R, O> = QueryFits<R, O, keyof ScanOptions> extends true
  ? O
  : NoInfer<SuggestedQuery<R, O, keyof ScanOptions>>;

/**
 * Options of `crm.<collection>.history(id, options)`: a page size and the
 * cursor of the page before.
 *
 * @example
 * ```ts
 * const next = await crm.customers.history(id, { limit: 20, cursor: page.nextCursor });
 * ```
 */
export interface HistoryPageOptions {
  /** Page size, 1 to {@link maxPageSize}; {@link defaultPageSize} by default. */
  readonly limit?: number;
  /** Continue after the page that returned this cursor. */
  readonly cursor?: string;
}
