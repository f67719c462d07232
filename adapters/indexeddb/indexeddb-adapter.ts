import { unwrap, wrap } from 'idb';
import {
  AdapterError,
  InvalidQueryError,
  scanStorage,
  type AdapterCapabilities,
  type CrmAdapter,
  type StorageOperations,
  type CollectionSchema,
  type StorageQuery,
  type StorageSchema,
  type StoredRecord,
} from '../../src/storage/index.js';
import { CollectionReader, type EntryStore } from './collection-reader.js';
import { CollectionWriter, type UniqueSlots } from './collection-writer.js';
import { DatabaseConnection } from './database-connection.js';
import { toAdapterError } from './idb-error.js';
import { encodeStringKey } from './index-key.js';
import { durabilities, type Durability, type IndexedDbAdapterOptions } from './indexeddb-options.js';
import { QueryPlanner, type KeyRangeClass } from './query-plan.js';
import { deriveLayout, type DatabaseLayout, type StoreLayout } from './store-layout.js';
import { entryMaker, type StoredEntry } from './stored-entry.js';
import { TransactionGuard } from './transaction-guard.js';

/** The IndexedDB adapter: {@link CrmAdapter} plus the database's name and a way to delete it. */
export interface IndexedDbAdapter extends CrmAdapter {
  /** The IndexedDB database's name. */
  readonly databaseName: string;
  /**
   * Closes the adapter and deletes its database with everything in it (at sign-out, say).
   * Waits while other connections (other tabs) keep it open.
   *
   * @example
   * ```ts
   * await adapter.deleteDatabase();
   * ```
   */
  deleteDatabase(): Promise<void>;
}

interface CollectionParts {
  readonly reader: CollectionReader;
  readonly writer: CollectionWriter;
}

const capabilities: AdapterCapabilities = { transactions: true, aggregate: false, scan: true, persistent: true, keysetAfter: true };

/**
 * Keeps crmkit's data in the browser's IndexedDB, through `idb`: an object store
 * per collection, the indexes the core asks for (compound, ending with the id,
 * so that index order is sort order and pages are walks), multi-entry indexes
 * for `string[]` fields, and a layout record that drives versioned upgrades.
 * `crm.transaction` is one IndexedDB transaction, all or nothing.
 *
 * @example
 * ```ts
 * import { createCrm } from 'crmkit';
 * import { indexedDbAdapter } from 'crmkit/indexeddb';
 *
 * const crm = await createCrm({ adapter: indexedDbAdapter({ name: 'sales-app' }) });
 * ```
 *
 * @example
 * ```ts
 * // Node, with fake-indexeddb
 * import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
 * const adapter = indexedDbAdapter({ name: 'test', indexedDB, IDBKeyRange });
 * ```
 */
