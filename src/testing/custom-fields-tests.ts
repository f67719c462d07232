import { describe, expect, it } from './conformance-runner.js';
import type { Filter } from '../storage/filter.js';
import type { SortInput } from '../storage/resolve-sort.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers } from './conformance-fixtures.js';
import { expectCrmError } from './expect-crm-error.js';
import { expectNothingWritten } from './expect-nothing-written.js';

/** [title, filter, labels expected in id order] over the seed's custom fields. */
export const customFilterCases: readonly (readonly [string, Filter, string])[] = [
  ['string enum: in', { field: 'custom.tier', op: 'in', value: ['gold', 'bronze'] }, 'AGM'],
  ['string enum: gt by code point', { field: 'custom.tier', op: 'gt', value: 'gold' }, 'T'],
  ['string: contains', { field: 'custom.note', op: 'contains', value: 'ml' }, 'E'],
  ['string: endsWith a backslash', { field: 'custom.note', op: 'endsWith', value: '\\' }, 'Z'],
  ['string: ne matches absent values', { field: 'custom.note', op: 'ne', value: '' }, 'ATGEZFB'],
  ['number: a range', { and: [{ field: 'custom.score', op: 'gte', value: 0 }, { field: 'custom.score', op: 'lt', value: 90 }] }, 'TE'],
  ['number: nin matches absent values', { field: 'custom.score', op: 'nin', value: [0, 90, 75.5] }, 'GMZFB'],
  ['number: a huge value', { field: 'custom.score', op: 'gte', value: 1e9 }, 'M'],
  ['boolean: eq true', { field: 'custom.vip', op: 'eq', value: true }, 'A'],
  ['boolean: exists false', { field: 'custom.vip', op: 'exists', value: false }, 'GEMZFB'],
  ['boolean: in [false]', { field: 'custom.vip', op: 'in', value: [false] }, 'T'],
  ['date: a range with milliseconds', { and: [{ field: 'custom.since', op: 'gte', value: new Date('2019-12-31T23:59:59.999Z') }, { field: 'custom.since', op: 'lt', value: new Date('2021-06-01T00:00:00.000Z') }] }, 'AG'],
  ['date: ne matches absent values', { field: 'custom.since', op: 'ne', value: new Date('2020-01-01T00:00:00.000Z') }, 'TGEMZFB'],
  ['date: exists', { field: 'custom.since', op: 'exists', value: true }, 'ATG'],
];

/** [title, sort, labels expected] over the seed's custom fields. */
export const customSortCases: readonly (readonly [string, SortInput, string])[] = [
  ['a custom string ascending (absent, then the empty string, first)', [{ field: 'custom.note', direction: 'asc' }], 'TGFBMZAE'],
  ['a custom string descending', [{ field: 'custom.note', direction: 'desc' }], 'EAZMBFGT'],
  ['a custom number ascending', [{ field: 'custom.score', direction: 'asc' }], 'ZFBGETAM'],
  ['a custom boolean descending', [{ field: 'custom.vip', direction: 'desc' }], 'ATBFZMEG'],
  ['a custom date ascending', [{ field: 'custom.since', direction: 'asc' }], 'EMZFBGAT'],
  ['a custom enum, then a custom number descending (ties by id descending)', [{ field: 'custom.tier', direction: 'asc' }, { field: 'custom.score', direction: 'desc' }], 'EBFZGMAT'],
];

