import { afterAll, describe, expect, it } from 'vitest';
import { aggregateRecords, compareRecords, compileFilter, type AggregateQuery, type SortKey, type StorageFilter, type AggregateRow, type StoredRecord } from '../../src/storage/index.js';
import { dialectTargets } from './dialect-targets.js';
import { customersSchema, storedCustomer } from './stored-schema.js';

// The core keeps stored dates within years 0001..9999 (UTC). Day and week buckets at both ends of
// that range and before 1970 must agree with the core's dateBucketStart, ordering included, for a
// date in a real column (occurredAt) and one in the ext JSON (custom.at).
const schema = customersSchema(
  { occurredAt: { type: 'date', optional: true }, 'custom.at': { type: 'date', optional: true } },
  'interactions',
);

const instants = [
  '0001-01-01T00:00:00.000Z', // a Monday: its own week starts it
  '0001-01-01T00:00:00.001Z',
  '0001-01-07T23:59:59.999Z', // the Sunday ending that week
  '0001-01-08T00:00:00.000Z',
  '0001-12-31T12:00:00.000Z',
  '1600-02-29T23:59:59.999Z',
  '1969-12-28T23:59:59.999Z', // a Sunday
  '1969-12-29T00:00:00.000Z', // the Monday of the week holding 1970-01-01
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '1970-01-04T23:59:59.999Z',
  '1970-01-05T00:00:00.000Z',
  '2024-12-29T23:59:59.999Z',
  '9999-12-27T00:00:00.000Z', // the Monday of the last week
  '9999-12-31T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z', // a Friday: the last instant of the range
];

const records: StoredRecord[] = [
  ...instants.map((iso, i) => storedCustomer(`r${String(i).padStart(2, '0')}`, { occurredAt: new Date(iso), custom: { at: new Date(iso) } })),
  storedCustomer('absent', {}),
];

const queries: AggregateQuery[] = ['occurredAt', 'custom.at'].flatMap((field) =>
  (['day', 'week'] as const).flatMap((bucket): AggregateQuery[] => [
    {
      groupBy: [{ field, bucket }],
      measures: [
        { name: 'n', fn: 'count' },
        { name: 'first', fn: 'min', field },
        { name: 'last', fn: 'max', field },
      ],
    },
    { groupBy: ['name', { field, bucket }], measures: [{ name: 'n', fn: 'count' }] },
    { groupBy: [{ field, bucket }, 'name'], measures: [{ name: 'n', fn: 'count' }] },
  ]),
);

describe('day and week buckets at the ends of years 0001..9999 agree with the core on every dialect', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it(`${target.name}: the same bucket starts, in the same order, as aggregateRecords`, async () => {
      const adapter = await target.create();
      try {
        await adapter.open(schema);
        await adapter.insertMany('interactions', records);
        for (const query of queries) {
          const rows: AggregateRow[] = [];
          for await (const row of adapter.aggregate!('interactions', query)) rows.push(row);
          const expected = await aggregateRecords([records], query);
          expect(rows, JSON.stringify(query.groupBy)).toEqual(expected);
        }
        for (const field of ['occurredAt', 'custom.at']) {
          for (const direction of ['asc', 'desc'] as const) {
            const sort: SortKey[] = [{ field, direction }, { field: 'id', direction }];
            const filter: StorageFilter = { or: [{ field, op: 'lt', value: new Date('0001-01-02T00:00:00.000Z') }, { field, op: 'gte', value: new Date('9999-12-31T00:00:00.000Z') }] };
            const found = await adapter.find('interactions', { filter, sort });
            expect(found.map((r) => r.id), `${field} ${direction}`).toEqual(records.filter(compileFilter(filter)).sort(compareRecords(sort)).map((r) => r.id));
            expect(found.length).toBe(4);
          }
        }
        const weeks: AggregateRow[] = [];
        for await (const row of adapter.aggregate!('interactions', queries[3]!)) weeks.push(row);
        expect(weeks.map((row) => (row.key[0] as Date | null)?.toISOString() ?? null).slice(0, 4)).toEqual([
          null,
          '0001-01-01T00:00:00.000Z',
          '0001-01-08T00:00:00.000Z',
          '0001-12-31T00:00:00.000Z',
        ]);
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
