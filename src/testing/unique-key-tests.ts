import { describe, expect, it } from './conformance-runner.js';
import type { ConflictError } from '../storage/errors.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { externalIdIndex } from './conformance-fixtures.js';
import { expectCrmError } from './expect-crm-error.js';
import { rawCustomer } from './raw-records.js';

const byId = [{ field: 'id', direction: 'asc' }] as const;
const withKey = (id: string, externalId?: string, version = 1) =>
  rawCustomer(id, { version, custom: externalId === undefined ? {} : { externalId } });
const uniqueConflict = { ok: false, code: 'conflict', reason: 'unique', index: externalIdIndex };

/**
 * Unique indexes (`IndexDefinition.unique`; the suite's crm declares
 * `custom.externalId` unique): inserts and updates that would share a present
 * value fail with `reason: 'unique'` and the index, straight at the adapter and
 * through the crm; absent values never conflict; later items of a batch see
 * earlier ones; a deleted or changed record frees its value.
 *
 * @internal
 */
export function defineUniqueKeyTests(harness: () => ConformanceHarness): void {
  describe('unique-keys', () => {
    it('insertMany: a taken value is a unique conflict, the second of two new records sharing one fails, absent values never conflict', async () => {
      const { adapter } = harness();
      expect(await adapter.insertMany('customers', [withKey('a', 'k1')])).toEqual([{ ok: true }]);
      const outcomes = await adapter.insertMany('customers', [withKey('b', 'k1'), withKey('c', 'k2'), withKey('d', 'k2'), withKey('e'), withKey('f')]);
      expect(outcomes).toEqual([uniqueConflict, { ok: true }, uniqueConflict, { ok: true }, { ok: true }]);
      expect((await adapter.find('customers', { sort: byId })).map((r) => r.id)).toEqual(['a', 'c', 'e', 'f']);
    });

    it('conflicts carry their reason: id_taken for a taken id, stale_version for a wrong version', async () => {
      const { adapter } = harness();
      await adapter.insertMany('customers', [withKey('a', 'k1')]);
      expect(await adapter.insertMany('customers', [withKey('a', 'k9')])).toEqual([{ ok: false, code: 'conflict', reason: 'id_taken' }]);
      expect(await adapter.updateMany('customers', [{ record: withKey('a', 'k1', 3), expectedVersion: 2 }])).toEqual([
        { ok: false, code: 'conflict', reason: 'stale_version' },
      ]);
      expect(await adapter.deleteMany('customers', [{ id: 'a', expectedVersion: 2 }])).toEqual([{ ok: false, code: 'conflict', reason: 'stale_version' }]);
    });

    it('updateMany: taking another record’s value conflicts and writes nothing for that item; keeping one’s own value does not', async () => {
      const { adapter } = harness();
      await adapter.insertMany('customers', [withKey('a', 'k1'), withKey('b', 'k2')]);
      const outcomes = await adapter.updateMany('customers', [
        { record: withKey('b', 'k1', 2), expectedVersion: 1 },
        { record: withKey('a', 'k1', 2), expectedVersion: 1 },
      ]);
      expect(outcomes).toEqual([uniqueConflict, { ok: true }]);
      const [a, b] = await adapter.getMany('customers', ['a', 'b']);
      expect([a!.version, (b!.custom as { externalId: string }).externalId, b!.version]).toEqual([2, 'k2', 1]);
    });

    it('a value freed earlier in the batch, by an update or a delete, can be taken', async () => {
      const { adapter } = harness();
      await adapter.insertMany('customers', [withKey('a', 'k1'), withKey('b', 'k2')]);
      expect(
        await adapter.updateMany('customers', [
          { record: withKey('a', 'k3', 2), expectedVersion: 1 },
          { record: withKey('b', 'k1', 2), expectedVersion: 1 },
        ]),
      ).toEqual([{ ok: true }, { ok: true }]);
      await adapter.deleteMany('customers', [{ id: 'a' }]);
      expect(await adapter.insertMany('customers', [withKey('c', 'k3')])).toEqual([{ ok: true }]);
    });

    it('a rolled-back transaction frees the values it took', async () => {
      const { adapter } = harness();
      if (!adapter.capabilities.transactions) return;
      await expect(
        adapter.transaction(async (tx) => {
          await tx.insertMany('customers', [withKey('a', 'k1')]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await adapter.insertMany('customers', [withKey('b', 'k1')])).toEqual([{ ok: true }]);
    });

    it('through the crm: create, createMany, update and updateMany fail with ConflictError reason unique and the index, and write nothing', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada', custom: { externalId: 'x-1' } });
      const bob = await crm.customers.create({ name: 'Bob', custom: { externalId: 'x-2' } });
      const created = (await expectCrmError(crm.customers.create({ name: 'Eve', custom: { externalId: 'x-1' } }), 'conflict')) as ConflictError;
      expect([created.reason, created.index]).toEqual(['unique', externalIdIndex]);
      const batch = (await expectCrmError(
        crm.customers.createMany([{ name: 'C', custom: { externalId: 'x-3' } }, { name: 'D', custom: { externalId: 'x-3' } }]),
        'conflict',
      )) as ConflictError;
      expect(batch.reason).toBe('unique');
      const updated = (await expectCrmError(crm.customers.update(bob.id, (d) => void (d.custom.externalId = 'x-1')), 'conflict')) as ConflictError;
      expect([updated.reason, updated.index]).toEqual(['unique', externalIdIndex]);
      const [item] = await crm.customers.updateMany([{ id: bob.id, recipe: (d) => void (d.custom.externalId = 'x-1') }]);
      expect(item!.ok ? undefined : [(item!.error as ConflictError).reason, (item!.error as ConflictError).index]).toEqual(['unique', externalIdIndex]);
      expect(await crm.customers.count()).toBe(2);
      expect((await crm.customers.get(bob.id)).custom.externalId).toBe('x-2');
      expect((await crm.customers.get(ada.id)).version).toBe(1);
    });

    it('records without the value never conflict, and a record keeps its own value across updates', async () => {
      const { crm } = harness();
      await crm.customers.createMany([{ name: 'A' }, { name: 'B' }, { name: 'C', custom: { externalId: 'only' } }]);
      const c = (await crm.customers.find({ where: { field: 'custom.externalId', op: 'eq', value: 'only' } })).items[0]!;
      await crm.customers.update(c.id, (d) => void (d.name = 'C2'));
      expect(await crm.customers.count()).toBe(3);
    });
  });
}
