// Customers stored before search existed (an older crmkit wrote no searchKeys) are found by search
// once the crm has opened the store: a run-once data migration gives them their keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, searchKeysOf, type CrmAdapter, type StoredRecord } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Adapters over one store: each call a new adapter over the same data; `release` ends one. */
const stores: readonly { readonly name: string; readonly store: () => { adapter: () => CrmAdapter; release: (adapter: CrmAdapter) => Promise<void> } }[] = [
  {
    name: 'memory',
    store: () => {
      const adapter = memoryAdapter();
      return { adapter: () => adapter, release: async () => {} }; // one adapter: closing it would end the store
    },
  },
  {
    name: 'sqlite file',
    store: () => {
      const dir = mkdtempSync(join(tmpdir(), 'crmkit-search-keys-'));
      dirs.push(dir);
      return { adapter: () => sqlAdapter({ dialect: 'sqlite', filename: join(dir, 'crm.db') }), release: (adapter) => adapter.close() };
    },
  },
];

/** A customer as an older crmkit stored it: no searchKeys. */
const legacyCustomer = (id: string, name: string, emails: string[] = [], phones: string[] = []): StoredRecord =>
  ({ id, createdAt: new Date(0), updatedAt: new Date(0), version: 3, kind: 'person', name, emails, phones, tags: [], addresses: [], custom: {} }) as unknown as StoredRecord;

describe.each(stores)('searchKeys backfill on $name', ({ store }) => {
  it('gives stored customers without keys their keys at open, once, keeping updatedAt, so search finds them', async () => {
    const { adapter: adapterOf, release } = store();
    const schema = (await createCrm({ adapter: memoryAdapter() })).schema;
    // The store as an older crmkit left it: customers without keys, one with them, no record of the migration.
    const old = adapterOf();
    await old.open(schema);
    await old.insertMany('customers', [
      legacyCustomer('legacy-1', 'Ada Lovelace', ['ada@example.com']),
      legacyCustomer('legacy-2', 'Alan Turing', [], ['+442079460018']),
      { ...legacyCustomer('keyed', 'Grace Hopper'), searchKeys: searchKeysOf({ name: 'Grace Hopper', emails: [], phones: [] }) } as StoredRecord,
    ]);
    await release(old);

    const crm = await createCrm({ adapter: adapterOf() });
    expect((await crm.customers.search('lovel')).items.map((hit) => hit.customer.id)).toEqual(['legacy-1']);
    expect((await crm.customers.search('020 7946 0018')).items.map((hit) => hit.customer.id)).toEqual(['legacy-2']);
    const stored = (await crm.adapter.getMany('customers', ['legacy-1', 'legacy-2', 'keyed'])) as StoredRecord[];
    expect(stored.map((r) => [r.id, r.version, r.updatedAt])).toEqual([
      ['legacy-1', 4, new Date(0)],
      ['legacy-2', 4, new Date(0)],
      ['keyed', 3, new Date(0)], // its keys were right: not rewritten
    ]);
    expect(stored[0]!.searchKeys).toEqual(expect.arrayContaining(['ada', 'lovelace', 'ada@example.com']));
    await release(crm.adapter);

    // Done once: a customer written without keys after that is not rewritten at the next open.
    const later = adapterOf();
    await later.open(schema);
    await later.insertMany('customers', [legacyCustomer('legacy-3', 'Edsger Dijkstra')]);
    await release(later);
    const reopened = await createCrm({ adapter: adapterOf() });
    expect(((await reopened.adapter.getMany('customers', ['legacy-1', 'legacy-3'])) as StoredRecord[]).map((r) => r.version)).toEqual([4, 3]);
    await release(reopened.adapter);
  });
});
