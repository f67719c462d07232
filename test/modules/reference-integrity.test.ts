import { createCrm, isCrmError, type StorageMiddleware, type WriteOutcome } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { describe, expect, it } from 'vitest';

/** Counts the records each `find` returns, per collection. */
function countingFinds(read: Map<string, number>): StorageMiddleware {
  return (next) => ({
    ...next,
    find: async (collection, query) => {
      const records = await next.find(collection, query);
      read.set(collection, (read.get(collection) ?? 0) + records.length);
      return records;
    },
  });
}

describe('deleting a referenced record', () => {
  it('reads one referrer, not every record that points at it', async () => {
    const read = new Map<string, number>();
    const crm = await createCrm({ adapter: memoryAdapter(), storageMiddleware: countingFinds(read) });
    const ada = await crm.customers.create({ name: 'Ada' });
    await crm.interactions.createMany(Array.from({ length: 200 }, () => ({ customerId: ada.id, channel: 'email' as const, kind: 'message' as const })));
    read.clear();
    const error = await crm.customers.delete(ada.id).catch((e: unknown) => e);
    expect(isCrmError(error, 'conflict') && error.reason).toBe('still_referenced');
    expect(read.get('interactions')).toBe(1);
  });

  it('in a batch, still finds the one target that is referenced among many that are not', async () => {
    const crm = await createCrm({ adapter: memoryAdapter() });
    const customers = await crm.customers.createMany(Array.from({ length: 30 }, (_, i) => ({ name: `c${i}` })));
    const kept = customers[17]!;
    await crm.interactions.createMany(Array.from({ length: 300 }, () => ({ customerId: kept.id, channel: 'email' as const, kind: 'message' as const })));
    const results = await crm.customers.deleteMany(customers.map((c) => c.id));
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && isCrmError(r.error, 'conflict') && [r.error.id, r.error.reason])).toEqual([
      [kept.id, 'still_referenced'],
    ]);
    expect(await crm.customers.count()).toBe(1);
  });

  it('deletes records that refer only to each other in the same call', async () => {
    const crm = await createCrm({ adapter: memoryAdapter() });
    const org = await crm.customers.create({ kind: 'organization', name: 'Acme' });
    const people = await crm.customers.createMany(Array.from({ length: 5 }, (_, i) => ({ name: `p${i}`, organizationId: org.id })));
    const results = await crm.customers.deleteMany([org.id, ...people.map((p) => p.id)]);
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

describe("a write's conflict", () => {
  const failing = (outcome: WriteOutcome): StorageMiddleware => (next) => ({
    ...next,
    insertMany: async (collection, records) => (collection === 'customers' ? records.map(() => outcome) : next.insertMany(collection, records)),
    updateMany: async (collection, writes) => (collection === 'customers' ? writes.map(() => outcome) : next.updateMany(collection, writes)),
  });

  it("carries the adapter's reason and index when it gives one", async () => {
    const crm = await createCrm({ adapter: memoryAdapter(), storageMiddleware: failing({ ok: false, code: 'conflict', reason: 'unique', index: 'customers_email' }) });
    const error = await crm.customers.create({ name: 'Ada' }).catch((e: unknown) => e);
    expect(isCrmError(error, 'conflict') && [error.reason, error.index]).toEqual(['unique', 'customers_email']);
  });

  it('is id_taken on insert and stale_version on update from an adapter that gives no reason', async () => {
    const crm = await createCrm({ adapter: memoryAdapter(), storageMiddleware: failing({ ok: false, code: 'conflict' }) });
    const error = await crm.customers.create({ name: 'Ada' }).catch((e: unknown) => e);
    expect(isCrmError(error, 'conflict') && error.reason).toBe('id_taken');
  });

  it('is not retried when an update hits a unique value', async () => {
    const plain = await createCrm({ adapter: memoryAdapter() });
    const ada = await plain.customers.create({ name: 'Ada' });
    let updates = 0;
    const unique: StorageMiddleware = (next) => ({
      ...next,
      updateMany: async (collection, writes) => {
        updates++;
        return writes.map(() => ({ ok: false, code: 'conflict', reason: 'unique', index: 'customers_name' }) as const);
      },
    });
    const crm = await createCrm({ adapter: plain.adapter, storageMiddleware: unique });
    const error = await crm.customers.update(ada.id, (d) => void (d.name = 'Bob')).catch((e: unknown) => e);
    expect(isCrmError(error, 'conflict') && [error.reason, error.index]).toEqual(['unique', 'customers_name']);
    expect(updates).toBe(1);
  });
});
