import { describe, expect, it } from './conformance-runner.js';
import type { AggregateOptions } from '../services/model-service.js';
import { ago } from '../storage/relative-date.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers } from './conformance-fixtures.js';
import { expectCrmError } from './expect-crm-error.js';

const day = 86_400_000;

/**
 * Three customers and their timelines (the clock stands at 2025-01-01):
 * Ada: purchases of 1000 (10 days ago) and 2500 (40 days ago), a message (1 day ago).
 * Bob: one purchase of 700 (100 days ago), a refund of 700 (99 days ago).
 * Cy: two messages (5 and 6 days ago), an NPS answer of 9 (2 days ago); never bought.
 */
async function seedTimelines(harness: ConformanceHarness) {
  const { crm, clock } = harness;
  const now = clock.now().getTime();
  const at = (daysAgo: number) => new Date(now - daysAgo * day);
  const [ada, bob, cy] = await crm.customers.createMany([
    { name: 'Ada', ownerId: 'u1', lifecycleStage: 'customer', custom: { vip: true } },
    { name: 'Bob', lifecycleStage: 'customer', custom: { vip: false } },
    { name: 'Cy', ownerId: 'u1', lifecycleStage: 'lead' },
  ]);
  const purchase = (orderId: string, amount: number) => ({ orderId, amount, currency: 'EUR', lineItems: [] });
  await crm.interactions.createMany([
    { customerId: ada!.id, channel: 'web', kind: 'purchase', occurredAt: at(10), purchase: purchase('a1', 1000), ownerId: 'u1' },
    { customerId: ada!.id, channel: 'web', kind: 'purchase', occurredAt: at(40), purchase: purchase('a2', 2500) },
    { customerId: ada!.id, channel: 'email', kind: 'message', occurredAt: at(1), subject: 'hello' },
    { customerId: bob!.id, channel: 'in_person', kind: 'purchase', occurredAt: at(100), purchase: purchase('b1', 700) },
    { customerId: bob!.id, channel: 'in_person', kind: 'refund', occurredAt: at(99), purchase: purchase('b1', 700) },
    { customerId: cy!.id, channel: 'email', kind: 'message', occurredAt: at(5), subject: 'question' },
    { customerId: cy!.id, channel: 'email', kind: 'message', occurredAt: at(6) },
    { customerId: cy!.id, channel: 'email', kind: 'survey_response', occurredAt: at(2), survey: { type: 'nps', score: 9 } },
  ]);
  return { ada: ada!, bob: bob!, cy: cy!, at };
}

