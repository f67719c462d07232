import type { StorageOperations } from '../storage/adapter.js';
import type { StoredRecord } from '../storage/stored-record.js';
import type { StorageMiddleware } from './storage-middleware.js';

/**
 * Freezes `value` and every object and array inside it, in place, and returns
 * it. Frozen objects are not walked again, so a record an adapter already
 * froze (the memory adapter keeps its records frozen) costs one check. `Date`s
 * are left as they are (freezing one does not stop `setTime`), and so are
 * typed arrays, which cannot be frozen.
 *
 * @example
 * ```ts
 * const record = deepFreeze({ id: 'c1', tags: ['vip'] });
 * Object.isFrozen(record.tags); // true
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || value instanceof Date || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) for (const item of value) deepFreeze(item);
  else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

/**
 * The storage middleware that makes records behave alike on every adapter:
 * each record read (`getMany`, `find`, `scan`) and each record written
 * (`insertMany`, `updateMany`, so the record a `create` or `update` returns) is
 * deeply frozen. A record is `ReadonlyRecord` in the types; this makes the
 * rule hold at run time too, whether the adapter keeps records frozen (memory)
 * or decodes fresh copies (SQL, IndexedDB): assigning to a field throws a
 * `TypeError` in strict code on all of them. `createCrm` installs it
 * outermost, so the host's middleware and the access layers below it may
 * build records freely.
 *
 * @example
 * ```ts
 * const storage = freezeRecords(adapter);
 * const [ada] = await storage.getMany('customers', [id]);
 * Object.isFrozen(ada); // true, on every adapter
 * ```
 */
export const freezeRecords: StorageMiddleware = (next) => {
  const frozen: StorageOperations = {
    insertMany: (collection, records) => next.insertMany(collection, records.map(deepFreeze)),
    updateMany: (collection, writes) => next.updateMany(collection, writes.map((write) => (deepFreeze(write.record), write))),
    getMany: async (collection, ids, options) => (await next.getMany(collection, ids, options)).map((record) => (record === undefined ? undefined : deepFreeze(record))),
    deleteMany: (collection, deletes) => next.deleteMany(collection, deletes),
    find: async (collection, query) => freezeAll(await next.find(collection, query)),
    count: (collection, filter) => next.count(collection, filter),
  };
  if (next.aggregate !== undefined) frozen.aggregate = (collection, query) => next.aggregate!(collection, query);
  const scan = next.scan;
  if (scan !== undefined) {
    frozen.scan = async function* (collection, query, batchSize) {
      for await (const batch of scan.call(next, collection, query, batchSize)) yield freezeAll(batch);
    };
  }
  return frozen;
};

function freezeAll(records: readonly StoredRecord[]): readonly StoredRecord[] {
  for (const record of records) deepFreeze(record);
  return records;
}