/** The host's custom fields: validated, stored, filterable and sortable as `custom.<name>`. @internal */
export function defineCustomFieldTests(harness: () => ConformanceHarness): void {
  describe('custom fields', () => {
    it.each(customFilterCases)('filters on %s', async (_title, filter, expected) => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      expect(labelsOf((await crm.customers.find({ where: filter })).items).join('')).toBe(expected);
      expect(await crm.customers.count(filter)).toBe(expected.length);
    });

    it.each(customSortCases)('sorts on %s', async (_title, sort, expected) => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      expect(labelsOf((await crm.customers.find({ sort })).items).join('')).toBe(expected);
    });

    it('the custom fields are in the collection schema the adapter was opened with', () => {
      const { crm } = harness();
      const fields = crm.schema.collections.customers!.fields;
      expect(fields['custom.tier']).toEqual({ type: 'string', optional: true, maxLength: 6 }); // an enum: its longest value
      expect(fields['custom.score']).toEqual({ type: 'number', optional: true });
      expect(fields['custom.vip']).toEqual({ type: 'boolean', optional: true });
      expect(fields['custom.since']).toEqual({ type: 'date', optional: true });
      expect(fields['custom.note']).toEqual({ type: 'string', optional: true });
    });

    it('a custom date round-trips as a Date to the millisecond, through get, find, scan and update', async () => {
      const { crm } = harness();
      const since = new Date('1969-07-20T20:17:40.123Z'); // before the epoch
      const created = await crm.customers.create({ name: 'Neil', custom: { since } });
      const got = await crm.customers.get(created.id);
      expect(got.custom.since).toBeInstanceOf(Date);
      expect(got.custom.since!.getTime()).toBe(since.getTime());
      const found = (await crm.customers.find({ where: { field: 'custom.since', op: 'eq', value: since } })).items;
      expect(found.map((r) => r.custom.since!.getTime())).toEqual([since.getTime()]);
      for await (const batch of crm.customers.scan()) expect(batch[0]!.custom.since).toEqual(since);
      const later = new Date('2038-01-19T03:14:08.001Z'); // past 32-bit seconds
      const updated = await crm.customers.update(created.id, (d) => void (d.custom.since = later));
      expect((await crm.customers.get(updated.id)).custom.since).toEqual(later);
      expect(await crm.customers.count({ field: 'custom.since', op: 'gt', value: new Date('2038-01-19T03:14:08.000Z') })).toBe(1);
    });

    it('custom values can be added, changed and removed by update', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada' });
      await crm.customers.update(ada.id, (d) => void (d.custom = { tier: 'gold', score: 1 }));
      expect(await crm.customers.count({ field: 'custom.tier', op: 'eq', value: 'gold' })).toBe(1);
      await crm.customers.update(ada.id, (d) => void delete d.custom.tier);
      expect(await crm.customers.count({ field: 'custom.tier', op: 'exists', value: true })).toBe(0);
      expect((await crm.customers.get(ada.id)).custom).toEqual({ score: 1 });
    });

    it.each([
      ['a value outside the enum', { tier: 'platinum' }, ['custom', 'tier']],
      ['a string for a number', { score: '90' }, ['custom', 'score']],
      ['a string for a boolean', { vip: 'yes' }, ['custom', 'vip']],
      ['a string for a date', { since: '2020-01-01' }, ['custom', 'since']],
      ['a number for a string', { note: 5 }, ['custom', 'note']],
      ['an undeclared field', { shoeSize: 42 }, ['custom']],
    ] as const)('a custom value that breaks the host’s schema (%s) is a validation error; nothing is written', async (_title, custom, path) => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada', custom: { tier: 'gold' } });
      const onCreate = await expectNothingWritten(crm, () => crm.customers.create({ name: 'Bob', custom: custom as never }));
      expect(onCreate.issues.map((i) => i.path)).toContainEqual(path);
      const onUpdate = await expectNothingWritten(crm, () => crm.customers.update(ada.id, (d) => void Object.assign(d.custom, custom)));
      expect(onUpdate.issues.map((i) => i.path)).toContainEqual(path);
    });

    it('an undeclared custom field is not filterable', async () => {
      const { crm } = harness();
      await expectCrmError(crm.customers.find({ where: { field: 'custom.shoeSize', op: 'eq', value: 42 } as Filter }), 'invalid_query');
    });

    it('without a host schema, custom fields are free JSON: stored as they are, but not filterable', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada' });
      const custom = { nested: { deep: [1, 'two', true, null, { three: 3 }] }, empty: {}, list: [], text: 'ü😀', zero: 0, negative: -1.5 };
      const created = await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message', custom });
      expect((await crm.interactions.get(created.id)).custom).toEqual(custom);
      await expectCrmError(crm.interactions.find({ where: { field: 'custom.text', op: 'eq', value: 'ü😀' } as Filter }), 'invalid_query');
    });

    it('free JSON custom fields reject what is not JSON', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada' });
      await expectNothingWritten(crm, () =>
        crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message', custom: { when: new Date() } as never }),
      );
      await expectNothingWritten(crm, () =>
        crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message', custom: { fn: () => 1 } as never }),
      );
    });
  });
}
