import { fc, test } from '@fast-check/vitest';
import { TZDate } from '@date-fns/tz';
import { startOfDay, startOfISOWeek } from 'date-fns';
import { expect } from 'vitest';
import { createCrm, type AggregateRow, type CrmAdapter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

/**
 * Differential test of calendar buckets in the crm's time zone: random purchases
 * around clock changes, random zones (with DST, half-hour and 45-minute offsets,
 * a skipped midnight), day and week buckets through the crm on memory and on
 * SQLite, compared with an independent reference that buckets with date-fns and
 * `@date-fns/tz` (startOfDay / startOfISOWeek of the local time). The answer
 * must not depend on the adapter, nor on the host process's zone.
 */

const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago'];
const clockChanges = ['2024-03-10T07:00:00Z', '2024-03-31T01:00:00Z', '2024-10-27T01:00:00Z', '2024-11-03T06:00:00Z', '2024-09-08T04:00:00Z', '2024-04-07T02:00:00Z'];

const instant = fc
  .tuple(fc.constantFrom(...clockChanges), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }))
  .map(([change, offset]) => new Date(Date.parse(change) + Math.round(offset / 900_000) * 900_000 + (offset % 7)));

const purchases = fc.array(fc.record({ occurredAt: instant, amount: fc.integer({ min: 0, max: 10_000 }) }), { minLength: 1, maxLength: 30 });

function reference(rows: { occurredAt: Date; amount: number }[], zone: string, bucket: 'day' | 'week'): AggregateRow[] {
  const groups = new Map<number, { n: number; spend: number }>();
  for (const { occurredAt, amount } of rows) {
    const local = new TZDate(occurredAt.getTime(), zone);
    const start = (bucket === 'day' ? startOfDay(local) : startOfISOWeek(local)).getTime();
    const group = groups.get(start) ?? { n: 0, spend: 0 };
    group.n += 1;
    group.spend += amount;
    groups.set(start, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, { n, spend }]) => ({ key: [new Date(start)], values: { n, spend } }));
}

async function bucketed(adapter: CrmAdapter, zone: string, rows: { occurredAt: Date; amount: number }[], bucket: 'day' | 'week') {
  const crm = await createCrm({ adapter, timeZone: zone });
  try {
    const customer = await crm.customers.create({ name: 'Zoned' });
    await crm.interactions.createMany(
      rows.map(({ occurredAt, amount }, i) => ({
        customerId: customer.id,
        channel: 'web' as const,
        kind: 'purchase' as const,
        occurredAt,
        purchase: { orderId: `o${i}`, amount, currency: 'EUR' },
      })),
    );
    return await crm.interactions.aggregate({
      groupBy: [{ field: 'occurredAt', bucket }],
      measures: [
        { name: 'n', fn: 'count' },
        { name: 'spend', fn: 'sum', field: 'purchase.amount' },
      ],
    });
  } finally {
    await crm.close();
  }
}

test.prop([purchases, fc.constantFrom(...zones), fc.constantFrom('day' as const, 'week' as const)], { numRuns: 40 })(
  'day and week buckets in the crm zone agree with date-fns on memory and SQLite',
  async (rows, zone, bucket) => {
    const expected = reference(rows, zone, bucket);
    expect(await bucketed(memoryAdapter(), zone, rows, bucket), `memory ${zone} ${bucket}`).toEqual(expected);
    expect(await bucketed(sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }), zone, rows, bucket), `sqlite ${zone} ${bucket}`).toEqual(expected);
  },
);
