import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, type AggregateOptions, type Crm } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { aggregateChunking } from '../../adapters/sql/aggregate-sql.js';
import { dialectTargets } from './dialect-targets.js';

const customers = 2_517;
const keyRows = 1_000;
const day = 86_400_000;

/** Customers with purchases on both sides of a Monday and before 1970, more than one first-key chunk of them. */
async function seed(crm: Crm) {
  const people = [];
  for (let i = 0; i < customers; i++) people.push({ id: `c${String(i).padStart(6, '0')}`, name: `n${i}` });
  for (let i = 0; i < people.length; i += 5000) await crm.customers.createMany(people.slice(i, i + 5000));
  const interactions = [];
  for (let i = 0; i < customers; i++) {
    const base = Date.UTC(2024, 11, 29, 23, 0) + ((i % 9) - 4) * day; // around Monday 2024-12-30
    for (const at of [base + (i % 3) * 3_600_000, -((i % 11) + 1) * day + (i % 5), base + (i % 7) * day]) {
      interactions.push({
        customerId: people[i]!.id,
        channel: 'web' as const,
        kind: 'purchase' as const,
        occurredAt: new Date(at),
        purchase: { orderId: `o${interactions.length}`, amount: i % 100, currency: i % 2 === 0 ? 'EUR' : 'USD' },
      });
    }
    // Some interactions without a purchase: group keys read from it are absent.
    if (i % 4 === 0) interactions.push({ customerId: people[i]!.id, channel: 'email' as const, kind: 'message' as const, occurredAt: new Date(base + (i % 13) * day * 7) });
  }
  for (let i = 0; i < interactions.length; i += 5000) await crm.interactions.createMany(interactions.slice(i, i + 5000));
}

const queries: AggregateOptions[] = [
  {
    groupBy: ['customerId', { field: 'occurredAt', bucket: 'week' }],
    measures: [{ name: 'n', fn: 'count' }, { name: 'spend', fn: 'sum', field: 'purchase.amount' }, { name: 'last', fn: 'max', field: 'occurredAt' }],
  },
  {
    where: { field: 'occurredAt', op: 'gte', value: new Date(0) },
    groupBy: ['customerId', { field: 'occurredAt', bucket: 'day' }],
    measures: [{ name: 'first', fn: 'min', field: 'occurredAt' }],
  },
  { groupBy: [{ field: 'occurredAt', bucket: 'week' }, 'customerId'], measures: [{ name: 'n', fn: 'count' }] },
  { groupBy: [{ field: 'occurredAt', bucket: 'day' }], measures: [{ name: 'n', fn: 'count' }] },
  // More groups than a chunk, a few of them (fewer than a chunk) with the first key absent: those come first.
  { groupBy: ['purchase.currency', { field: 'occurredAt', bucket: 'month' }], measures: [{ name: 'n', fn: 'count' }, { name: 'spend', fn: 'sum', field: 'purchase.amount' }] },
  // More groups with the first key absent than a chunk holds.
  { groupBy: ['purchase.currency', { field: 'occurredAt', bucket: 'day' }, 'customerId'], measures: [{ name: 'n', fn: 'count' }] },
];

describe(`aggregates with several keys stream in chunks of first-key values (${customers} customers, ranges of ${keyRows} rows)`, { timeout: 300_000 }, () => {
  const targets = dialectTargets();
  const saved = { ...aggregateChunking };
  beforeAll(() => {
    aggregateChunking.keyRows = keyRows;
    aggregateChunking.groups = 7;
  });
  afterAll(async () => {
    Object.assign(aggregateChunking, saved);
    for (const target of targets) await target.end();
  });
  let expected: Awaited<ReturnType<Crm['interactions']['aggregate']>>[] | undefined;
  const reference = async () => {
    if (expected !== undefined) return expected;
    const crm = await createCrm({ adapter: memoryAdapter() });
    await seed(crm);
    expected = [];
    for (const query of queries) expected.push(await crm.interactions.aggregate(query));
    return expected;
  };
  for (const target of targets) {
    it(`${target.name}: the same rows as the memory adapter, in key order`, async () => {
      const rows = await reference();
      const adapter = await target.create();
      try {
        const crm = await createCrm({ adapter });
        expect(crm.interactions.aggregatesInStorage).toBe(true);
        await seed(crm);
        for (let i = 0; i < queries.length; i++) expect(await crm.interactions.aggregate(queries[i]!)).toEqual(rows[i]);
        expect(rows[0]!.length).toBeGreaterThan(keyRows * 5);
        expect(rows[3]!.length).toBeGreaterThan(aggregateChunking.groups); // a one-key aggregate over several chunks too
        const absentFirst = (i: number) => rows[i]!.filter((row) => row.key[0] === null).length;
        expect([absentFirst(4), rows[4]!.length]).toEqual([expect.any(Number), expect.any(Number)]);
        expect(absentFirst(4)).toBeGreaterThan(0);
        expect(absentFirst(4)).toBeLessThan(aggregateChunking.groups);
        expect(rows[4]!.length).toBeGreaterThan(aggregateChunking.groups);
        expect(absentFirst(5)).toBeGreaterThan(aggregateChunking.groups);
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
