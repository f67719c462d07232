import type { FindOptions, Page } from '../services/find-options.js';

/** Anything with a `find` that pages by cursor, such as `crm.customers`. */
export interface PagedSource<R> {
  /** One page of records and the cursor of the next. */
  find(options?: FindOptions): Promise<Page<R>>;
}

/** Every page of a query, followed through its cursors. */
export interface CollectedPages<R> {
  /** The records of every page, concatenated. */
  readonly items: R[];
  /** Each page as returned. */
  readonly pages: Page<R>[];
}

/**
 * Follows a query's cursors from its first page (or from `options.cursor`) to
 * the last and returns every page. `between` runs after each page that has a next one (to write between
 * pages); `maxPages` guards against a cursor that never ends.
 *
 * @example
 * ```ts
 * const { items, pages } = await collectPages(crm.customers, { sort: [{ field: 'name' }], limit: 2 });
 * ```
 */
export async function collectPages<R>(
  source: PagedSource<R>,
  options: FindOptions,
  between?: (page: Page<R>, index: number) => Promise<void> | void,
  maxPages = 10_000,
): Promise<CollectedPages<R>> {
  const pages: Page<R>[] = [];
  let cursor = options.cursor;
  const { cursor: _start, ...query } = options;
  do {
    if (pages.length >= maxPages) throw new Error(`collectPages: more than ${maxPages} pages; does the cursor advance?`);
    const page = await source.find(cursor === undefined ? query : { ...query, cursor });
    pages.push(page);
    cursor = page.nextCursor;
    if (cursor !== undefined) await between?.(page, pages.length - 1);
  } while (cursor !== undefined);
  return { items: pages.flatMap((page) => [...page.items]), pages };
}
