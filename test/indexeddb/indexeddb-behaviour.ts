import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm, type StorageSchema, type StoredRecord } from '../../src/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { indexedDbAdapter, type IndexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { testClock } from '../../src/testing/index.js';
import { deriveLayout, indexKeyPath, layoutKey, metaStoreName, type DatabaseLayout } from '../../adapters/indexeddb/store-layout.js';
import { entryMaker } from '../../adapters/indexeddb/stored-entry.js';

/** How a test file (Node with fake-indexeddb, or Chromium) provides IndexedDB. */
export interface IndexedDbEnvironment {
  /** Shown in the describe title. */
  readonly name: string;
  readonly indexedDB: IDBFactory;
  readonly IDBKeyRange: typeof IDBKeyRange;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The IndexedDB adapter's own behaviour beyond the conformance suite:
 * transactions that are one IndexedDB transaction, upgrades from an older
 * layout with data in it, and two connections (two tabs) on one database.
 */
export function defineIndexedDbBehaviour(env: IndexedDbEnvironment): void {
  const run = Math.random().toString(36).slice(2);
  let counter = 0;
  const opened: IndexedDbAdapter[] = [];
  const adapterFor = (name: string) => {
    const adapter = indexedDbAdapter({ name, indexedDB: env.indexedDB, IDBKeyRange: env.IDBKeyRange });
    opened.push(adapter);
    return adapter;
  };
  const freshName = () => `behaviour-${run}-${counter++}`;
  const freshCrm = async (): Promise<Crm> => createCrm({ adapter: adapterFor(freshName()), clock: testClock() });

  afterEach(async () => {
    const names = new Set(opened.map((adapter) => adapter.databaseName));
    for (const adapter of opened.splice(0)) await adapter.close();
    for (const name of names) await indexedDbAdapter({ name, indexedDB: env.indexedDB, IDBKeyRange: env.IDBKeyRange }).deleteDatabase();
  });

  describe(`IndexedDB adapter behaviour (${env.name})`, () => {
    describe('transactions', () => {
      it('commits every write of crm.transaction together', async () => {
        const crm = await freshCrm();
        await crm.transaction(async (tx) => {
          const ada = await tx.customers.create({ name: 'Ada' });
          await tx.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message' });
          await tx.customers.update(ada.id, (d) => void d.tags.push('vip'));
        });
        expect(await crm.customers.count({ field: 'tags', op: 'contains', value: 'vip' })).toBe(1);
        expect(await crm.interactions.count()).toBe(1);
      });

      it('a failure midway leaves nothing behind: creates, updates and deletes roll back', async () => {
        const crm = await freshCrm();
        const kept = await crm.customers.create({ name: 'Kept', tags: ['old'] });
        const doomed = await crm.customers.create({ name: 'Doomed' });
        const events: string[] = [];
        crm.events.on('*', (name) => void events.push(String(name)));
        const failure = new Error('midway');
        await expect(
          crm.transaction(async (tx) => {
            const a = await tx.customers.create({ name: 'A' });
            await tx.customers.createMany([{ name: 'B' }, { name: 'C' }]);
            await tx.interactions.create({ customerId: a.id, channel: 'phone', kind: 'call' });
            await tx.customers.update(kept.id, (d) => {
              d.name = 'Changed';
              d.tags = ['new'];
            });
            await tx.customers.delete(doomed.id);
            expect(await tx.customers.count()).toBe(4);
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(events).toEqual([]);
        expect((await crm.customers.find()).items.map((c) => c.name)).toEqual(['Kept', 'Doomed']);
        expect(await crm.customers.get(kept.id)).toEqual(kept);
        expect(await crm.interactions.count()).toBe(0);
        expect(await crm.customers.count({ field: 'tags', op: 'contains', value: 'new' })).toBe(0);
      });

      it('a conflict midway rolls back the writes before it', async () => {
        const crm = await freshCrm();
        const taken = await crm.customers.create({ id: 'taken', name: 'Taken' });
        await expect(
          crm.transaction(async (tx) => {
            await tx.customers.create({ name: 'First' });
            await tx.customers.update(taken.id, (d) => void (d.name = 'Renamed'));
            await tx.customers.create({ id: 'taken', name: 'Again' });
          }),
        ).rejects.toSatisfy((error) => isCrmError(error, 'conflict'));
        expect((await crm.customers.find()).items.map((c) => c.name)).toEqual(['Taken']);
      });

      it('awaiting a timer inside crm.transaction fails loudly and rolls back', async () => {
        const crm = await freshCrm();
        const failed = crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'Before the timer' });
          await tx.customers.createMany([{ name: 'x' }, { name: 'y' }]);
          await sleep(300);
          await tx.customers.create({ name: 'After the timer' });
        });
        await expect(failed).rejects.toSatisfy((error) => isCrmError(error, 'adapter') && /awaited something other/.test((error as Error).message));
        expect(await crm.customers.count()).toBe(0);
      });

      it('awaiting a timer before the first write fails loudly and writes nothing', async () => {
        const crm = await freshCrm();
        await expect(
          crm.transaction(async (tx) => {
            await sleep(300);
            await tx.customers.create({ name: 'Late' });
          }),
        ).rejects.toSatisfy((error) => isCrmError(error, 'adapter'));
        expect(await crm.customers.count()).toBe(0);
      });

      it('fails even when the function swallows the error of the operation after the timer', async () => {
        const crm = await freshCrm();
        await expect(
          crm.transaction(async (tx) => {
            await tx.customers.create({ name: 'Before' });
            await sleep(300);
            await tx.customers.create({ name: 'After' }).catch(() => undefined);
            return 'looks fine';
          }),
        ).rejects.toSatisfy((error) => isCrmError(error, 'adapter'));
        expect(await crm.customers.count()).toBe(0);
      });

      it('a pause after the last operation (setTimeout 0) still commits everything', async () => {
        const crm = await freshCrm();
        await crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'one' });
          await tx.customers.create({ name: 'two' });
          await sleep(0);
        });
        expect(await crm.customers.count()).toBe(2);
      });

