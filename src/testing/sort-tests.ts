import { describe, expect, it } from './conformance-runner.js';
import type { SortInput } from '../storage/resolve-sort.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers } from './conformance-fixtures.js';

/** [title, sort, labels expected]. */
export const sortCases: readonly (readonly [string, SortInput, string])[] = [
  ['the default order is id ascending (creation order)', [], 'ATGEMZFB'],
  ['id descending', [{ field: 'id', direction: 'desc' }], 'BFZMEGTA'],
  ['strings by code point, upper case first, U+1F600 after U+FF3A', [{ field: 'name', direction: 'asc' }], 'ABGZTEFM'],
  ['strings descending', [{ field: 'name', direction: 'desc' }], 'MFETZGBA'],
  ['numbers ascending, absent first, ties by id', [{ field: 'custom.score', direction: 'asc' }], 'ZFBGETAM'],
  ['numbers descending, absent last, ties by id descending', [{ field: 'custom.score', direction: 'desc' }], 'MATEGBFZ'],
  ['two keys in opposite directions', [{ field: 'lifecycleStage', direction: 'asc' }, { field: 'name', direction: 'desc' }], 'ZGAETBMF'],
  ['ties on an enum broken by id', [{ field: 'custom.tier', direction: 'asc' }], 'EZFBGAMT'],
  ['equal timestamps broken by id', [{ field: 'createdAt', direction: 'asc' }], 'ATGEMZFB'],
  ['booleans: absent, false, true', [{ field: 'custom.vip', direction: 'asc' }], 'GEMZFBTA'],
  ['dates descending, absent last', [{ field: 'custom.since', direction: 'desc' }], 'TAGBFZME'],
  ['the direction defaults to asc', [{ field: 'name' }], 'ABGZTEFM'],
  ['keys after id are ignored', [{ field: 'id', direction: 'asc' }, { field: 'name', direction: 'desc' }], 'ATGEMZFB'],
];

/** Sort order, ties and absent values, against the seed. @internal */
export function defineSortTests(harness: () => ConformanceHarness): void {
  describe('sort', () => {
    it.each(sortCases)('%s', async (_title, sort, expected) => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const { items } = await crm.customers.find({ sort });
      expect(labelsOf(items).join('')).toBe(expected);
    });

    it('sorts within a filter', async () => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const { items } = await crm.customers.find({
        where: { field: 'ownerId', op: 'exists', value: true },
        sort: [{ field: 'name', direction: 'desc' }],
      });
      expect(labelsOf(items).join('')).toBe('ETZA');
    });

    it('gives the same order on every call', async () => {
      const { crm } = harness();
      await seedCustomers(crm);
      const sort = [{ field: 'custom.tier', direction: 'desc' }] as const;
      const first = await crm.customers.find({ sort });
      const second = await crm.customers.find({ sort });
      expect(second.items.map((r) => r.id)).toEqual(first.items.map((r) => r.id));
    });
  });
}
