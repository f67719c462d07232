import { describe, expect, it } from './conformance-runner.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { expectCrmError } from './expect-crm-error.js';
import { snapshotCollections } from './snapshot-collections.js';

const by = { by: 'custom.externalId' } as const;

/**
 * `upsertMany(items, { by })` by the suite's unique `custom.externalId`:
 * per-item `created` / `updated` / `unchanged`, idempotent re-runs, bad input
 * that writes nothing, all or nothing inside a rolled-back transaction.
 *
 * @internal
 */
export function defineUpsertTests(harness: () => ConformanceHarness): void {
  describe('upserts', () => {
    it('creates the new keys, updates the stored ones, reports each item in input order', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada', tags: ['a'], custom: { externalId: 'e1', score: 1 } });
      const results = await crm.customers.upsertMany(
        [
          { name: 'Grace', custom: { externalId: 'e2' } },
          { name: 'Ada Lovelace', tags: ['a'], custom: { externalId: 'e1', score: 1 } },
        ],
        by,
      );
      expect(results.map((r) => (r.ok ? r.outcome : r.error.code))).toEqual(['created', 'updated']);
      const updated = await crm.customers.get(ada.id);
      expect([updated.name, updated.version, updated.createdAt.getTime()]).toEqual(['Ada Lovelace', 2, ada.createdAt.getTime()]);
      expect(await crm.customers.count()).toBe(2);
    });

    it('is idempotent: the same batch again creates nothing and changes no version', async () => {
      const { crm } = harness();
      const rows = [1, 2, 3].map((i) => ({ name: `P${i}`, emails: [`P${i}@Example.com`], tags: ['t'], custom: { externalId: `k${i}` } }));
      await crm.customers.upsertMany(rows, by);
      const before = (await crm.customers.find({ sort: [{ field: 'id', direction: 'asc' }] })).items;
      const again = await crm.customers.upsertMany(rows, by);
      expect(again.map((r) => r.ok && r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
      expect((await crm.customers.find({ sort: [{ field: 'id', direction: 'asc' }] })).items).toEqual(before);
    });

    it('bad input writes nothing: an invalid item, an item without its key, two items with one key, a key that is not unique', async () => {
      const h = harness();
      await h.crm.customers.create({ name: 'Keep', custom: { externalId: 'e1' } });
      const before = await snapshotCollections(h.crm);
      const invalid = await expectCrmError(
        h.crm.customers.upsertMany([{ name: 'Changed', custom: { externalId: 'e1' } }, { name: 'New', custom: { externalId: 'e2', score: 'high' as never } }], by),
        'validation',
      );
      expect(invalid.issues[0]!.path.slice(0, 3)).toEqual([1, 'custom', 'score']);
      expect((await expectCrmError(h.crm.customers.upsertMany([{ name: 'X' }], by), 'validation')).issues[0]!.code).toBe('missing_key');
      const twice = await expectCrmError(
        h.crm.customers.upsertMany([{ name: 'X', custom: { externalId: 'z' } }, { name: 'Y', custom: { externalId: 'z' } }], by),
        'validation',
      );
      expect(twice.issues[0]).toMatchObject({ code: 'duplicate_key', path: [1, 'custom', 'externalId'] });
      await expectCrmError(h.crm.customers.upsertMany([{ name: 'X' }], { by: 'name' }), 'validation');
      expect(await snapshotCollections(h.crm)).toEqual(before);
    });

    it('inside a transaction that rolls back, nothing of the upsert stays', async () => {
      const h = harness();
      if (!h.adapter.capabilities.transactions) return;
      await h.crm.customers.create({ name: 'Keep', custom: { externalId: 'e1' } });
      const before = await snapshotCollections(h.crm);
      await expect(
        h.crm.transaction(async (tx) => {
          await tx.customers.upsertMany([{ name: 'Changed', custom: { externalId: 'e1' } }, { name: 'New', custom: { externalId: 'e2' } }], by);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await snapshotCollections(h.crm)).toEqual(before);
    });

    it('an empty batch does nothing', async () => {
      const { crm } = harness();
      expect(await crm.customers.upsertMany([], by)).toEqual([]);
    });
  });
}
