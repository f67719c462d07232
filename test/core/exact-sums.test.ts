import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCrm, type Crm, type StoredRecord } from 'crmkit';
import { aggregateRecords, ExactSum } from 'crmkit/adapter-kit';
import { memoryAdapter } from 'crmkit/memory';
import { expectCrmError } from 'crmkit/testing';

const MAX = Number.MAX_SAFE_INTEGER;

function sumOf(values: readonly number[]): number {
  const sum = new ExactSum();
  for (const value of values) sum.add(value);
  return sum.total();
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('ExactSum: the sum rule every adapter follows', () => {
  it.each(permutations([MAX, 1, 1, -MAX]).map((order) => [order]))('sums integers exactly in any order: %j is 2', (values) => {
    expect(sumOf(values)).toBe(2);
  });

  it('keeps going exactly while a running total leaves the safe range and comes back', () => {
    expect(sumOf([MAX, MAX, MAX, -MAX, -MAX, -MAX, 7])).toBe(7);
    expect(sumOf([-MAX, -MAX, MAX, MAX - 1])).toBe(-1);
  });

  it('adds non-integers as doubles to the exact integer total at the end', () => {
    expect(sumOf([MAX - 1, 0.5])).toBe(MAX - 0.5);
    expect(sumOf([0.1, 0.2, 3])).toBe(3 + (0.1 + 0.2));
  });

  it('is 0 over nothing, never -0', () => {
    expect(Object.is(sumOf([]), 0)).toBe(true);
    expect(Object.is(sumOf([-0.5, 0.5]), 0)).toBe(true);
  });

  it.each([
    ['a value beyond the safe range', [Number.MAX_VALUE, Number.MAX_VALUE]],
    ['one value just beyond', [MAX + 1]],
    ['a negative value beyond', [-(2 ** 60)]],
    ['a total beyond the safe range', [MAX, 1]],
    ['a negative total beyond the safe range', [-MAX, -1]],
    ['an exact total beyond, after spilling', [MAX, MAX, MAX]],
    ['a total made unsafe by a fraction', [MAX, 0.5]],
  ])('throws OutOfRangeError for %s', async (_title, values) => {
    const error = await expectCrmError(() => sumOf(values), 'out_of_range');
    expect(error.name).toBe('OutOfRangeError');
  });
});

describe('aggregateRecords applies the sum rule per group', () => {
  const record = (id: string, group: string, n?: number): StoredRecord =>
    ({ id, createdAt: new Date(0), updatedAt: new Date(0), version: 1, group, ...(n === undefined ? {} : { n }) }) as StoredRecord;

  it('sums each group exactly and skips absent values', async () => {
    const rows = await aggregateRecords(
      [[record('1', 'a', MAX), record('2', 'a', 1), record('3', 'b', 5), record('4', 'a', 1), record('5', 'a'), record('6', 'a', -MAX)]],
      { groupBy: ['group'], measures: [{ name: 'total', fn: 'sum', field: 'n' }] },
    );
    expect(rows).toEqual([
      { key: ['a'], values: { total: 2 } },
      { key: ['b'], values: { total: 5 } },
    ]);
  });

  it('throws OutOfRangeError naming the measure', async () => {
    const error = await expectCrmError(
      aggregateRecords([[record('1', 'a', Number.MAX_VALUE), record('2', 'a', Number.MAX_VALUE)]], {
        groupBy: [],
        measures: [{ name: 'total', fn: 'sum', field: 'n' }],
      }),
      'out_of_range',
    );
    expect(error.message).toContain('total');
  });
});

describe('crm aggregates follow the sum rule (memory adapter, the core fallback)', () => {
  let crm: Crm<{ customers: z.ZodObject<{ n: z.ZodOptional<z.ZodNumber> }> }>;
  afterEach(() => crm?.close());

  it('sums [2^53-1, 1, 1, -(2^53-1)] to 2 and money exactly', async () => {
    crm = await createCrm({ adapter: memoryAdapter(), customFields: { customers: z.object({ n: z.number().optional() }) } });
    await crm.customers.createMany([MAX, 1, 1, -MAX].map((n, i) => ({ name: `c${i}`, custom: { n } })));
    await crm.customers.create({ name: 'absent' });
    const [row] = await crm.customers.aggregate({ groupBy: [], measures: [{ name: 'total', fn: 'sum', field: 'custom.n' }] });
    expect(row!.values.total).toBe(2);
  });

  it('throws OutOfRangeError for [MAX_VALUE, MAX_VALUE]', async () => {
    crm = await createCrm({ adapter: memoryAdapter(), customFields: { customers: z.object({ n: z.number().optional() }) } });
    await crm.customers.createMany([{ name: 'a', custom: { n: Number.MAX_VALUE } }, { name: 'b', custom: { n: Number.MAX_VALUE } }]);
    await expectCrmError(
      crm.customers.aggregate({ groupBy: [], measures: [{ name: 'total', fn: 'sum', field: 'custom.n' }] }),
      'out_of_range',
    );
  });
});
