import type { StorageOperations } from './adapter.js';
import { assertPageStartsAfter, keysetPositionOf, queryForAdapter } from './keyset-after.js';
import type { StorageQuery } from './storage-query.js';
import type { StoredRecord } from './stored-record.js';

/** Options of {@link scanStorage}. */
export interface ScanStorageOptions {
  /** The adapter honours `StorageQuery.after` (`capabilities.keysetAfter`); otherwise the position goes into the filter. */
  readonly keysetAfter?: boolean;
  /** Page through `find` even when the storage has its own `scan` (adapters use it to page their own reads). */
  readonly ignoreNativeScan?: boolean;
}

/**
 * The one scan loop: streams a query's records in batches of at most
 * `batchSize`, through the storage's own `scan` when it has one, else by keyset
 * pages through `find`, each page starting strictly after the last record of
 * the previous one (as `after` for adapters declaring `keysetAfter`, as a
 * keyset filter for the rest). A query's own `after` is where the scan starts.
 *
 * @example
 * ```ts
 * for await (const batch of scanStorage(adapter, 'customers', { sort: [{ field: 'id', direction: 'asc' }] }, 500, {
 *   keysetAfter: adapter.capabilities.keysetAfter,
 * })) console.log(batch.length);
 * ```
 */
export async function* scanStorage(
  storage: Pick<StorageOperations, 'find' | 'scan'>,
  collection: string,
  query: StorageQuery,
  batchSize: number,
  options: ScanStorageOptions = {},
): AsyncGenerator<readonly StoredRecord[]> {
  const keysetAfter = options.keysetAfter === true;
  if (storage.scan && options.ignoreNativeScan !== true) {
    yield* storage.scan(collection, queryForAdapter(query, keysetAfter), batchSize);
    return;
  }
  let after = query.after;
  while (true) {
    const page: StorageQuery = { ...query, limit: batchSize, ...(after === undefined ? {} : { after }) };
    const batch = await storage.find(collection, queryForAdapter(page, keysetAfter));
    assertPageStartsAfter(query.sort, after, batch);
    if (batch.length > 0) yield batch;
    if (batch.length < batchSize) return;
    after = keysetPositionOf(query.sort, batch.at(-1)!);
  }
}
