import type { StorageOperations } from '../storage/adapter.js';
import type { StoredRecord } from '../storage/stored-record.js';
import { deepFreeze } from '../storage/deep-freeze.js';
import type { StorageMiddleware } from './storage-middleware.js';

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
