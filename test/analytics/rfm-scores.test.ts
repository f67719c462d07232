// RFM: quintile scores as of a date (ties shared, recency reversed), the standard named segments, and crm.analytics.rfm on every core adapter.
import { describe, expect, it, afterEach } from 'vitest';
import { defaultRfmRules, rfmScores, rfmSegmentNames, type RfmInput } from 'crmkit/analytics';
import { createCrm, type CrmAdapter } from 'crmkit';
import { testClock } from 'crmkit/testing';
import { coreAdapters } from '../core/core-adapters.js';

const asOf = new Date('2025-01-01T00:00:00.000Z');
const daysAgo = (n: number) => new Date(asOf.getTime() - n * 86_400_000);

/** Ten customers: c0 bought most recently, most often and most; c9 least of all. */
const ten: RfmInput[] = Array.from({ length: 10 }, (_, i) => ({
  customerId: `c${i}`,
  lastPurchaseAt: daysAgo(1 + i * 10),
  purchases: 10 - i,
  monetary: (10 - i) * 1000,
}));

describe('rfmScores', () => {
  it('gives quintiles 5 to 1, recency reversed (fewer days is better)', () => {
    const scores = rfmScores(ten, { asOf });
    expect(scores.map((s) => [s.customerId, s.r, s.f, s.m])).toEqual([
      ['c0', 5, 5, 5],
      ['c1', 5, 5, 5],
      ['c2', 4, 4, 4],
      ['c3', 4, 4, 4],
      ['c4', 3, 3, 3],
      ['c5', 3, 3, 3],
      ['c6', 2, 2, 2],
      ['c7', 2, 2, 2],
      ['c8', 1, 1, 1],
      ['c9', 1, 1, 1],
    ]);
    expect(scores[0]).toMatchObject({ recencyDays: 1, frequency: 10, monetary: 10_000, segment: 'Champions' });
    expect(scores[9]!.segment).toBe('Lost');
  });

  it('gives equal values the same score, whatever the input order', () => {
    const tied = ten.map((row, i) => ({ ...row, purchases: i < 6 ? 1 : 2 }));
    const scores = rfmScores(tied, { asOf });
    expect(new Set(scores.slice(0, 6).map((s) => s.f))).toEqual(new Set([1]));
    expect(new Set(scores.slice(6).map((s) => s.f))).toEqual(new Set([4]));
    const shuffled = [...tied].reverse();
    expect(rfmScores(shuffled, { asOf })).toEqual(scores);
  });

  it('the standard table puts each of the 25 (r, f) pairs in one of the 11 named segments (first match), and uses all 11', () => {
    const used = new Set<string>();
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        const matches = defaultRfmRules.filter((rule) => r >= rule.r[0] && r <= rule.r[1] && f >= rule.f[0] && f <= rule.f[1]);
        expect(matches.length, `r${r} f${f}`).toBeGreaterThan(0);
        used.add(matches[0]!.segment);
      }
    }
    expect([...used].sort()).toEqual([...rfmSegmentNames].sort());
    expect(rfmSegmentNames).toHaveLength(11);
    expect(defaultRfmRules.find((rule) => rule.r[0] <= 1 && rule.f[0] <= 1)!.segment).toBe('Lost');
  });

  it('takes a rule table of the host: first match wins, monetary ranges too, no match leaves the segment out', () => {
    const rules = [
      { segment: 'Whales', r: [1, 5], f: [1, 5], m: [5, 5] },
      { segment: 'Recent', r: [4, 5], f: [1, 5] },
    ] as const;
    const scores = rfmScores(ten, { asOf, rules });
    expect(scores.map((s) => s.segment)).toEqual(['Whales', 'Whales', 'Recent', 'Recent', undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('an empty input gives no scores', () => {
    expect(rfmScores([], { asOf })).toEqual([]);
  });
});

describe.each(coreAdapters)('crm.analytics.rfm on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  it('scores every customer with a purchase up to asOf from one aggregate; later purchases and other currencies are left out', async () => {
    adapter = create();
    const crm = await createCrm({ adapter, clock: testClock(asOf) });
    const customers = await crm.customers.createMany(ten.map((row) => ({ name: row.customerId })));
    const byName = new Map(customers.map((c) => [c.name, c.id]));
    const inputs = [];
    for (const row of ten) {
      const customerId = byName.get(row.customerId)!;
      for (let k = 0; k < row.purchases; k++) {
        inputs.push({
          customerId,
          channel: 'web' as const,
          kind: 'purchase' as const,
          occurredAt: k === 0 ? row.lastPurchaseAt : daysAgo(200 + k),
          purchase: { orderId: `${row.customerId}-${k}`, amount: 1000, currency: 'EUR', lineItems: [] },
        });
      }
    }
    inputs.push({ customerId: byName.get('c9')!, channel: 'web' as const, kind: 'purchase' as const, occurredAt: new Date(asOf.getTime() + 86_400_000), purchase: { orderId: 'future', amount: 99_999, currency: 'EUR', lineItems: [] } });
    await crm.interactions.createMany(inputs);
    const scores = await crm.analytics.rfm({ asOf, currency: 'EUR' });
    const expected = rfmScores(ten.map((row) => ({ ...row, customerId: byName.get(row.customerId)! })), { asOf });
    expect(scores).toEqual(expected);
    await crm.interactions.create({ customerId: byName.get('c0')!, channel: 'web', kind: 'purchase', occurredAt: daysAgo(3), purchase: { orderId: 'usd', amount: 5, currency: 'USD', lineItems: [] } });
    await expect(crm.analytics.rfm({ asOf })).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'mixed_currencies' }] });
    await expect(crm.analytics.rfm({ asOf: new Date(Number.NaN) })).rejects.toMatchObject({ code: 'validation' });
  });
});
