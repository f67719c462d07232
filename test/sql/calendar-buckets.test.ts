import { afterAll, describe, expect, it } from 'vitest';
import type { AggregateQuery, AggregateRow, StoredRecord } from '../../src/storage/index.js';
import { dialectTargets } from './dialect-targets.js';
import { customersSchema, storedCustomer } from './stored-schema.js';

// month, quarter and year buckets (UTC) pushed down to SQL: a month starts on the 1st at 00:00,
// a quarter on January, April, July or October 1st, a year on January 1st; across years
// 0001..9999, before 1970, and at every edge of a bucket.
const schema = customersSchema({ occurredAt: { type: 'date', optional: true } }, 'interactions');
const instants = [
  '0001-01-01T00:00:00.000Z',
  '0001-03-31T23:59:59.999Z',
  '0001-04-01T00:00:00.000Z',
  '0400-02-29T12:00:00.000Z',
  '1600-12-31T23:59:59.999Z',
  '1900-03-01T00:00:00.000Z',
  '1969-09-30T23:59:59.999Z',
  '1969-10-01T00:00:00.000Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '1970-01-31T23:59:59.999Z',
  '2024-02-29T23:59:59.999Z',
  '2024-06-30T23:59:59.999Z',
  '2024-07-01T00:00:00.001Z',
  '2025-11-15T08:30:00.000Z',
  '9999-10-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
];
const records: StoredRecord[] = [
  ...instants.map((iso, i) => storedCustomer(`r${String(i).padStart(2, '0')}`, { occurredAt: new Date(iso) })),
  storedCustomer('absent', {}),
];
type Unit = 'month' | 'quarter' | 'year';

/** The reference: the UTC calendar start of the unit holding `at`. */
function calendarStart(at: Date, unit: Unit): Date {
  const month = at.getUTCMonth();
  const start = new Date(0);
  start.setUTCFullYear(at.getUTCFullYear(), unit === 'year' ? 0 : unit === 'quarter' ? month - (month % 3) : month, 1);
  return start;
}

describe('month, quarter and year buckets agree with the calendar on every dialect', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it(`${target.name}: bucket starts, counts and order`, async () => {
      const adapter = await target.create();
      try {
        await adapter.open(schema);
        expect(adapter.capabilities.calendarBuckets).toBe(true);
        await adapter.insertMany('interactions', records);
        for (const unit of ['month', 'quarter', 'year'] as const) {
          // DateBucket gains these members with the core's calendar buckets; until then, a cast.
          const query = { groupBy: [{ field: 'occurredAt', bucket: unit }], measures: [{ name: 'n', fn: 'count' }] } as unknown as AggregateQuery;
          const rows: AggregateRow[] = [];
          for await (const row of adapter.aggregate!('interactions', query)) rows.push(row);
          const counts = new Map<number, number>();
          for (const iso of instants) {
            const start = calendarStart(new Date(iso), unit).getTime();
            counts.set(start, (counts.get(start) ?? 0) + 1);
          }
          const expected = [
            { key: [null], values: { n: 1 } },
            ...[...counts].sort(([a], [b]) => a - b).map(([start, n]) => ({ key: [new Date(start)], values: { n } })),
          ];
          expect(rows, unit).toEqual(expected);
        }
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
