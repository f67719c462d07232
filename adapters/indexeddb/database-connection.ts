import { unwrap, wrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { AdapterError } from '../../src/storage/index.js';
import { toAdapterError } from './idb-error.js';
import {
  indexKeyPath,
  layoutFormat,
  layoutKey,
  mergeLayouts,
  metaStoreName,
  sameIndex,
  sameLayout,
  sameSlot,
  type DatabaseLayout,
} from './store-layout.js';
import { entryMaker, type StoredEntry } from './stored-entry.js';

/** An open database and the layout it has. */
export interface OpenDatabase {
  /** The connection. */
  readonly db: IDBPDatabase;
  /** The layout stored in it: the union of every schema that opened it. */
  readonly layout: DatabaseLayout;
}

/**
 * One database connection that upgrades the database to the layout it wants,
 * closes itself when another connection (another tab) needs a new version, and
 * opens again on the next use.
 */
export class DatabaseConnection {
  readonly #factory: IDBFactory;
  readonly #name: string;
  #wanted: DatabaseLayout | undefined;
  #current: Promise<OpenDatabase> | undefined;
  #closed = false;

  constructor(factory: IDBFactory, name: string) {
    this.#factory = factory;
    this.#name = name;
  }

  /**
   * Opens (creating or upgrading as needed) the database for `wanted`.
   *
   * @example
   * ```ts
   * await connection.open(deriveLayout(storageSchema));
   * ```
   */
  async open(wanted: DatabaseLayout): Promise<OpenDatabase> {
    this.#wanted = wanted;
    this.#closed = false;
    this.#current = undefined;
    return this.database();
  }

  /**
   * The open database, opening it again if another tab's upgrade closed it.
   *
   * @example
   * ```ts
   * const { db, layout } = await connection.database();
   * ```
   */
  database(): Promise<OpenDatabase> {
    if (this.#closed) return Promise.reject(new AdapterError(`the IndexedDB adapter for "${this.#name}" is closed`));
    if (this.#wanted === undefined) return Promise.reject(new AdapterError('open the adapter (createCrm does) before using it'));
    this.#current ??= this.#connect(this.#wanted).catch((error: unknown) => {
      this.#current = undefined;
      throw toAdapterError(error, `opening database "${this.#name}"`);
    });
    return this.#current;
  }

  /**
   * Closes the connection; later calls fail until {@link open}.
   *
   * @example
   * ```ts
   * await connection.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    const current = this.#current;
    this.#current = undefined;
    if (current !== undefined) (await current.catch(() => undefined))?.db.close();
  }

  async #connect(wanted: DatabaseLayout): Promise<OpenDatabase> {
    for (let attempt = 0; ; attempt++) {
      const db = await this.#request();
      const stored = await readLayout(db);
      if (stored !== undefined && stored.format > layoutFormat) {
        db.close();
        throw new AdapterError(
          `database "${this.#name}" was laid out by a newer crmkit (layout format ${stored.format}, this one knows ${layoutFormat})`,
        );
      }
      const merged = mergeLayouts(stored, wanted);
      if (stored !== undefined && sameLayout(merged, stored)) return this.#watch(db, stored);
      const version = db.version + 1;
      db.close();
      try {
        const upgraded = await this.#request(version, (database, transaction) => upgrade(database, transaction, stored, merged));
        return this.#watch(upgraded, merged);
      } catch (error) {
        // Another tab upgraded to that version first: read its layout and merge again.
        if ((error as { name?: string })?.name === 'VersionError' && attempt < 5) continue;
        throw error;
      }
    }
  }

  #watch(db: IDBPDatabase, layout: DatabaseLayout): OpenDatabase {
    const opened: OpenDatabase = { db, layout };
    const forget = () => {
      db.close();
      if (this.#current !== undefined) {
        void this.#current.then((current) => {
          if (current === opened) this.#current = undefined;
        });
      }
    };
    // Another connection wants a new version: step aside; the next use opens again.
    db.addEventListener('versionchange', forget);
    db.addEventListener('close', forget);
    return opened;
  }

  #request(
    version?: number,
    onUpgrade?: (db: IDBPDatabase, transaction: IDBPTransaction<unknown, string[], 'versionchange'>) => void,
  ): Promise<IDBPDatabase> {
    const request = version === undefined ? this.#factory.open(this.#name) : this.#factory.open(this.#name, version);
    request.addEventListener('upgradeneeded', () => {
      const db = wrap(request.result);
      const transaction = wrap(request.transaction!) as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
      if (onUpgrade !== undefined) onUpgrade(db, transaction);
      // Opening without a version creates an empty database; the layout comes with the next version.
    });
    return wrap(request) as Promise<IDBPDatabase>;
  }
}

async function readLayout(db: IDBPDatabase): Promise<DatabaseLayout | undefined> {
  if (!db.objectStoreNames.contains(metaStoreName)) {
    if (db.objectStoreNames.length > 0) {
      db.close();
      throw new AdapterError(`database "${db.name}" has object stores but no ${metaStoreName} store: it was not made by crmkit`);
    }
    return undefined;
  }
  return (await db.get(metaStoreName, layoutKey)) as DatabaseLayout | undefined;
}

/**
 * Brings a database from the `stored` layout to `next` inside the upgrade
 * transaction: new stores, new indexes and indexes whose definition or slots
 * changed (a format 1 slot that becomes sparse), and, where a store gained or
 * changed slots, every entry rewritten so the indexes cover the existing
 * records as the new layout says.
 */
function upgrade(
  database: IDBPDatabase,
  versionChange: IDBPTransaction<unknown, string[], 'versionchange'>,
  stored: DatabaseLayout | undefined,
  next: DatabaseLayout,
): void {
  const db = unwrap(database) as IDBDatabase;
  const transaction = unwrap(versionChange) as IDBTransaction;
  if (!db.objectStoreNames.contains(metaStoreName)) db.createObjectStore(metaStoreName);
  for (const [name, layout] of Object.entries(next.stores)) {
    const existed = db.objectStoreNames.contains(name);
    const store = existed ? transaction.objectStore(name) : db.createObjectStore(name, { keyPath: 'k.id' });
    const before = stored?.stores[name];
    const changed = (slot: string) => !sameSlot(before?.slots[slot], layout.slots[slot]);
    for (const [indexName, index] of Object.entries(layout.indexes)) {
      if (store.indexNames.contains(indexName)) {
        if (sameIndex(before?.indexes[indexName], index) && !index.slots.some(changed)) continue;
        store.deleteIndex(indexName);
      }
      store.createIndex(indexName, indexKeyPath(index), { multiEntry: index.multi });
    }
    if (existed && Object.keys(layout.slots).some(changed)) {
      rewriteEntries(store, entryMaker(layout));
    }
  }
  transaction.objectStore(metaStoreName).put(next, layoutKey);
}

/** Recomputes every entry's keys; the upgrade transaction commits after the last one. */
function rewriteEntries(store: IDBObjectStore, makeEntry: (record: StoredEntry['r']) => StoredEntry): void {
  const request = store.openCursor();
  request.onsuccess = () => {
    const cursor = request.result;
    if (cursor === null) return;
    cursor.update(makeEntry((cursor.value as StoredEntry).r));
    cursor.continue();
  };
}
