import { describe, expect, it } from './conformance-runner.js';
import type { AggregateGroupKey } from '../storage/aggregate-query.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { expectCrmError } from './expect-crm-error.js';

const d = (iso: string) => new Date(iso);

/**
 * Purchases (amount in brackets) around the edges of UTC days and ISO weeks,
 * and before 1970, for two customers, plus one message that filters leave out.
 * 2024-12-30 and 1969-12-29 are Mondays; 1970-01-01 was a Thursday.
 */
const purchases = [
  { who: 'ada', at: '2024-12-29T23:59:59.999Z', amount: 1 }, // Sunday, last instant of the week of 2024-12-23
  { who: 'ada', at: '2024-12-30T00:00:00.000Z', amount: 2 }, // Monday 00:00
  { who: 'bob', at: '2024-12-30T00:00:00.001Z', amount: 4 },
  { who: 'ada', at: '2024-12-31T23:59:59.999Z', amount: 8 },
  { who: 'bob', at: '2025-01-01T00:00:00.000Z', amount: 16 },
  { who: 'bob', at: '1969-12-28T23:59:59.999Z', amount: 32 }, // Sunday before 1970
  { who: 'ada', at: '1969-12-29T00:00:00.000Z', amount: 64 }, // Monday before 1970
  { who: 'ada', at: '1969-12-31T23:59:59.999Z', amount: 128 }, // the last instant before the epoch
  { who: 'bob', at: '1970-01-01T00:00:00.000Z', amount: 256 }, // the epoch, a Thursday: same ISO week as the 29th
  { who: 'bob', at: '1901-03-04T13:00:00.000Z', amount: 512 }, // long before 1970 (a Monday)
] as const;

async function seedPurchases(harness: ConformanceHarness) {
  const { crm } = harness;
  const [ada, bob] = await crm.customers.createMany([{ name: 'Ada' }, { name: 'Bob' }]);
  const ids = { ada: ada!.id, bob: bob!.id };
  await crm.interactions.createMany([
    ...purchases.map((p, i) => ({
      customerId: ids[p.who],
      channel: 'web' as const,
      kind: 'purchase' as const,
      occurredAt: d(p.at),
      purchase: { orderId: `o${i}`, amount: p.amount, currency: 'EUR', lineItems: [] },
    })),
    { customerId: ids.ada, channel: 'email' as const, kind: 'message' as const, occurredAt: d('2024-12-30T12:00:00.000Z'), subject: 'hi' },
  ]);
  return ids;
}

const measures = [
  { name: 'orders', fn: 'count' },
  { name: 'spend', fn: 'sum', field: 'purchase.amount' },
  { name: 'first', fn: 'min', field: 'occurredAt' },
  { name: 'last', fn: 'max', field: 'occurredAt' },
] as const;

const row = (key: readonly (string | Date | null)[], orders: number, spend: number, first: string, last: string) => ({
  key,
  values: { orders, spend, first: d(first), last: d(last) },
});

