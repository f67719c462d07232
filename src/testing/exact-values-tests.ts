import type { Filter } from '../storage/filter.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { describe, expect, it } from './conformance-runner.js';
import { expectCrmError } from './expect-crm-error.js';

const safe = Number.MAX_SAFE_INTEGER;
const sumOfScores = { groupBy: [], measures: [{ name: 'total', fn: 'sum', field: 'custom.score' }] } as const;

/** Instants whose millisecond counts have different numbers of digits (and a negative one). */
const instants = {
  a: new Date(-1), // 1969-12-31T23:59:59.999Z
  b: new Date(999),
  c: new Date(1000),
  d: new Date(1e12), // 2001-09-09T01:46:40.000Z
} as const;

/** [title, filter on custom.since, labels expected in id order]. */
export const instantCases: readonly (readonly [string, Filter, string])[] = [
  ['lt compares instants, not their text', { field: 'custom.since', op: 'lt', value: new Date(1000) }, 'ab'],
  ['gt compares instants, not their text', { field: 'custom.since', op: 'gt', value: new Date(999) }, 'cd'],
  ['gte across a change in the number of digits', { field: 'custom.since', op: 'gte', value: new Date(999) }, 'bcd'],
  ['lte before the epoch', { field: 'custom.since', op: 'lte', value: new Date(-1) }, 'a'],
  ['eq to the millisecond', { field: 'custom.since', op: 'eq', value: new Date(1000) }, 'c'],
];

/** Numbers read back, grouped, compared and summed exactly. @internal */
export function defineExactValueTests(harness: () => ConformanceHarness): void {
  describe('exact values', () => {
    it('near-equal floats are separate values: read back, filtered and grouped exactly', async () => {
      const { crm } = harness();
      const near = 99.99999999999999;
      const created = await crm.customers.createMany([
        { name: 'near', custom: { score: near } },
        { name: 'hundred', custom: { score: 100 } },
        { name: 'also hundred', custom: { score: 100 } },
        { name: 'sum', custom: { score: 0.1 + 0.2 } },
        { name: 'tenths', custom: { score: 0.3 } },
      ]);
      expect((await crm.customers.getMany(created.map((c) => c.id))).map((c) => c?.custom.score)).toEqual([near, 100, 100, 0.1 + 0.2, 0.3]);
      expect(await crm.customers.count({ field: 'custom.score', op: 'eq', value: near })).toBe(1);
      expect(await crm.customers.count({ field: 'custom.score', op: 'lt', value: 100 })).toBe(3);
      expect(await crm.customers.count({ field: 'custom.score', op: 'eq', value: 0.3 })).toBe(1);
      const rows = await crm.customers.aggregate({
        groupBy: ['custom.score'],
        measures: [
          { name: 'n', fn: 'count' },
          { name: 'low', fn: 'min', field: 'custom.score' },
        ],
      });
      expect(rows).toEqual([
        { key: [0.3], values: { n: 1, low: 0.3 } },
        { key: [0.1 + 0.2], values: { n: 1, low: 0.1 + 0.2 } },
        { key: [near], values: { n: 1, low: near } },
        { key: [100], values: { n: 2, low: 100 } },
      ]);
      const { items } = await crm.customers.find({ sort: [{ field: 'custom.score', direction: 'desc' }], limit: 2 });
      expect(items.map((c) => c.name)).toEqual(['also hundred', 'hundred']);
    });

    it('integer values are summed exactly: [2^53 - 1, 1, 1, -(2^53 - 1)] sums to 2', async () => {
      const { crm } = harness();
      await crm.customers.createMany([safe, 1, 1, -safe].map((score, i) => ({ name: `n${i}`, custom: { score } })));
      expect(await crm.customers.aggregate(sumOfScores)).toEqual([{ key: [], values: { total: 2 } }]);
    });

    it('integer values are summed exactly per group, in any order', async () => {
      const { crm } = harness();
      await crm.customers.createMany([
        ...[1, safe, -safe, 1].map((score, i) => ({ name: `g${i}`, custom: { tier: 'gold' as const, score } })),
        ...[-safe, -1, safe, 1, -1].map((score, i) => ({ name: `s${i}`, custom: { tier: 'silver' as const, score } })),
      ]);
      const rows = await crm.customers.aggregate({ groupBy: ['custom.tier'], measures: [{ name: 'total', fn: 'sum', field: 'custom.score' }] });
      expect(rows).toEqual([
        { key: ['gold'], values: { total: 2 } },
        { key: ['silver'], values: { total: -1 } },
      ]);
    });

    it.each([
      ['a total above 2^53 - 1', [safe, 1]],
      ['a total below -(2^53 - 1)', [-safe, -1]],
      ['a value above 2^53 - 1', [2 ** 53, -(2 ** 53)]],
      ['two of the largest numbers', [Number.MAX_VALUE, Number.MAX_VALUE]],
    ] as const)('a sum with %s is an out_of_range error, not a rounded total', async (_title, scores) => {
      const { crm } = harness();
      await crm.customers.createMany(scores.map((score, i) => ({ name: `n${i}`, custom: { score } })));
      await expectCrmError(crm.customers.aggregate(sumOfScores), 'out_of_range');
    });

    it('the adapter’s own aggregate follows the same sum rule', async (context) => {
      const { crm, adapter } = harness();
      if (adapter.aggregate === undefined || !adapter.capabilities.aggregate) context.skip(`${adapter.name} has no native aggregate`);
      await crm.customers.createMany([safe, 1, 1, -safe].map((score, i) => ({ name: `n${i}`, custom: { score } })));
      const rows = [];
      for await (const row of adapter.aggregate!('customers', { groupBy: [], measures: [{ name: 'total', fn: 'sum', field: 'custom.score' }] })) rows.push(row);
      expect(rows).toEqual([{ key: [], values: { total: 2 } }]);
      await crm.customers.create({ name: 'over', custom: { score: safe } });
      await expectCrmError(async () => {
        for await (const _row of adapter.aggregate!('customers', { groupBy: [], measures: [{ name: 'total', fn: 'sum', field: 'custom.score' }] })) void _row;
      }, 'out_of_range');
    });

    describe('instants', () => {
      it.each(instantCases)('%s', async (_title, where, expected) => {
        const { crm } = harness();
        const labelById = new Map<string, string>();
        for (const [label, since] of Object.entries(instants)) labelById.set((await crm.customers.create({ name: label, custom: { since } })).id, label);
        const { items } = await crm.customers.find({ where });
        expect(items.map((r) => labelById.get(r.id)).join('')).toBe(expected);
        expect(await crm.customers.count(where)).toBe(expected.length);
      });

      it('sort by instant, not by text, in both directions', async () => {
        const { crm } = harness();
        for (const [label, since] of Object.entries(instants).reverse()) await crm.customers.create({ name: label, custom: { since } });
        expect((await crm.customers.find({ sort: [{ field: 'custom.since' }] })).items.map((r) => r.name).join('')).toBe('abcd');
        expect((await crm.customers.find({ sort: [{ field: 'custom.since', direction: 'desc' }], limit: 3 })).items.map((r) => r.name).join('')).toBe('dcb');
      });
    });
  });
}