export function indexedDbAdapter(options: IndexedDbAdapterOptions): IndexedDbAdapter {
  const name = options?.name;
  if (typeof name !== 'string' || name === '') throw new AdapterError('indexedDbAdapter needs a database name: indexedDbAdapter({ name })');
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const keyRange = options.IDBKeyRange ?? (globalThis as { IDBKeyRange?: KeyRangeClass }).IDBKeyRange;
  if (factory === undefined || keyRange === undefined) {
    throw new AdapterError('IndexedDB is not available here: pass { indexedDB, IDBKeyRange } (fake-indexeddb in Node)');
  }
  const durability: Durability = options.durability ?? 'relaxed';
  if (!(durabilities as readonly string[]).includes(durability)) {
    throw new AdapterError(`durability must be one of ${durabilities.join(', ')}`);
  }
  const maxPause = options.maxTransactionPause ?? 50;
  if (!(maxPause >= 0)) throw new AdapterError('maxTransactionPause must be a number of milliseconds, 0 or more');
  const connection = new DatabaseConnection(factory, name);
  const partsByLayout = new WeakMap<DatabaseLayout, Map<string, CollectionParts>>();
  let collectionNames: readonly string[] = [];
  let storageSchema: StorageSchema | undefined;

  const partsOf = (layout: DatabaseLayout, collection: string): CollectionParts => {
    let parts = partsByLayout.get(layout);
    if (parts === undefined) partsByLayout.set(layout, (parts = new Map()));
    let found = parts.get(collection);
    if (found === undefined) {
      const storeLayout = layout.stores[collection];
      if (storeLayout === undefined || !collectionNames.includes(collection)) {
        throw new AdapterError(`unknown collection ${JSON.stringify(collection)}`);
      }
      found = {
        reader: new CollectionReader(new QueryPlanner(storeLayout, keyRange), keyRange),
        writer: new CollectionWriter(entryMaker(storeLayout), keyRange, uniqueSlots(storageSchema?.collections[collection], storeLayout)),
      };
      parts.set(collection, found);
    }
    return found;
  };

  /** A store of a raw transaction, wrapped by idb. */
  const wrapStore = (transaction: IDBTransaction, collection: string): EntryStore => {
    try {
      return wrap(transaction.objectStore(collection)) as unknown as EntryStore;
    } catch (error) {
      throw toAdapterError(error, `opening store ${collection}`);
    }
  };

  const operationsOver = (
    storeOf: (collection: string) => EntryStore,
    layout: DatabaseLayout,
    run: <T>(doing: string, operation: () => Promise<T>) => Promise<T>,
  ): StorageOperations => {
    const ops: StorageOperations = {
      insertMany: (collection, records) =>
        run(`inserting into ${collection}`, () => partsOf(layout, collection).writer.insertMany(storeOf(collection), records)),
      updateMany: (collection, writes) =>
        run(`updating ${collection}`, () => partsOf(layout, collection).writer.updateMany(storeOf(collection), writes)),
      deleteMany: (collection, deletes) =>
        run(`deleting from ${collection}`, () => partsOf(layout, collection).writer.deleteMany(storeOf(collection), deletes)),
      getMany: (collection, ids) => run(`reading ${collection}`, () => getMany(storeOf(collection), ids)),
      find: (collection, query) => run(`reading ${collection}`, () => partsOf(layout, collection).reader.find(storeOf(collection), query)),
      count: (collection, filter) => run(`counting ${collection}`, () => partsOf(layout, collection).reader.count(storeOf(collection), filter)),
      scan: (collection, query, batchSize) =>
        scanBatches(query, batchSize, (q) => ops.find(collection, q), partsOf(layout, collection).reader.streams(query.filter, query.sort)),
    };
    return ops;
  };

  const transaction = async <T>(scope: readonly string[] | undefined, fn: (tx: StorageOperations) => Promise<T>): Promise<T> => {
    const { db, layout } = await connection.database();
    const names = scope ?? collectionNames;
    for (const collection of names) partsOf(layout, collection);
    let raw: IDBTransaction;
    try {
      raw = (unwrap(db) as IDBDatabase).transaction([...names], 'readwrite', { durability });
    } catch (error) {
      throw toAdapterError(error, 'starting a transaction');
    }
    const done = new Promise<void>((resolve, reject) => {
      raw.addEventListener('complete', () => resolve());
      raw.addEventListener('abort', () => reject(raw.error ?? new AdapterError('the transaction was aborted')));
    });
    done.catch(() => undefined);
    const guard = new TransactionGuard(raw, names[0]!, maxPause);
    const operations = operationsOver((collection) => wrapStore(raw, collection), layout, (doing, run) => guard.run(doing, run));
    let result: T;
    try {
      const pending = fn(operations);
      guard.start();
      result = await pending;
    } catch (error) {
      guard.settle();
      abortQuietly(raw);
      await done.catch(() => undefined);
      throw guard.failure ?? error;
    }
    guard.settle();
    if (guard.failure !== undefined) {
      await done.catch(() => undefined);
      throw guard.failure;
    }
    try {
      raw.commit();
    } catch {
      // already committing
    }
    try {
      await done;
    } catch (error) {
      throw guard.failure ?? toAdapterError(error, 'committing a transaction');
    }
    return result;
  };

  const read = async <T>(collection: string, doing: string, fn: (store: EntryStore, parts: CollectionParts) => Promise<T>): Promise<T> => {
    const { db, layout } = await connection.database();
    const parts = partsOf(layout, collection);
    try {
      const tx = db.transaction(collection, 'readonly');
      return await fn(tx.store as unknown as EntryStore, parts);
    } catch (error) {
      throw toAdapterError(error, doing);
    }
  };

  const adapter: IndexedDbAdapter = {
    name: 'indexeddb',
    databaseName: name,
    capabilities,
    async open(schema) {
      collectionNames = Object.keys(schema.collections);
      storageSchema = schema;
      await connection.open(deriveLayout(schema));
    },
    close: () => connection.close(),
    async deleteDatabase() {
      await connection.close();
      await new Promise<void>((resolve, reject) => {
        const request = factory.deleteDatabase(name);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(toAdapterError(request.error, `deleting database "${name}"`));
      });
    },
    insertMany: (collection, records) => transaction([collection], (tx) => tx.insertMany(collection, records)),
    updateMany: (collection, writes) => transaction([collection], (tx) => tx.updateMany(collection, writes)),
    deleteMany: (collection, deletes) => transaction([collection], (tx) => tx.deleteMany(collection, deletes)),
    getMany: (collection, ids) => read(collection, `reading ${collection}`, (store) => getMany(store, ids)),
    find: (collection, query) => read(collection, `reading ${collection}`, (store, parts) => parts.reader.find(store, query)),
    count: (collection, filter) => read(collection, `counting ${collection}`, (store, parts) => parts.reader.count(store, filter)),
    async *scan(collection, query, batchSize) {
      const { layout } = await connection.database();
      const streams = partsOf(layout, collection).reader.streams(query.filter, query.sort);
      yield* scanBatches(query, batchSize, (q) => adapter.find(collection, q), streams);
    },
    transaction: (fn) => transaction(undefined, fn),
  };
  return adapter;
}

