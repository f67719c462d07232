import type { StorageOperations } from '../storage/adapter.js';

/**
 * A layer every read and write of the crm passes through, in the manner of
 * Dexie's DBCore middleware: a function from the storage operations below to
 * the ones the crm uses. It is applied once to the adapter and once to each
 * transaction's storage, so it sees the operations inside `crm.transaction`
 * and inside every write's atomic block too. Keep the optional methods
 * (`scan`, `aggregate`) optional: define them only when `next` has them.
 *
 * @example
 * ```ts
 * const counting: StorageMiddleware = (next) => ({
 *   ...next,
 *   find: (collection, query) => { reads++; return next.find(collection, query) },
 * });
 * const crm = await createCrm({ adapter: memoryAdapter(), storageMiddleware: [counting] });
 * ```
 */
export type StorageMiddleware = (next: StorageOperations) => StorageOperations;

/**
 * The middlewares as one: the first given is the outermost (sees a call first).
 * No middleware gives the storage itself.
 *
 * @example
 * ```ts
 * const wrap = composeStorageMiddleware([tenantScope, logging]);
 * const storage = wrap(adapter); // tenantScope(logging(adapter))
 * ```
 */
export function composeStorageMiddleware(middleware: StorageMiddleware | readonly StorageMiddleware[] | undefined): StorageMiddleware {
  const list = middleware === undefined ? [] : typeof middleware === 'function' ? [middleware] : [...middleware];
  if (list.length === 0) return (next) => next;
  return (next) => list.reduceRight<StorageOperations>((inner, layer) => layer(inner), next);
}
