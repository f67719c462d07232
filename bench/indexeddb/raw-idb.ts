import { openDB, unwrap, type IDBPDatabase } from 'idb';
import type { StoredRecord } from '../../src/storage/index.js';

/**
 * The same work written directly against idb, as a careful application would:
 * a store per collection keyed by `id`, the same indexes (compound ones ending
 * with the id, so pages can resume after a key), bulk puts in one transaction.
 *
 * @example
 * ```ts
 * const db = await openRawDatabase('raw');
 * ```
 */
export async function openRawDatabase(name: string): Promise<IDBPDatabase> {
  return openDB(name, 1, {
    upgrade(db) {
      const customers = db.createObjectStore('customers', { keyPath: 'id' });
      customers.createIndex('emails', 'emails', { multiEntry: true });
      customers.createIndex('phones', 'phones', { multiEntry: true });
      customers.createIndex('organization', ['organizationId', 'id']);
      customers.createIndex('owner', ['ownerId', 'id']);
      customers.createIndex('lifecycle', ['lifecycleStage', 'id']);
      customers.createIndex('name', ['name', 'id']);
      const interactions = db.createObjectStore('interactions', { keyPath: 'id' });
      interactions.createIndex('customer_time', ['customerId', 'occurredAt', 'id']);
      interactions.createIndex('kind_time', ['kind', 'occurredAt', 'id']);
      interactions.createIndex('deal', ['dealId', 'id']);
      interactions.createIndex('case', ['caseId', 'id']);
      interactions.createIndex('campaign', ['campaignId', 'id']);
      interactions.createIndex('order', ['purchase.orderId', 'id']);
    },
  });
}

/**
 * Puts every record in one read-write transaction: plain `put` requests on the
 * unwrapped store (no promise per request, as the adapter does), then waits for
 * the transaction to complete.
 *
 * @example
 * ```ts
 * await rawInsert(db, 'customers', customers);
 * ```
 */
export async function rawInsert(db: IDBPDatabase, storeName: string, records: readonly StoredRecord[]): Promise<void> {
  const tx = db.transaction(storeName, 'readwrite', { durability: 'relaxed' });
  const store = unwrap(tx.store) as IDBObjectStore;
  for (const record of records) store.put(record);
  await tx.done;
}

/**
 * Pages through the interactions of one kind, newest first, `limit` at a time.
 *
 * @example
 * ```ts
 * const pages = await rawKindPages(db, 'purchase', 50, 20);
 * ```
 */
export async function rawKindPages(db: IDBPDatabase, kind: string, limit: number, pageCount: number): Promise<string[][]> {
  const pages: string[][] = [];
  let upper: IDBValidKey = [kind, []];
  let open = false;
  for (let p = 0; p < pageCount; p++) {
    const tx = db.transaction('interactions');
    let cursor = await tx.store.index('kind_time').openCursor(IDBKeyRange.bound([kind], upper, false, open), 'prev');
    const page: string[] = [];
    while (cursor !== null && page.length < limit) {
      page.push((cursor.value as StoredRecord).id);
      if (page.length < limit) cursor = await cursor.continue();
    }
    if (page.length === 0) break;
    pages.push(page);
    upper = cursor!.key;
    open = true;
  }
  return pages;
}

/**
 * Pages through the customers of one lifecycle stage by name, `limit` at a time,
 * walking the name index and skipping other stages.
 *
 * @example
 * ```ts
 * const pages = await rawStagePages(db, 'customer', 50, 20);
 * ```
 */
export async function rawStagePages(db: IDBPDatabase, stage: string, limit: number, pageCount: number): Promise<string[][]> {
  const pages: string[][] = [];
  let lower: IDBValidKey | undefined;
  for (let p = 0; p < pageCount; p++) {
    const tx = db.transaction('customers');
    const range = lower === undefined ? null : IDBKeyRange.lowerBound(lower, true);
    let cursor = await tx.store.index('name').openCursor(range);
    const page: string[] = [];
    while (cursor !== null) {
      const record = cursor.value as StoredRecord;
      if (record.lifecycleStage === stage) page.push(record.id);
      if (page.length === limit) break;
      cursor = await cursor.continue();
    }
    if (page.length === 0) break;
    pages.push(page);
    if (cursor === null) break;
    lower = cursor.key;
  }
  return pages;
}

/**
 * Counts the interactions of one kind from the index alone.
 *
 * @example
 * ```ts
 * await rawKindCount(db, 'purchase');
 * ```
 */
export async function rawKindCount(db: IDBPDatabase, kind: string): Promise<number> {
  return db.transaction('interactions').store.index('kind_time').count(IDBKeyRange.bound([kind], [kind, []]));
}