/** Aggregates grouped by UTC day and ISO week buckets of date fields: the same rows on every adapter. @internal */
export function defineAggregateBucketTests(harness: () => ConformanceHarness): void {
  describe('aggregate-buckets', () => {
    const onlyPurchases = { field: 'kind', op: 'eq', value: 'purchase' } as const;

    it('groups by UTC day: edges of midnight and instants before 1970 fall on the right day, days in order', async () => {
      const h = harness();
      await seedPurchases(h);
      const rows = await h.crm.interactions.aggregate({ where: onlyPurchases, groupBy: [{ field: 'occurredAt', bucket: 'day' }], measures });
      expect(rows).toEqual([
        row([d('1901-03-04T00:00:00.000Z')], 1, 512, '1901-03-04T13:00:00.000Z', '1901-03-04T13:00:00.000Z'),
        row([d('1969-12-28T00:00:00.000Z')], 1, 32, '1969-12-28T23:59:59.999Z', '1969-12-28T23:59:59.999Z'),
        row([d('1969-12-29T00:00:00.000Z')], 1, 64, '1969-12-29T00:00:00.000Z', '1969-12-29T00:00:00.000Z'),
        row([d('1969-12-31T00:00:00.000Z')], 1, 128, '1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'),
        row([d('1970-01-01T00:00:00.000Z')], 1, 256, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'),
        row([d('2024-12-29T00:00:00.000Z')], 1, 1, '2024-12-29T23:59:59.999Z', '2024-12-29T23:59:59.999Z'),
        row([d('2024-12-30T00:00:00.000Z')], 2, 6, '2024-12-30T00:00:00.000Z', '2024-12-30T00:00:00.001Z'),
        row([d('2024-12-31T00:00:00.000Z')], 1, 8, '2024-12-31T23:59:59.999Z', '2024-12-31T23:59:59.999Z'),
        row([d('2025-01-01T00:00:00.000Z')], 1, 16, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
      ]);
      expect(rows[0]!.key[0]).toBeInstanceOf(Date);
    });

    it('groups by ISO week starting Monday 00:00 UTC, before and after 1970', async () => {
      const h = harness();
      await seedPurchases(h);
      const rows = await h.crm.interactions.aggregate({ where: onlyPurchases, groupBy: [{ field: 'occurredAt', bucket: 'week' }], measures });
      expect(rows).toEqual([
        row([d('1901-03-04T00:00:00.000Z')], 1, 512, '1901-03-04T13:00:00.000Z', '1901-03-04T13:00:00.000Z'),
        row([d('1969-12-22T00:00:00.000Z')], 1, 32, '1969-12-28T23:59:59.999Z', '1969-12-28T23:59:59.999Z'),
        row([d('1969-12-29T00:00:00.000Z')], 3, 448, '1969-12-29T00:00:00.000Z', '1970-01-01T00:00:00.000Z'),
        row([d('2024-12-23T00:00:00.000Z')], 1, 1, '2024-12-29T23:59:59.999Z', '2024-12-29T23:59:59.999Z'),
        row([d('2024-12-30T00:00:00.000Z')], 4, 30, '2024-12-30T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
      ]);
    });

    it('per customer and week, with a filter: ordered by customer, then week', async () => {
      const h = harness();
      const ids = await seedPurchases(h);
      const rows = await h.crm.interactions.aggregate({
        where: { and: [onlyPurchases, { field: 'occurredAt', op: 'gte', value: d('1969-12-01T00:00:00.000Z') }] },
        groupBy: ['customerId', { field: 'occurredAt', bucket: 'week' }],
        measures,
      });
      const expected = [
        row([ids.ada, d('1969-12-29T00:00:00.000Z')], 2, 192, '1969-12-29T00:00:00.000Z', '1969-12-31T23:59:59.999Z'),
        row([ids.ada, d('2024-12-23T00:00:00.000Z')], 1, 1, '2024-12-29T23:59:59.999Z', '2024-12-29T23:59:59.999Z'),
        row([ids.ada, d('2024-12-30T00:00:00.000Z')], 2, 10, '2024-12-30T00:00:00.000Z', '2024-12-31T23:59:59.999Z'),
        row([ids.bob, d('1969-12-22T00:00:00.000Z')], 1, 32, '1969-12-28T23:59:59.999Z', '1969-12-28T23:59:59.999Z'),
        row([ids.bob, d('1969-12-29T00:00:00.000Z')], 1, 256, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'),
        row([ids.bob, d('2024-12-30T00:00:00.000Z')], 2, 20, '2024-12-30T00:00:00.001Z', '2025-01-01T00:00:00.000Z'),
      ];
      expect(rows).toEqual(ids.ada < ids.bob ? expected : [...expected.slice(3), ...expected.slice(0, 3)]);
    });

    it('per day and customer: ordered by day, then customer', async () => {
      const h = harness();
      const ids = await seedPurchases(h);
      const rows = await h.crm.interactions.aggregate({
        where: { field: 'occurredAt', op: 'gte', value: d('2024-12-30T00:00:00.000Z') },
        groupBy: [{ field: 'occurredAt', bucket: 'day' }, 'customerId'],
        measures: [{ name: 'n', fn: 'count' }, { name: 'spend', fn: 'sum', field: 'purchase.amount' }],
      });
      const [first, second] = ids.ada < ids.bob ? [ids.ada, ids.bob] : [ids.bob, ids.ada];
      const monday = d('2024-12-30T00:00:00.000Z');
      const spendOn = (id: string) => (id === ids.ada ? { n: 2, spend: 2 } : { n: 1, spend: 4 }); // ada's message counts, adds nothing
      expect(rows).toEqual([
        { key: [monday, first], values: spendOn(first) },
        { key: [monday, second], values: spendOn(second) },
        { key: [d('2024-12-31T00:00:00.000Z'), ids.ada], values: { n: 1, spend: 8 } },
        { key: [d('2025-01-01T00:00:00.000Z'), ids.bob], values: { n: 1, spend: 16 } },
      ]);
    });

    it('absent dates group under a null key, first; custom date fields bucket too', async () => {
      const h = harness();
      const { crm } = h;
      await crm.customers.createMany([
        { name: 'A', custom: { since: d('2020-01-05T23:59:59.999Z') } }, // a Sunday
        { name: 'B', custom: { since: d('2020-01-06T00:00:00.000Z') } }, // the Monday after
        { name: 'C' },
        { name: 'D', custom: { since: d('1969-12-31T23:59:59.999Z') } },
        { name: 'E', custom: { score: 1 } },
      ]);
      const day = await crm.customers.aggregate({ groupBy: [{ field: 'custom.since', bucket: 'day' }], measures: [{ name: 'n', fn: 'count' }] });
      expect(day).toEqual([
        { key: [null], values: { n: 2 } },
        { key: [d('1969-12-31T00:00:00.000Z')], values: { n: 1 } },
        { key: [d('2020-01-05T00:00:00.000Z')], values: { n: 1 } },
        { key: [d('2020-01-06T00:00:00.000Z')], values: { n: 1 } },
      ]);
      const week = await crm.customers.aggregate({
        where: { field: 'name', op: 'ne', value: 'E' },
        groupBy: [{ field: 'custom.since', bucket: 'week' }, 'name'],
        measures: [{ name: 'n', fn: 'count' }],
      });
      expect(week).toEqual([
        { key: [null, 'C'], values: { n: 1 } },
        { key: [d('1969-12-29T00:00:00.000Z'), 'D'], values: { n: 1 } },
        { key: [d('2019-12-30T00:00:00.000Z'), 'A'], values: { n: 1 } },
        { key: [d('2020-01-06T00:00:00.000Z'), 'B'], values: { n: 1 } },
      ]);
    });

    it('a plain date key keeps the instant; a bucket of a managed date works the same', async () => {
      const h = harness();
      await seedPurchases(h);
      const plain = await h.crm.interactions.aggregate({ where: onlyPurchases, groupBy: ['occurredAt'], measures: [{ name: 'n', fn: 'count' }] });
      expect(plain).toHaveLength(purchases.length);
      expect(plain[0]!.key).toEqual([d('1901-03-04T13:00:00.000Z')]);
      const created = await h.crm.interactions.aggregate({ groupBy: [{ field: 'createdAt', bucket: 'day' }], measures: [{ name: 'n', fn: 'count' }] });
      expect(created).toEqual([{ key: [d('2025-01-01T00:00:00.000Z')], values: { n: purchases.length + 1 } }]);
    });

    it('rejects buckets on non-dates, unknown buckets and malformed keys with invalid_query', async () => {
      const h = harness();
      await seedPurchases(h);
      const cases: [unknown, (string | number)[]][] = [
        [{ field: 'purchase.amount', bucket: 'day' }, ['groupBy', 0, 'bucket']],
        [{ field: 'customerId', bucket: 'week' }, ['groupBy', 0, 'bucket']],
        [{ field: 'occurredAt', bucket: 'hour' }, ['groupBy', 0, 'bucket']],
        [{ field: 'occurredAt', bucket: 'DAY' }, ['groupBy', 0, 'bucket']],
        [{ field: 'occurredAt' }, ['groupBy', 0, 'bucket']],
        [{ bucket: 'day' }, ['groupBy', 0, 'field']],
        [{ field: 'nope', bucket: 'day' }, ['groupBy', 0, 'field']],
        [{ field: 'subject', bucket: 'day' }, ['groupBy', 0, 'bucket']],
      ];
      for (const [key, path] of cases) {
        const error = await expectCrmError(
          () => h.crm.interactions.aggregate({ groupBy: [key as AggregateGroupKey], measures: [{ name: 'n', fn: 'count' }] }),
          'invalid_query',
        );
        expect(error.issues.map((issue) => issue.path), JSON.stringify(key)).toEqual([path]);
      }
      const error = await expectCrmError(
        () => h.crm.interactions.aggregate({ groupBy: ['customerId', null as unknown as AggregateGroupKey], measures: [{ name: 'n', fn: 'count' }] }),
        'invalid_query',
      );
      expect(error.issues[0]!.path).toEqual(['groupBy', 1]);
    });
  });
}