      it('an operation after even a short pause fails loudly and rolls back the earlier writes', async () => {
        const crm = await freshCrm();
        await expect(
          crm.transaction(async (tx) => {
            await tx.customers.create({ name: 'before' });
            await sleep(0);
            await tx.customers.create({ name: 'after' });
          }),
        ).rejects.toSatisfy((error) => isCrmError(error, 'adapter'));
        expect(await crm.customers.count()).toBe(0);
      });

      it('long chains of promise callbacks between operations keep the transaction', async () => {
        const crm = await freshCrm();
        await crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'one' });
          for (let i = 0; i < 200; i++) await Promise.resolve(i);
          await Promise.all([tx.customers.create({ name: 'two' }), tx.customers.create({ name: 'three' })]);
          await tx.customers.find({ where: { field: 'name', op: 'startsWith', value: 't' } });
          await tx.customers.create({ name: 'four' });
        });
        expect(await crm.customers.count()).toBe(4);
      });

      it('operations used after their transaction ended fail with an adapter error', async () => {
        const crm = await freshCrm();
        let leaked: Crm['customers'] | undefined;
        await crm.transaction(async (tx) => {
          leaked = tx.customers;
          await tx.customers.create({ name: 'inside' });
        });
        await expect(leaked!.create({ name: 'outside' })).rejects.toSatisfy((error) => isCrmError(error, 'adapter'));
        expect(await crm.customers.count()).toBe(1);
      });

      it('a bulk write is one transaction: createMany of 2,000 with one bad reference writes nothing', async () => {
        const crm = await freshCrm();
        const customer = await crm.customers.create({ name: 'Buyer' });
        const inputs = Array.from({ length: 2000 }, (_, i) => ({
          customerId: i === 1999 ? 'missing' : customer.id,
          channel: 'web' as const,
          kind: 'web_visit' as const,
        }));
        await expect(crm.interactions.createMany(inputs)).rejects.toSatisfy((error) => isCrmError(error, 'validation'));
        expect(await crm.interactions.count()).toBe(0);
        await crm.interactions.createMany(inputs.slice(0, 1999));
        expect(await crm.interactions.count({ field: 'customerId', op: 'eq', value: customer.id })).toBe(1999);
      });
    });

    describe('upgrades and tabs', () => {
      /** The current schema, and an older app's: fewer indexes, one collection fewer. */
      const schemas = async (): Promise<{ current: StorageSchema; older: StorageSchema }> => {
        const current = (await createCrm({ adapter: memoryAdapter() })).schema;
        const { campaignMembers: _dropped, ...rest } = current.collections;
        const customers = rest.customers!;
        const older: StorageSchema = {
          collections: {
            ...rest,
            customers: { ...customers, indexes: customers.indexes.filter((i) => !['customers_lifecycle', 'customers_name', 'customers_emails'].includes(i.name)) },
          },
        };
        return { current, older };
      };

      const people = async (count: number): Promise<StoredRecord[]> => {
        const source = await createCrm({ adapter: memoryAdapter(), clock: testClock() });
        const stages = ['lead', 'customer', 'churned'] as const;
        const created = await source.customers.createMany(
          Array.from({ length: count }, (_, i) => ({
            name: i % 5 === 0 ? `😀 ${i}` : `Person ${i}`,
            emails: [`p${i}@example.com`],
            lifecycleStage: stages[i % 3]!,
          })),
        );
        return created as unknown as StoredRecord[];
      };

      const version = (name: string) =>
        new Promise<{ version: number; indexes: string[] }>((resolve, reject) => {
          const request = env.indexedDB.open(name);
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const db = request.result;
            const indexes = [...db.transaction('customers').objectStore('customers').indexNames];
            db.close();
            resolve({ version: db.version, indexes });
          };
        });

      it('upgrades a database laid out by an older schema, keeping its data and indexing it', async () => {
        const { current, older } = await schemas();
        const name = freshName();
        const old = adapterFor(name);
        await old.open(older);
        const records = await people(60);
        await old.insertMany('customers', records);
        await old.close();
        const before = await version(name);
        expect(before.indexes).not.toContain('customers_lifecycle');

        const crm = await createCrm({ adapter: adapterFor(name) });
        expect(crm.schema.collections.customers!.indexes.length).toBe(current.collections.customers!.indexes.length);
        const after = await version(name);
        expect(after.version).toBeGreaterThan(before.version);
        expect(after.indexes).toEqual(expect.arrayContaining(['customers_lifecycle', 'customers_name', 'customers_emails']));
        expect(await crm.customers.count()).toBe(60);
        expect(await crm.customers.count({ field: 'lifecycleStage', op: 'eq', value: 'customer' })).toBe(20);
        expect(await crm.customers.count({ field: 'emails', op: 'contains', value: 'p7@example.com' })).toBe(1);
        const byName = await crm.customers.find({ sort: [{ field: 'name', direction: 'desc' }], limit: 3 });
        expect(byName.items.map((c) => c.name)).toEqual(['😀 55', '😀 50', '😀 5']);
        expect(await crm.campaignMembers.count()).toBe(0);
        expect(await crm.customers.get(records[3]!.id)).toEqual(records[3]);

        // Opening again with the same schema changes nothing.
        await crm.close();
        await createCrm({ adapter: adapterFor(name) });
        expect((await version(name)).version).toBe(after.version);
      });

      /** Resolves an IndexedDB request. */
      const settled = <T>(request: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });

      /**
       * Writes a database as crmkit's layout format 1 left it: every slot dense, so
       * entries carry the absent key (-Infinity) for every missing value and every
       * index holds every record.
       */
      const writeFormat1 = async (name: string, schema: StorageSchema, records: Record<string, StoredRecord[]>) => {
        const current = deriveLayout(schema);
        const format1: DatabaseLayout = {
          format: 1,
          stores: Object.fromEntries(
            Object.entries(current.stores).map(([store, layout]) => [
              store,
              { indexes: layout.indexes, slots: Object.fromEntries(Object.entries(layout.slots).map(([slot, { path, multi }]) => [slot, { path, multi }])) },
            ]),
          ),
        };
        const request = env.indexedDB.open(name, 2);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore(metaStoreName);
          for (const [store, layout] of Object.entries(format1.stores)) {
            const created = db.createObjectStore(store, { keyPath: 'k.id' });
            for (const [index, definition] of Object.entries(layout.indexes)) {
              created.createIndex(index, indexKeyPath(definition), { multiEntry: definition.multi });
            }
          }
        };
        const db = await settled(request);
        const tx = db.transaction([...db.objectStoreNames], 'readwrite');
        tx.objectStore(metaStoreName).put(format1, layoutKey);
        for (const [store, list] of Object.entries(records)) {
          const makeEntry = entryMaker(format1.stores[store]!);
          for (const record of list) tx.objectStore(store).put(makeEntry(record));
        }
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
        db.close();
        return format1;
      };

      /** How many entries an index of a store holds. */
      const indexSize = async (name: string, store: string, index: string) => {
        const db = await settled(env.indexedDB.open(name));
        try {
          return await settled(db.transaction(store).objectStore(store).index(index).count());
        } finally {
          db.close();
        }
      };

      it('upgrades a database of layout format 1 (absent values indexed): optional fields become sparse, answers stay the same', async () => {
        const { current } = await schemas();
        const name = freshName();
        const records = (await people(60)).map((record, i) => (i % 4 === 0 ? { ...record, ownerId: `owner ${i % 8}` } : record));
        await writeFormat1(name, current, { customers: records });
        const before = await version(name);
        expect(await indexSize(name, 'customers', 'customers_owner')).toBe(60);
        expect(await indexSize(name, 'customers', 'customers_organization')).toBe(60);

        const crm = await createCrm({ adapter: adapterFor(name) });
        const after = await version(name);
        expect(after.version).toBeGreaterThan(before.version);
        // Optional fields' indexes now hold only the records with a value; required ones every record.
        expect(await indexSize(name, 'customers', 'customers_owner')).toBe(15);
        expect(await indexSize(name, 'customers', 'customers_organization')).toBe(0);
        expect(await indexSize(name, 'customers', 'customers_name')).toBe(60);
        expect(await indexSize(name, 'customers', 'customers_lifecycle')).toBe(60);
        const db = await settled(env.indexedDB.open(name));
        const layout = await settled(db.transaction(metaStoreName).objectStore(metaStoreName).get(layoutKey));
        db.close();
        expect(layout.format).toBe(2);
        expect(layout.stores.customers.slots.s_ownerId.sparse).toBe(true);

        // Same answers as before, absent values included.
        expect(await crm.customers.count()).toBe(60);
        expect(await crm.customers.count({ field: 'ownerId', op: 'exists', value: false })).toBe(45);
        expect(await crm.customers.count({ field: 'ownerId', op: 'exists', value: true })).toBe(15);
        expect(await crm.customers.count({ field: 'ownerId', op: 'eq', value: 'owner 0' })).toBe(8);
        expect(await crm.customers.count({ field: 'organizationId', op: 'exists', value: false })).toBe(60);
        expect(await crm.customers.count({ field: 'lifecycleStage', op: 'eq', value: 'customer' })).toBe(20);
        const byOwner = await crm.customers.find({ sort: [{ field: 'ownerId', direction: 'desc' }], limit: 16 });
        expect(byOwner.items.map((c) => c.ownerId ?? null)).toEqual([...Array(7).fill('owner 4'), ...Array(8).fill('owner 0'), null]);
        expect(await crm.customers.get(records[4]!.id)).toEqual(records[4]);

        // New writes follow the new layout; opening again changes nothing.
        const added = await crm.customers.create({ name: 'New', ownerId: 'owner 0' });
        await crm.customers.create({ name: 'Newer' });
        expect(await indexSize(name, 'customers', 'customers_owner')).toBe(16);
        expect(await crm.customers.count({ field: 'ownerId', op: 'eq', value: 'owner 0' })).toBe(9);
        expect((await crm.customers.get(added.id)).ownerId).toBe('owner 0');
        await crm.close();
        await createCrm({ adapter: adapterFor(name) });
        expect((await version(name)).version).toBe(after.version);
      });

      it('a tab with an older schema keeps working after a newer tab upgrades the database', async () => {
        const { older } = await schemas();
        const name = freshName();
        const oldTab = adapterFor(name);
        await oldTab.open(older);
        await oldTab.insertMany('customers', await people(9));

        const newTab = await createCrm({ adapter: adapterFor(name) });
        expect(await newTab.customers.count({ field: 'lifecycleStage', op: 'eq', value: 'lead' })).toBe(3);

        // The old tab's connection closed itself on versionchange; its next use reopens,
        // and its writes fill the indexes the newer tab added.
        const more = (await people(12)).slice(9);
        expect((await oldTab.insertMany('customers', more)).every((outcome) => outcome.ok)).toBe(true);
        expect(await oldTab.count('customers')).toBe(12);
        expect(await newTab.customers.count({ field: 'lifecycleStage', op: 'eq', value: 'lead' })).toBe(4);
        expect(await newTab.customers.count({ field: 'emails', op: 'contains', value: 'p10@example.com' })).toBe(1);

        // And reopening the old tab does not downgrade the layout.
        const before = await version(name);
        await oldTab.close();
        const again = adapterFor(name);
        await again.open(older);
        expect((await version(name)).version).toBe(before.version);
        expect(await newTab.customers.count({ field: 'lifecycleStage', op: 'eq', value: 'churned' })).toBe(4);
      });

      it('two tabs with the same schema share data without upgrades', async () => {
        const name = freshName();
        const first = await createCrm({ adapter: adapterFor(name) });
        const second = await createCrm({ adapter: adapterFor(name) });
        const ada = await first.customers.create({ name: 'Ada' });
        expect((await second.customers.get(ada.id)).name).toBe('Ada');
        await second.customers.update(ada.id, (d) => void (d.name = 'Ada L.'));
        expect((await first.customers.get(ada.id)).version).toBe(2);
      });
    });
  });
}
