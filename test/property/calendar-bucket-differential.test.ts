import 'fake-indexeddb/auto';
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { indexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { createCrm } from '../../src/crm.js';
import { dateBuckets, dateBucketStart, dateBucketStarter, type CrmAdapter, type DateBucket } from '../../src/storage/index.js';

/**
 * Differential test of date buckets: random instants, buckets and zones go to
 * `dateBucketStart` / `dateBucketStarter` (date-fns on a `TZDate`) and to a plain
 * reference written from `docs/semantics.md` with nothing but `Intl`: the
 * bucket's first local calendar day, and the first instant whose local date is
 * that day or later (a binary search). Then random purchases are aggregated by
 * the crm over memory and over IndexedDB (the core's fallback) and compared
 * with rows grouped by the reference.
 */

const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Sao_Paulo'] as const;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function localDate(ms: number, zone: string): [number, number, number] {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', era: 'short' });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return [Number(parts.year), Number(parts.month), Number(parts.day)];
}

/** The first local day of the bucket holding the local date (y, m, d), as a comparable number. */
function firstDay([y, m, d]: [number, number, number], bucket: DateBucket): number {
  const dayNumber = (yy: number, mm: number, dd: number) => Date.UTC(yy, mm - 1, dd) / DAY;
  switch (bucket) {
    case 'day':
      return dayNumber(y, m, d);
    case 'week': {
      const n = dayNumber(y, m, d);
      return n - ((((n + 3) % 7) + 7) % 7); // 1970-01-01 (day 0) was a Thursday
    }
    case 'month':
      return dayNumber(y, m, 1);
    case 'quarter':
      return dayNumber(y, m - ((m - 1) % 3), 1);
    case 'year':
      return dayNumber(y, 1, 1);
  }
}

function referenceStart(ms: number, bucket: DateBucket, zone: string): number {
  const first = firstDay(localDate(ms, zone), bucket);
  const day = (t: number) => firstDay(localDate(t, zone), 'day');
  let low = ms - 400 * DAY; // local date before `first`
  let high = ms; // local date at or after `first`
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (day(mid) >= first) high = mid;
    else low = mid;
  }
  return high;
}

// From 1970: before a zone adopted a standard offset it kept local mean time, an offset with seconds
// (America/Sao_Paulo: -3:06:28 until 1914), and @date-fns/tz's TZDate puts local midnight of such a
// day minutes away from where Intl does (a known gap, reported; UTC buckets have none).
const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2099, 11, 31) });
const bucket = fc.constantFrom(...dateBuckets);
const zone = fc.constantFrom(...zones);

test.prop([fc.array(instant, { minLength: 1, maxLength: 30 }), bucket, zone], { numRuns: 150 })(
  'dateBucketStart and dateBucketStarter agree with a reference built on Intl alone',
  (instants, b, z) => {
    const starter = dateBucketStarter(b, z);
    // In the order given (the starter's cache then jumps around), then in time order.
    for (const ms of [...instants, ...[...instants].sort((x, y) => x - y)]) {
      const expected = referenceStart(ms, b, z);
      expect(dateBucketStart(ms, b, z), `${new Date(ms).toISOString()} ${b} ${z}`).toBe(expected);
      expect(starter(ms), `${new Date(ms).toISOString()} ${b} ${z} (starter)`).toBe(expected);
    }
  },
);

test('UTC months, quarters and years hold at the ends of the stored range (years 0001 and 9999)', () => {
  const first = Date.parse('0001-01-01T00:00:00.000Z');
  const last = Date.parse('9999-12-31T23:59:59.999Z');
  for (const b of ['month', 'quarter', 'year'] as const) expect(new Date(dateBucketStart(first + 40 * DAY, b)).toISOString()).toMatch(/^0001-0[12]-01T00:00:00.000Z$/);
  expect(new Date(dateBucketStart(last, 'quarter')).toISOString()).toBe('9999-10-01T00:00:00.000Z');
  expect(new Date(dateBucketStart(Date.parse('0050-05-05T05:00:00.000Z'), 'year')).toISOString()).toBe('0050-01-01T00:00:00.000Z');
});

let counter = 0;
const adapters: readonly (() => CrmAdapter)[] = [() => memoryAdapter(), () => indexedDbAdapter({ name: `calendar-buckets-${++counter}` })];

test.prop([fc.array(fc.record({ at: instant, amount: fc.integer({ min: 0, max: 10_000 }) }), { minLength: 1, maxLength: 25 }), bucket, zone], {
  numRuns: 25,
})('aggregates by calendar bucket on memory and IndexedDB give the reference rows', async (purchases, b, z) => {
  const groups = new Map<number, { orders: number; spend: number }>();
  for (const { at, amount } of purchases) {
    const start = referenceStart(at, b, z);
    const group = groups.get(start) ?? { orders: 0, spend: 0 };
    group.orders += 1;
    group.spend += amount;
    groups.set(start, group);
  }
  const expected = [...groups.entries()].sort(([x], [y]) => x - y).map(([start, values]) => ({ key: [new Date(start)], values }));
  for (const make of adapters) {
    const adapter = make();
    const crm = await createCrm({ adapter, timeZone: z });
    const ada = await crm.customers.create({ name: 'Ada' });
    await crm.interactions.createMany(
      purchases.map(({ at, amount }, i) => ({
        customerId: ada.id,
        channel: 'web' as const,
        kind: 'purchase' as const,
        occurredAt: new Date(at),
        purchase: { orderId: `o${i}`, amount, currency: 'EUR', lineItems: [] },
      })),
    );
    const rows = await crm.interactions.aggregate({
      groupBy: [{ field: 'occurredAt', bucket: b }],
      measures: [
        { name: 'orders', fn: 'count' },
        { name: 'spend', fn: 'sum', field: 'purchase.amount' },
      ],
    });
    expect(rows, `${adapter.name} ${b} ${z}`).toEqual(expected);
    await adapter.close();
  }
});