/** Group-by with count, sum, min and max: the same rows natively or through the core's fallback. @internal */
export function defineAggregateTests(harness: () => ConformanceHarness): void {
  describe('aggregate', () => {
    it('per customer: interactions, purchase revenue, first and last contact', async () => {
      const h = harness();
      const { ada, bob, cy, at } = await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({
        groupBy: ['customerId'],
        measures: [
          { name: 'interactions', fn: 'count' },
          { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
          { name: 'first', fn: 'min', field: 'occurredAt' },
          { name: 'last', fn: 'max', field: 'occurredAt' },
        ],
      });
      const expected = [
        { key: [ada.id], values: { interactions: 3, revenue: 3500, first: at(40), last: at(1) } },
        { key: [bob.id], values: { interactions: 2, revenue: 1400, first: at(100), last: at(99) } },
        { key: [cy.id], values: { interactions: 3, revenue: 0, first: at(6), last: at(2) } },
      ].sort((a, b) => (a.key[0]! < b.key[0]! ? -1 : 1));
      expect(rows).toEqual(expected);
      expect(rows[0]!.values.first).toBeInstanceOf(Date);
    });

    it('only purchases: count, sum, min and max of the amount per customer', async () => {
      const h = harness();
      const { ada, bob } = await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({
        where: { field: 'kind', op: 'eq', value: 'purchase' },
        groupBy: ['customerId'],
        measures: [
          { name: 'orders', fn: 'count' },
          { name: 'total', fn: 'sum', field: 'purchase.amount' },
          { name: 'smallest', fn: 'min', field: 'purchase.amount' },
          { name: 'largest', fn: 'max', field: 'purchase.amount' },
        ],
      });
      expect(rows).toEqual(
        [
          { key: [ada.id], values: { orders: 2, total: 3500, smallest: 1000, largest: 2500 } },
          { key: [bob.id], values: { orders: 1, total: 700, smallest: 700, largest: 700 } },
        ].sort((a, b) => (a.key[0]! < b.key[0]! ? -1 : 1)),
      );
    });

    it('without groupBy: one row for the whole collection', async () => {
      const h = harness();
      await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({
        groupBy: [],
        measures: [
          { name: 'n', fn: 'count' },
          { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
        ],
      });
      expect(rows).toEqual([{ key: [], values: { n: 8, revenue: 4900 } }]);
    });

    it('without groupBy over no records: no row', async () => {
      const h = harness();
      const rows = await h.crm.interactions.aggregate({ groupBy: [], measures: [{ name: 'n', fn: 'count' }] });
      expect(rows).toEqual([]);
    });

    it('groups by two fields, rows ordered by the first key, then the second', async () => {
      const h = harness();
      await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({ groupBy: ['channel', 'kind'], measures: [{ name: 'n', fn: 'count' }] });
      expect(rows).toEqual([
        { key: ['email', 'message'], values: { n: 3 } },
        { key: ['email', 'survey_response'], values: { n: 1 } },
        { key: ['in_person', 'purchase'], values: { n: 1 } },
        { key: ['in_person', 'refund'], values: { n: 1 } },
        { key: ['web', 'purchase'], values: { n: 2 } },
      ]);
    });

    it('groups by an optional field: absent values form one group with a null key, ordered first', async () => {
      const h = harness();
      await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({ groupBy: ['ownerId'], measures: [{ name: 'n', fn: 'count' }] });
      expect(rows).toEqual([
        { key: [null], values: { n: 7 } },
        { key: ['u1'], values: { n: 1 } },
      ]);
    });

    it('groups customers by a custom boolean: null, false, true', async () => {
      const h = harness();
      await seedTimelines(h);
      const rows = await h.crm.customers.aggregate({ groupBy: ['custom.vip'], measures: [{ name: 'n', fn: 'count' }] });
      expect(rows).toEqual([
        { key: [null], values: { n: 1 } },
        { key: [false], values: { n: 1 } },
        { key: [true], values: { n: 1 } },
      ]);
    });

    it('groups by a date field: keys are Dates', async () => {
      const h = harness();
      const { at } = await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({
        where: { field: 'kind', op: 'eq', value: 'purchase' },
        groupBy: ['occurredAt'],
        measures: [{ name: 'n', fn: 'count' }],
      });
      expect(rows.map((r) => r.key[0])).toEqual([at(100), at(40), at(10)]);
      expect(rows[0]!.key[0]).toBeInstanceOf(Date);
    });

    it('sum over records where the field is absent is 0; min and max over none are null', async () => {
      const h = harness();
      const { cy } = await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({
        where: { field: 'customerId', op: 'eq', value: cy.id },
        groupBy: ['customerId'],
        measures: [
          { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
          { name: 'smallest', fn: 'min', field: 'purchase.amount' },
          { name: 'largest', fn: 'max', field: 'purchase.amount' },
          { name: 'firstOrder', fn: 'min', field: 'purchase.orderId' },
        ],
      });
      expect(rows).toEqual([{ key: [cy.id], values: { revenue: 0, smallest: null, largest: null, firstOrder: null } }]);
    });

    it('count with a field counts the records where it is present', async () => {
      const h = harness();
      const { ada, bob, cy } = await seedTimelines(h);
      const rows = await h.crm.interactions.aggregate({
        groupBy: ['customerId'],
        measures: [
          { name: 'withSubject', fn: 'count', field: 'subject' },
          { name: 'withSurvey', fn: 'count', field: 'survey.score' },
        ],
      });
      const byCustomer = Object.fromEntries(rows.map((r) => [r.key[0] as string, r.values]));
      expect(byCustomer[ada.id]).toEqual({ withSubject: 1, withSurvey: 0 });
      expect(byCustomer[bob.id]).toEqual({ withSubject: 0, withSurvey: 0 });
      expect(byCustomer[cy.id]).toEqual({ withSubject: 1, withSurvey: 1 });
    });

    it('min and max of strings compare by code point', async () => {
      const h = harness();
      await seedCustomers(h.crm);
      const rows = await h.crm.customers.aggregate({
        groupBy: [],
        measures: [
          { name: 'first', fn: 'min', field: 'name' },
          { name: 'last', fn: 'max', field: 'name' },
          { name: 'lowNote', fn: 'min', field: 'custom.note' },
        ],
      });
      expect(rows).toEqual([{ key: [], values: { first: 'Ada Lovelace', last: '😀 Emoji Co', lowNote: '' } }]);
    });

    it('sums negative and fractional numbers', async () => {
      const h = harness();
      await seedCustomers(h.crm);
      const rows = await h.crm.customers.aggregate({
        where: { field: 'custom.score', op: 'lt', value: 100 },
        groupBy: [],
        measures: [
          { name: 'total', fn: 'sum', field: 'custom.score' },
          { name: 'low', fn: 'min', field: 'custom.score' },
        ],
      });
      expect(rows).toEqual([{ key: [], values: { total: 90 + 75.5 - 3 + 0, low: -3 } }]);
    });

    it('a relative date in the filter is resolved against the crm’s clock', async () => {
      const h = harness();
      const { ada, cy } = await seedTimelines(h);
      const recent = {
        where: { field: 'occurredAt', op: 'gte', value: ago({ days: 30 }) },
        groupBy: ['customerId'],
        measures: [{ name: 'n', fn: 'count' }],
      } as const satisfies AggregateOptions;
      const byCustomer = (rows: Awaited<ReturnType<typeof h.crm.interactions.aggregate>>) => Object.fromEntries(rows.map((r) => [r.key[0] as string, r.values.n]));
      expect(byCustomer(await h.crm.interactions.aggregate(recent))).toEqual({ [ada.id]: 2, [cy.id]: 3 });
      h.clock.advance(25 * day); // Ada: 35, 65 and 26 days ago; Cy: 30 (exactly), 31 and 27 days ago
      expect(byCustomer(await h.crm.interactions.aggregate(recent))).toEqual({ [ada.id]: 1, [cy.id]: 2 });
      h.clock.advance(1); // one millisecond later, Cy's message of exactly 30 days ago falls out
      expect(byCustomer(await h.crm.interactions.aggregate(recent))).toEqual({ [ada.id]: 1, [cy.id]: 1 });
    });

    it('rows are ordered by key: strings by code point, absent first', async () => {
      const h = harness();
      await seedCustomers(h.crm);
      const rows = await h.crm.customers.aggregate({ groupBy: ['custom.tier'], measures: [{ name: 'n', fn: 'count' }] });
      expect(rows).toEqual([
        { key: [null], values: { n: 4 } },
        { key: ['bronze'], values: { n: 1 } },
        { key: ['gold'], values: { n: 2 } },
        { key: ['silver'], values: { n: 1 } },
      ]);
    });

    it('aggregateStream yields the same rows as aggregate', async () => {
      const h = harness();
      await seedTimelines(h);
      const options = { groupBy: ['kind'], measures: [{ name: 'n', fn: 'count' }] } as const satisfies AggregateOptions;
      const streamed = [];
      for await (const row of h.crm.interactions.aggregateStream(options)) streamed.push(row);
      expect(streamed).toEqual(await h.crm.interactions.aggregate(options));
    });

    it.each([
      ['an unknown groupBy field', { groupBy: ['nope'], measures: [{ name: 'n', fn: 'count' }] }],
      ['a groupBy on a string array', { groupBy: ['tags'], measures: [{ name: 'n', fn: 'count' }] }],
      ['a groupBy field with SQL in it', { groupBy: ['name; DROP TABLE customers'], measures: [{ name: 'n', fn: 'count' }] }],
      ['a groupBy field __proto__', { groupBy: ['__proto__'], measures: [{ name: 'n', fn: 'count' }] }],
      ['a groupBy that is not an array', { groupBy: 'name', measures: [{ name: 'n', fn: 'count' }] }],
      ['measures that are not an array', { groupBy: [], measures: { name: 'n', fn: 'count' } }],
      ['an unknown function', { groupBy: [], measures: [{ name: 'n', fn: 'avg', field: 'custom.score' }] }],
      ['sum of a string field', { groupBy: [], measures: [{ name: 'n', fn: 'sum', field: 'name' }] }],
      ['sum of a date field', { groupBy: [], measures: [{ name: 'n', fn: 'sum', field: 'createdAt' }] }],
      ['max of a boolean field', { groupBy: [], measures: [{ name: 'n', fn: 'max', field: 'custom.vip' }] }],
      ['sum without a field', { groupBy: [], measures: [{ name: 'n', fn: 'sum' }] }],
      ['a measure of an unknown field', { groupBy: [], measures: [{ name: 'n', fn: 'min', field: 'nope' }] }],
      ['two measures with one name', { groupBy: [], measures: [{ name: 'n', fn: 'count' }, { name: 'n', fn: 'sum', field: 'custom.score' }] }],
      ['a measure with an empty name', { groupBy: [], measures: [{ name: '', fn: 'count' }] }],
      ['a bad filter', { where: { field: 'nope', op: 'eq', value: 1 }, groupBy: [], measures: [{ name: 'n', fn: 'count' }] }],
    ] as const)('%s is rejected with invalid_query', async (_title, options) => {
      const h = harness();
      await h.crm.customers.create({ name: 'Ada' });
      await expectCrmError(h.crm.customers.aggregate(options as unknown as AggregateOptions), 'invalid_query');
    });
  });
}