/** The unique indexes of a collection that its store layout keeps, with their slots. */
function uniqueSlots(collection: CollectionSchema | undefined, layout: StoreLayout): UniqueSlots[] {
  return (collection?.indexes ?? [])
    .filter((index) => index.unique === true && layout.indexes[index.name] !== undefined && !layout.indexes[index.name]!.multi)
    .map((index) => ({ name: index.name, slots: layout.indexes[index.name]!.slots }));
}

async function getMany(store: EntryStore, ids: readonly string[]): Promise<(StoredRecord | undefined)[]> {
  const entries = (await Promise.all(ids.map((id) => store.get(encodeStringKey(id))))) as (StoredEntry | undefined)[];
  return entries.map((entry) => entry?.r);
}

/**
 * Streams a query in batches: page by page along an index when one gives the
 * order (each page a short read), else one read sorted in memory and cut up.
 */
async function* scanBatches(
  query: StorageQuery,
  batchSize: number,
  find: (query: StorageQuery) => Promise<readonly StoredRecord[]>,
  streams: boolean,
): AsyncGenerator<readonly StoredRecord[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidQueryError('batchSize must be a positive integer');
  if (!streams) {
    const all = await find({ ...query, limit: undefined });
    for (let start = 0; start < all.length; start += batchSize) yield all.slice(start, start + batchSize);
    return;
  }
  yield* scanStorage({ find: (_collection, page) => find(page) }, '', query, batchSize, { keysetAfter: true });
}

function abortQuietly(transaction: IDBTransaction): void {
  try {
    transaction.abort();
  } catch {
    // already finished
  }
}
