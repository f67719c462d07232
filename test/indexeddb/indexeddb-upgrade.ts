import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCrm, searchKeysOf, type SearchableCustomer, type StorageSchema, type StoredRecord } from '../../src/index.js';
import { indexedDbAdapter, type IndexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { indexKeyPath, layoutKey, metaStoreName } from '../../adapters/indexeddb/store-layout.js';
import { entryMaker } from '../../adapters/indexeddb/stored-entry.js';
import { keysetPositionOf } from '../../src/storage/index.js';
import type { IndexedDbEnvironment } from './indexeddb-behaviour.js';
import { layoutBeforeIssue16 } from './layout-format-2-fixture.js';

const settled = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

const at = new Date('2025-03-01T10:00:00.000Z');
const base = (id: string) => ({ id, createdAt: at, updatedAt: at, version: 1 });
const oldCustomers: StoredRecord[] = Array.from({ length: 40 }, (_, i) => ({
  ...base(`c${String(i).padStart(2, '0')}`),
  kind: 'person',
  name: `Person ${i}`,
  emails: [`p${i}@example.com`],
  phones: [],
  addresses: [],
  relationship: 'customer',
  lifecycleStage: i % 2 === 0 ? 'customer' : 'lead',
  tags: i % 5 === 0 ? ['vip'] : [],
  consent: {},
  // Data written before the host declared the field unique: a few share a value, most have none.
  custom: i < 10 ? { shopifyId: `s-${i}` } : {},
}));
const oldInteractions: StoredRecord[] = oldCustomers.slice(0, 20).map((customer, i) => ({
  ...base(`i${String(i).padStart(2, '0')}`),
  customerId: customer.id,
  channel: 'web',
  direction: 'inbound',
  kind: 'purchase',
  occurredAt: new Date(Date.UTC(2024, i % 12, 1 + i)),
  purchase: { orderId: `A-${i}`, amount: 100 + i, currency: 'EUR', lineItems: [] },
  custom: {},
}));

/**
 * An old customer as the new crm keeps it: the same data, plus the search keys the crm's run-once
 * data migration gives customers stored without them (version + 1, `updatedAt` kept).
 */
const upgraded = (record: StoredRecord): StoredRecord =>
  ({ ...record, version: record.version + 1, searchKeys: searchKeysOf(record as unknown as SearchableCustomer) }) as StoredRecord;

/** A collection the new code adds: a unique field and two indexes. */
const loyaltyCards = {
  name: 'loyaltyCards',
  fields: {
    id: { type: 'string', optional: false },
    createdAt: { type: 'date', optional: false },
    updatedAt: { type: 'date', optional: false },
    version: { type: 'number', optional: false },
    cardNumber: { type: 'string', optional: false },
    customerId: { type: 'string', optional: false },
    points: { type: 'number', optional: true },
  },
  indexes: [
    { name: 'loyalty_cards_number', fields: ['cardNumber'], unique: true },
    { name: 'loyalty_cards_customer', fields: ['customerId'] },
    { name: 'loyalty_cards_points', fields: ['points'] },
  ],
  references: [{ field: 'customerId', collection: 'customers' }],
} as const satisfies StorageSchema['collections'][string];

/**
 * The upgrade path of issue 16 as a user meets it: a database written with the
 * layout crmkit used before (frozen in `layout-format-2-fixture.ts`), with data,
 * opened by the new code with custom fields, unique keys on existing
 * collections and a new collection with a unique field and two indexes.
 */
export function defineIndexedDbUpgrade(env: IndexedDbEnvironment): void {
  const run = Math.random().toString(36).slice(2);
  let counter = 0;
  const opened: IndexedDbAdapter[] = [];
  const adapterFor = (name: string) => {
    const adapter = indexedDbAdapter({ name, indexedDB: env.indexedDB, IDBKeyRange: env.IDBKeyRange });
    opened.push(adapter);
    return adapter;
  };
  afterEach(async () => {
    const names = new Set(opened.map((adapter) => adapter.databaseName));
    for (const adapter of opened.splice(0)) await adapter.close();
    for (const name of names) await indexedDbAdapter({ name, indexedDB: env.indexedDB, IDBKeyRange: env.IDBKeyRange }).deleteDatabase();
  });

  /** Writes the database as crmkit wrote it before issue 16. */
  const writeOldDatabase = async (name: string) => {
    const request = env.indexedDB.open(name, 3);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore(metaStoreName);
      for (const [store, layout] of Object.entries(layoutBeforeIssue16.stores)) {
        const created = db.createObjectStore(store, { keyPath: 'k.id' });
        for (const [index, definition] of Object.entries(layout.indexes)) {
          created.createIndex(index, indexKeyPath(definition), { multiEntry: definition.multi });
        }
      }
    };
    const db = await settled(request);
    const tx = db.transaction([...db.objectStoreNames], 'readwrite');
    tx.objectStore(metaStoreName).put(layoutBeforeIssue16, layoutKey);
    for (const [store, records] of [['customers', oldCustomers], ['interactions', oldInteractions]] as const) {
      const makeEntry = entryMaker(layoutBeforeIssue16.stores[store]!);
      for (const record of records) tx.objectStore(store).put(makeEntry(record));
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  };

  const openNew = async (name: string) => {
    const adapter = adapterFor(name);
    const crm = await createCrm({
      adapter,
      customFields: { customers: z.strictObject({ shopifyId: z.string().optional(), loyaltyTier: z.string().optional() }) },
      unique: { customers: ['custom.shopifyId'], interactions: ['purchase.orderId'] },
    });
    return { crm, adapter };
  };

  describe(`IndexedDB upgrade from the layout before issue 16 (${env.name})`, () => {
    it('opened with custom fields and unique keys: upgraded, every record intact and queryable, the unique keys enforced', async () => {
      const name = `upgrade-${run}-${counter++}`;
      await writeOldDatabase(name);
      const { crm } = await openNew(name);
      expect(await crm.customers.count()).toBe(40);
      expect(await crm.interactions.count()).toBe(20);
      for (const record of [...oldCustomers.slice(0, 3), oldCustomers[39]!]) expect(await crm.customers.get(record.id)).toEqual(upgraded(record));
      expect(await crm.interactions.get('i07')).toEqual(oldInteractions[7]);
      // Queryable through the new indexes (the custom field is a new slot, filled for the old records).
      expect((await crm.customers.find({ where: { field: 'custom.shopifyId', op: 'eq', value: 's-3' } })).items.map((c) => c.id)).toEqual(['c03']);
      expect(await crm.customers.count({ field: 'custom.shopifyId', op: 'exists', value: true })).toBe(10);
      expect(await crm.customers.count({ field: 'lifecycleStage', op: 'eq', value: 'customer' })).toBe(20);
      expect(await crm.interactions.count({ field: 'purchase.orderId', op: 'in', value: ['A-1', 'A-2', 'nope'] })).toBe(2);
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await crm.customers.find({ sort: [{ field: 'name', direction: 'desc' }], limit: 7, ...(cursor === undefined ? {} : { cursor }) });
        pages.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(pages).toHaveLength(40);
      expect(new Set(pages).size).toBe(40);
      // The unique keys hold against the old data.
      await expect(crm.customers.create({ name: 'Dup', custom: { shopifyId: 's-3' } })).rejects.toMatchObject({ code: 'conflict', reason: 'unique' });
      await expect(
        crm.interactions.create({ customerId: 'c00', channel: 'web', kind: 'purchase', purchase: { orderId: 'A-5', amount: 1, currency: 'EUR', lineItems: [] } }),
      ).rejects.toMatchObject({ reason: 'unique' });
      // Re-importing the old orders changes nothing.
      const again = await crm.interactions.upsertMany(
        oldInteractions.slice(0, 5).map((i) => ({ customerId: i.customerId as string, channel: 'web' as const, kind: 'purchase' as const, occurredAt: i.occurredAt as Date, purchase: i.purchase as never })),
        { by: 'purchase.orderId' },
      );
      expect(again.map((r) => r.ok && r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
      expect(await crm.interactions.count()).toBe(20);
    });

    it('opened with a new collection (a unique field, two indexes): created beside the old stores, which keep their data', async () => {
      const name = `upgrade-${run}-${counter++}`;
      await writeOldDatabase(name);
      const { crm, adapter } = await openNew(name);
      await crm.close();
      const next = adapterFor(name);
      await next.open({ collections: { ...crm.schema.collections, loyaltyCards } });
      expect(await next.count('customers')).toBe(40);
      expect(await next.getMany('customers', ['c05'])).toEqual([upgraded(oldCustomers[5]!)]);
      const card = (id: string, cardNumber: string, customerId: string, points?: number) => ({
        ...base(id),
        cardNumber,
        customerId,
        ...(points === undefined ? {} : { points }),
      });
      expect(await next.insertMany('loyaltyCards', [card('l1', 'N-1', 'c01', 10), card('l2', 'N-2', 'c01'), card('l3', 'N-1', 'c02', 5)])).toEqual([
        { ok: true },
        { ok: true },
        { ok: false, code: 'conflict', reason: 'unique', index: 'loyalty_cards_number' },
      ]);
      const sort = [{ field: 'points', direction: 'desc' }, { field: 'id', direction: 'desc' }] as const;
      const all = await next.find('loyaltyCards', { sort });
      expect(all.map((r) => r.id)).toEqual(['l1', 'l2']);
      expect((await next.find('loyaltyCards', { sort, after: keysetPositionOf(sort, all[0]!) })).map((r) => r.id)).toEqual(['l2']);
      expect(await next.count('loyaltyCards', { field: 'customerId', op: 'eq', value: 'c01' })).toBe(2);
      void adapter;
    });
  });
}
