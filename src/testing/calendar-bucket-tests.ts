import { describe, expect, it } from './conformance-runner.js';
import type { ConformanceHarness } from './conformance-harness.js';

const d = (iso: string) => new Date(iso);

/** Purchases at the edges of months, quarters and years, in UTC and in Berlin (UTC+1 in winter, +2 in summer). */
const purchases = [
  { at: '2023-12-31T22:59:59.999Z', amount: 1 }, // Berlin: 2023-12-31 23:59:59.999
  { at: '2023-12-31T23:00:00.000Z', amount: 2 }, // Berlin: 2024-01-01 00:00, UTC: still 2023
  { at: '2024-01-31T23:59:59.999Z', amount: 4 }, // UTC: last instant of January; Berlin: 1 February
  { at: '2024-03-31T21:59:59.999Z', amount: 8 }, // Berlin (summer time): 2024-03-31 23:59:59.999, last of Q1
  { at: '2024-03-31T22:00:00.000Z', amount: 16 }, // Berlin: 2024-04-01 00:00, Q2; UTC: still Q1
  { at: '2024-02-29T12:00:00.000Z', amount: 32 }, // a leap day
  { at: '1969-12-31T23:59:59.999Z', amount: 64 }, // before the epoch
] as const;

async function seed(h: ConformanceHarness) {
  const ada = await h.crm.customers.create({ name: 'Ada' });
  await h.crm.interactions.createMany(
    purchases.map((p, i) => ({
      customerId: ada.id,
      channel: 'web' as const,
      kind: 'purchase' as const,
      occurredAt: d(p.at),
      purchase: { orderId: `c${i}`, amount: p.amount, currency: 'EUR', lineItems: [] },
    })),
  );
}

const measures = [{ name: 'spend', fn: 'sum', field: 'purchase.amount' }] as const;
const rows = (pairs: readonly (readonly [string, number])[]) => pairs.map(([start, spend]) => ({ key: [d(start)], values: { spend } }));

/** Month, quarter and year buckets in UTC and in a zone with summer time: the same rows on every adapter. @internal */
export function defineCalendarBucketTests(harness: () => ConformanceHarness): void {
  describe('calendar-buckets', () => {
    const agg = (h: ConformanceHarness, bucket: 'month' | 'quarter' | 'year', timeZone?: string) =>
      h.crm.interactions.aggregate({ groupBy: [{ field: 'occurredAt', bucket }], measures, ...(timeZone === undefined ? {} : { timeZone }) });

    it('months in UTC: the last millisecond of a month stays in it, a leap day is February', async () => {
      const h = harness();
      await seed(h);
      expect(await agg(h, 'month')).toEqual(
        rows([['1969-12-01T00:00:00.000Z', 64], ['2023-12-01T00:00:00.000Z', 3], ['2024-01-01T00:00:00.000Z', 4], ['2024-02-01T00:00:00.000Z', 32], ['2024-03-01T00:00:00.000Z', 24]]),
      );
    });

    it('months in Europe/Berlin start at local midnight (23:00 or 22:00 UTC)', async () => {
      const h = harness();
      await seed(h);
      expect(await agg(h, 'month', 'Europe/Berlin')).toEqual(
        rows([['1969-12-31T23:00:00.000Z', 64], ['2023-11-30T23:00:00.000Z', 1], ['2023-12-31T23:00:00.000Z', 2], ['2024-01-31T23:00:00.000Z', 36], ['2024-02-29T23:00:00.000Z', 8], ['2024-03-31T22:00:00.000Z', 16]]),
      );
    });

    it('quarters: January, April, July, October, in UTC and in Berlin', async () => {
      const h = harness();
      await seed(h);
      expect(await agg(h, 'quarter')).toEqual(rows([['1969-10-01T00:00:00.000Z', 64], ['2023-10-01T00:00:00.000Z', 3], ['2024-01-01T00:00:00.000Z', 60]]));
      expect(await agg(h, 'quarter', 'Europe/Berlin')).toEqual(
        rows([['1969-12-31T23:00:00.000Z', 64], ['2023-09-30T22:00:00.000Z', 1], ['2023-12-31T23:00:00.000Z', 46], ['2024-03-31T22:00:00.000Z', 16]]),
      );
    });

    it('years, in UTC and in Berlin', async () => {
      const h = harness();
      await seed(h);
      expect(await agg(h, 'year')).toEqual(rows([['1969-01-01T00:00:00.000Z', 64], ['2023-01-01T00:00:00.000Z', 3], ['2024-01-01T00:00:00.000Z', 60]]));
      expect(await agg(h, 'year', 'Europe/Berlin')).toEqual(
        rows([['1969-12-31T23:00:00.000Z', 64], ['2022-12-31T23:00:00.000Z', 1], ['2023-12-31T23:00:00.000Z', 62]]),
      );
    });
  });
}
