import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCrmError, type AggregateQuery, type AggregateRow, type StoredRecord } from '../../src/storage/index.js';
import type { SqlAdapter } from 'crmkit/sql';
import { dialectTargets } from './dialect-targets.js';
import { customersSchema, storedCustomer } from './stored-schema.js';

// `purchase.amount` is a real DOUBLE column, `custom.score` lives in the ext JSON: both are read exactly.
const schema = customersSchema(
  { 'purchase.amount': { type: 'number', optional: true }, 'custom.score': { type: 'number', optional: true }, 'custom.group': { type: 'string', optional: true } },
  'interactions',
);
const max = Number.MAX_SAFE_INTEGER;

const near = (id: string, value: number) => storedCustomer(id, { purchase: { amount: value }, custom: { score: value, group: 'near' } });
const nearRecords = [near('n1', 99.99999999999999), near('n2', 100), near('n3', 0.30000000000000004), near('n4', 0.3), near('n5', 100)];

async function rowsOf(adapter: SqlAdapter, query: AggregateQuery): Promise<AggregateRow[]> {
  const rows: AggregateRow[] = [];
  for await (const row of adapter.aggregate!('interactions', query)) rows.push(row);
  return rows;
}

const total = (field: string): AggregateQuery => ({ groupBy: [], measures: [{ name: 'total', fn: 'sum', field }] });

/** Sums over these values, inserted in several orders, on both storages. */
const sums: [title: string, values: number[], expected: number | 'out_of_range'][] = [
  ['integers crossing 2^53 sum exactly whatever the order', [max, 1, 1, -max], 2],
  ['negative integers crossing -2^53 sum exactly', [-max, -1, -1, max], -2],
  ['fractions are added to the exact integer total', [max - 3, 0.5, 0.25, 1], max - 2 + 0.75],
  ['a total beyond the safe range is out_of_range', [max, 1], 'out_of_range'],
  ['a negative total beyond the safe range is out_of_range', [-max, -1], 'out_of_range'],
  ['a value beyond the safe range is out_of_range', [2 ** 53, -(2 ** 53)], 'out_of_range'],
  ['MAX_VALUE twice is out_of_range, not Infinity, 0 or a driver error', [Number.MAX_VALUE, Number.MAX_VALUE], 'out_of_range'],
  ['-MAX_VALUE is out_of_range', [-Number.MAX_VALUE, 1], 'out_of_range'],
  ['many integers of the largest size overflow no 64-bit integer', [...Array(1100).fill(max), ...Array(1100).fill(-max), 7], 7],
  ['no values sum to 0', [], 0],
];

describe('numbers are read and summed exactly on every dialect', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    describe(target.name, () => {
      let adapter: SqlAdapter;
      beforeAll(async () => {
        adapter = await target.create();
        await adapter.open(schema);
      });
      afterAll(async () => {
        await adapter.close();
        await target.destroy(adapter);
      });
      const replace = async (records: StoredRecord[]) => {
        const ids = (await adapter.find('interactions', { sort: [{ field: 'id', direction: 'asc' }] })).map((r) => ({ id: r.id }));
        await adapter.deleteMany('interactions', ids);
        await adapter.insertMany('interactions', records);
      };

      it('near-equal doubles make distinct group keys, min / max and filter answers', async () => {
        await replace(nearRecords);
        for (const field of ['purchase.amount', 'custom.score']) {
          const grouped = await rowsOf(adapter, { groupBy: [field], measures: [{ name: 'n', fn: 'count' }] });
          expect(grouped, field).toEqual([
            { key: [0.3], values: { n: 1 } },
            { key: [0.30000000000000004], values: { n: 1 } },
            { key: [99.99999999999999], values: { n: 1 } },
            { key: [100], values: { n: 2 } },
          ]);
          const extremes = await rowsOf(adapter, {
            filter: { field, op: 'lt', value: 100 },
            groupBy: ['custom.group'],
            measures: [
              { name: 'min', fn: 'min', field },
              { name: 'max', fn: 'max', field },
            ],
          });
          expect(extremes, field).toEqual([{ key: ['near'], values: { min: 0.3, max: 99.99999999999999 } }]);
          const found = await adapter.find('interactions', { filter: { field, op: 'eq', value: 99.99999999999999 }, sort: [{ field: 'id', direction: 'asc' }] });
          expect(found.map((r) => [r.id, (r.purchase as { amount: number }).amount]), field).toEqual([['n1', 99.99999999999999]]);
          expect(await adapter.count('interactions', { field, op: 'eq', value: 0.30000000000000004 }), field).toBe(1);
          expect(await adapter.count('interactions', { field, op: 'gt', value: 0.3 }), field).toBe(4);
        }
      });

      it('a one-key aggregate over number keys continues exactly after each chunk', async () => {
        const { aggregateChunking } = await import('../../adapters/sql/aggregate-sql.js');
        const saved = aggregateChunking.groups;
        aggregateChunking.groups = 1;
        try {
          await replace(nearRecords);
          const grouped = await rowsOf(adapter, { groupBy: ['custom.score'], measures: [{ name: 'n', fn: 'count' }] });
          expect(grouped.map((row) => row.key[0])).toEqual([0.3, 0.30000000000000004, 99.99999999999999, 100]);
        } finally {
          aggregateChunking.groups = saved;
        }
      });

      for (const [title, values, expected] of sums) {
        it(`sum: ${title}`, async () => {
          for (const order of [values, [...values].reverse()]) {
            await replace([...order.map((value, i) => near(`v${String(i).padStart(5, '0')}`, value)), storedCustomer('absent', {})]);
            for (const field of ['purchase.amount', 'custom.score']) {
              const run = rowsOf(adapter, total(field));
              if (expected === 'out_of_range') {
                const error = await run.then(() => undefined, (e: unknown) => e);
                expect(isCrmError(error, 'out_of_range'), `${field}: ${String(error)}`).toBe(true);
              } else {
                expect((await run)[0]!.values.total, field).toBe(expected);
              }
            }
          }
        });
      }

      it('sum: out_of_range in one group fails the whole grouped aggregate', async () => {
        await replace([near('a', max), storedCustomer('b', { purchase: { amount: 1 }, custom: { score: 1, group: 'near' } }), storedCustomer('c', { purchase: { amount: 5 }, custom: { group: 'other' } })]);
        const error = await rowsOf(adapter, { groupBy: ['custom.group'], measures: [{ name: 'total', fn: 'sum', field: 'purchase.amount' }] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isCrmError(error, 'out_of_range')).toBe(true);
      });
    });
  }
});
