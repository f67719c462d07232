import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCrm } from '../../src/crm.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { indexedDbAdapter } from '../../adapters/indexeddb/index.js';
import type { CrmAdapter } from '../../src/storage/adapter.js';

const customFields = { customers: z.strictObject({ shopifyId: z.string().optional() }) };
let n = 0;
const adapters: [string, () => CrmAdapter][] = [
  ['memory', () => memoryAdapter()],
  ['indexeddb', () => indexedDbAdapter({ name: `upsert-${++n}` })],
];

describe.each(adapters)('upsertMany and unique keys on %s', (_name, make) => {
  const open = async () => {
    const adapter = make();
    const crm = await createCrm({
      adapter,
      customFields,
      unique: { customers: ['custom.shopifyId'], interactions: ['purchase.orderId'] },
    });
    return { crm, adapter };
  };

  it('refuses a second record with the same unique value, with reason unique and the index, on create and update', async () => {
    const { crm } = await open();
    const ada = await crm.customers.create({ name: 'Ada', custom: { shopifyId: 's-1' } });
    await expect(crm.customers.create({ name: 'Bob', custom: { shopifyId: 's-1' } })).rejects.toMatchObject({
      code: 'conflict',
      reason: 'unique',
      index: 'customers_unique_custom_shopifyId',
    });
    const bob = await crm.customers.create({ name: 'Bob', custom: { shopifyId: 's-2' } });
    await expect(crm.customers.update(bob.id, (d) => void (d.custom = { shopifyId: 's-1' }))).rejects.toMatchObject({ reason: 'unique' });
    const [result] = await crm.customers.updateMany([{ id: bob.id, recipe: (d) => void (d.custom = { shopifyId: 's-1' }) }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict', reason: 'unique' } });
    // a record keeps its own value; absent values never conflict
    await crm.customers.update(ada.id, (d) => void (d.name = 'Ada L.'));
    await crm.customers.createMany([{ name: 'C' }, { name: 'D' }]);
    expect(await crm.customers.count()).toBe(4);
    expect((await crm.customers.get(bob.id)).custom.shopifyId).toBe('s-2');
  });

  it('a batch with two new records sharing a value: the second fails and createMany writes nothing', async () => {
    const { crm, adapter } = await open();
    const error = await crm.customers.createMany([{ name: 'A', custom: { shopifyId: 'x' } }, { name: 'B', custom: { shopifyId: 'x' } }]).catch((e) => e);
    expect(error).toMatchObject({ code: 'conflict', reason: 'unique' });
    expect(await crm.customers.count()).toBe(0);
    const now = new Date();
    const raw = (id: string) => ({ id, name: id, emails: [], phones: [], tags: [], lifecycleStage: 'lead', custom: { shopifyId: 'y' }, createdAt: now, updatedAt: now, version: 1 });
    const outcomes = await adapter.insertMany('customers', [raw('a'), raw('b')]);
    expect(outcomes).toEqual([{ ok: true }, { ok: false, code: 'conflict', reason: 'unique', index: 'customers_unique_custom_shopifyId' }]);
    expect((await adapter.insertMany('customers', [raw('a')]))[0]).toEqual({ ok: false, code: 'conflict', reason: 'id_taken' });
  });

  it('inserts and updates by the key with per-item results, and a re-run creates nothing', async () => {
    const { crm } = await open();
    const existing = await crm.customers.create({ name: 'Old name', custom: { shopifyId: 's-1' } });
    const rows = [
      { name: 'New name', custom: { shopifyId: 's-1' } },
      { name: 'Grace', emails: ['GRACE@example.com'], custom: { shopifyId: 's-2' } },
    ];
    const first = await crm.customers.upsertMany(rows, { by: 'custom.shopifyId' });
    expect(first.map((r) => r.ok && r.outcome)).toEqual(['updated', 'created']);
    expect(first[0]).toMatchObject({ ok: true, record: { id: existing.id, name: 'New name', version: 2 } });
    const again = await crm.customers.upsertMany(rows, { by: 'custom.shopifyId' });
    expect(again.map((r) => r.ok && r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(await crm.customers.count()).toBe(2);
    expect((await crm.customers.get(existing.id)).version).toBe(2);
  });

  it('re-importing the same orders creates no interaction', async () => {
    const { crm } = await open();
    const ada = await crm.customers.create({ name: 'Ada' });
    const orders = [1, 2, 3].map((i) => ({
      customerId: ada.id,
      channel: 'web' as const,
      kind: 'purchase' as const,
      occurredAt: new Date(Date.UTC(2025, 0, i)),
      purchase: { orderId: `A-${i}`, amount: 100 * i, currency: 'EUR', lineItems: [{ sku: 'X', quantity: 1, unitPrice: 100 * i }] },
    }));
    await crm.interactions.upsertMany(orders, { by: 'purchase.orderId' });
    const again = await crm.interactions.upsertMany(orders, { by: 'purchase.orderId' });
    expect(again.every((r) => r.ok && r.outcome === 'unchanged')).toBe(true);
    expect(await crm.interactions.count()).toBe(3);
  });

  it('bad input changes nothing: one invalid item, a missing key, a repeated key, a field that is not unique', async () => {
    const { crm, adapter } = await open();
    await crm.customers.create({ name: 'Keep', custom: { shopifyId: 's-1' } });
    const snapshot = async () => adapter.find('customers', { sort: [{ field: 'id', direction: 'asc' }] });
    const before = await snapshot();
    await expect(
      crm.customers.upsertMany([{ name: 'Changed', custom: { shopifyId: 's-1' } }, { name: '', custom: { shopifyId: 's-9' } }], { by: 'custom.shopifyId' }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.customers.upsertMany([{ name: 'X' }], { by: 'custom.shopifyId' })).rejects.toMatchObject({
      code: 'validation',
      issues: [{ code: 'missing_key', path: [0, 'custom', 'shopifyId'] }],
    });
    await expect(
      crm.customers.upsertMany([{ name: 'X', custom: { shopifyId: 'z' } }, { name: 'Y', custom: { shopifyId: 'z' } }], { by: 'custom.shopifyId' }),
    ).rejects.toMatchObject({ issues: [{ code: 'duplicate_key', path: [1, 'custom', 'shopifyId'] }] });
    await expect(crm.customers.upsertMany([{ name: 'X' }], { by: 'name' })).rejects.toMatchObject({ issues: [{ code: 'invalid_option' }] });
    expect(await snapshot()).toEqual(before);
  });

  it('createCrm refuses a unique declaration on a field the collection does not have', async () => {
    await expect(createCrm({ adapter: make(), unique: { customers: ['custom.nope'] } })).rejects.toMatchObject({
      code: 'validation',
      issues: [{ code: 'unknown_field', path: ['unique', 'customers', 0] }],
    });
  });
});
