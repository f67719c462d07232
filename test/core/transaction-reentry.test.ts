// Calling the crm's own services inside crm.transaction joins the transaction: it neither
// hangs (memory and SQLite hold one lock / one connection for the transaction) nor escapes it.
import 'fake-indexeddb/auto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, type Crm, type CrmAdapter } from 'crmkit';
import { indexedDbAdapter } from 'crmkit/indexeddb';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

let counter = 0;
const adapters: Record<string, () => CrmAdapter> = {
  memory: () => memoryAdapter(),
  sqlite: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }),
  indexeddb: () => indexedDbAdapter({ name: `reentry-${++counter}`, indexedDB, IDBKeyRange }),
};

/** Fails the test instead of hanging it when a promise never settles. */
function within<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);
}

describe.each(Object.keys(adapters))('crm.* inside crm.transaction on %s', (name) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  it('joins the open transaction and commits with it', async () => {
    crm = await createCrm({ adapter: adapters[name]!() });
    const created = await within(
      crm.transaction(async (tx) => {
        const ada = await crm.customers.create({ name: 'Ada' });
        await tx.customers.update(ada.id, (draft) => void draft.tags.push('vip'));
        return crm.customers.get(ada.id);
      }),
    );
    expect(created.tags).toEqual(['vip']);
    expect((await crm.customers.get(created.id)).version).toBe(2);
  });

  it('rolls back with it: a root call inside a failed transaction leaves nothing', async () => {
    crm = await createCrm({ adapter: adapters[name]!() });
    const failure = new Error('changed my mind');
    await expect(
      within(
        crm.transaction(async () => {
          await crm.customers.create({ name: 'Grace' });
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    expect(await crm.customers.count()).toBe(0);
  });

  it('holds the events of a joined write until the commit', async () => {
    crm = await createCrm({ adapter: adapters[name]!() });
    const seen: string[] = [];
    crm.events.on('customer.created', ({ record }) => void seen.push(record.name));
    await within(
      crm.transaction(async () => {
        await crm.customers.create({ name: 'Edsger' });
        expect(seen).toEqual([]);
      }),
    );
    expect(seen).toEqual(['Edsger']);
  });

  it('treats a nested crm.transaction as part of the enclosing one', async () => {
    crm = await createCrm({ adapter: adapters[name]!() });
    await expect(
      within(
        crm.transaction(async () => {
          await crm.transaction(async (inner) => inner.customers.create({ name: 'Barbara' }));
          throw new Error('outer fails');
        }),
      ),
    ).rejects.toThrow('outer fails');
    expect(await crm.customers.count()).toBe(0);
  });

  it('still serializes calls from outside: they wait for the commit and see it', async () => {
    crm = await createCrm({ adapter: adapters[name]!() });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = crm.transaction(async (t) => {
      await t.customers.create({ name: 'Alan' });
      if (name !== 'indexeddb') await gate; // IndexedDB transactions cannot wait on outside promises
    });
    const outside = crm.customers.count();
    release();
    await within(tx);
    expect(await within(outside)).toBe(1);
  });
});
