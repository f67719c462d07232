import { describe, expect, it } from './conformance-runner.js';
import { keysetPositionOf } from '../storage/keyset-after.js';
import { resolveSort } from '../storage/resolve-sort.js';
import type { StorageFilter } from '../storage/filter.js';
import type { StorageQuery } from '../storage/storage-query.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers } from './conformance-fixtures.js';
import { paginationSorts } from './pagination-tests.js';

/**
 * `StorageQuery.after` straight at the adapter, for adapters that declare
 * `capabilities.keysetAfter`: pages of every pagination sort (absent values,
 * ties, both directions, several keys) concatenate to the unpaged order, with
 * and without a filter, through `find` and `scan`. Adapters without the
 * capability never receive `after`; the case says so and checks nothing else.
 *
 * @internal
 */
export function defineKeysetAfterTests(harness: () => ConformanceHarness): void {
  describe('keyset-after', () => {
    const walk = async (h: ConformanceHarness, query: Omit<StorageQuery, 'after' | 'limit'>, limit: number) => {
      const out: string[] = [];
      let after: StorageQuery['after'];
      for (let pages = 0; pages < 100; pages++) {
        const page = await h.adapter.find('customers', { ...query, limit, ...(after === undefined ? {} : { after }) });
        out.push(...page.map((r) => r.id));
        if (page.length < limit) return out;
        after = keysetPositionOf(query.sort, page.at(-1)!);
      }
      throw new Error('after does not move forward: 100 pages without an end');
    };
    const filters: readonly (readonly [string, StorageFilter | undefined])[] = [
      ['no filter', undefined],
      ['a filter', { field: 'lifecycleStage', op: 'ne', value: 'lead' }],
    ];
    const cases = paginationSorts.flatMap(([title, sort]) =>
      filters.flatMap(([filterTitle, filter]) => [1, 2].map((limit) => [`${title}, ${filterTitle}, ${limit} per page`, sort, filter, limit] as const)),
    );
    it.each(cases)('pages through after: %s', async (_title, sortInput, filter, limit) => {
      const h = harness();
      if (h.adapter.capabilities.keysetAfter !== true) return; // the core writes the position into the filter instead
      await seedCustomers(h.crm);
      const sort = resolveSort(sortInput, h.crm.customers.collectionSchema);
      const query = { sort, ...(filter === undefined ? {} : { filter }) };
      const unpaged = (await h.adapter.find('customers', query)).map((r) => r.id);
      expect(unpaged.length).toBeGreaterThan(0);
      expect(await walk(h, query, limit)).toEqual(unpaged);
    });

    it('after the last record is empty; after a deleted record keeps its position', async () => {
      const h = harness();
      if (h.adapter.capabilities.keysetAfter !== true) return;
      await seedCustomers(h.crm);
      const sort = resolveSort([{ field: 'name', direction: 'desc' }], h.crm.customers.collectionSchema);
      const all = await h.adapter.find('customers', { sort });
      expect(await h.adapter.find('customers', { sort, after: keysetPositionOf(sort, all.at(-1)!) })).toEqual([]);
      const third = all[2]!;
      await h.crm.customers.delete(third.id);
      const rest = await h.adapter.find('customers', { sort, after: keysetPositionOf(sort, third) });
      expect(rest.map((r) => r.id)).toEqual(all.slice(3).map((r) => r.id));
    });

    it('scan honours after: it starts right after the position', async () => {
      const h = harness();
      if (h.adapter.capabilities.keysetAfter !== true || h.adapter.scan === undefined) return;
      await seedCustomers(h.crm);
      const sort = resolveSort([{ field: 'custom.score', direction: 'asc' }], h.crm.customers.collectionSchema);
      const all = await h.adapter.find('customers', { sort });
      const scanned: string[] = [];
      for await (const batch of h.adapter.scan('customers', { sort, after: keysetPositionOf(sort, all[1]!) }, 2)) scanned.push(...batch.map((r) => r.id));
      expect(scanned).toEqual(all.slice(2).map((r) => r.id));
    });
  });
}
