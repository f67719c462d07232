import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm, type StorageSchema, type StoredRecord } from '../../src/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { indexedDbAdapter, type IndexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { testClock } from '../../src/testing/index.js';

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
