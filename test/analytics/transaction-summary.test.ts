import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isCrmError } from '../../src/storage/errors.js';
import {
  createTransactionSummarizer,
  evaluateHoldout,
  summarizeTransactions,
  summaryFromAggregates,
  type CustomerSummary,
  type PurchaseEvent,
} from '../../src/analytics/index.js';
import { cdnowEvents, cdnowSummaryWithSpend } from './cdnow-fixtures.js';

const calibrationEnd = new Date('1997-09-30T00:00:00Z');
const observationEnd = new Date('1998-06-30T00:00:00Z');

describe('summary of CDNOW_sample.txt', () => {
  const events = cdnowEvents();
  const rows = summarizeTransactions(events, { calibrationEnd, observationEnd, timeUnit: 'weeks' });

  it('equals the shipped summary (x, t_x, T and zbar, to their 2-decimal rounding)', () => {
    const reference = cdnowSummaryWithSpend();
    expect(rows).toHaveLength(reference.length);
    const byId = new Map(rows.map((r) => [r.customerId, r]));
    for (const ref of reference) {
      const row = byId.get(String(ref.id)) as CustomerSummary;
      expect(row.frequency).toBe(ref.frequency);
      expect(Math.abs(row.recency - ref.recency)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(row.T - ref.T)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(row.monetaryValue / 100 - ref.monetaryValue)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(row.holdout?.duration).toBe(39);
    }
  });

  it('is the same when the events arrive shuffled in small batches', () => {
    const shuffled = [...events];
    let seed = 7;
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j] as PurchaseEvent, shuffled[i] as PurchaseEvent];
    }
    const summarizer = createTransactionSummarizer({ calibrationEnd, observationEnd, timeUnit: 'weeks' });
    for (let i = 0; i < shuffled.length; i += 500) summarizer.add(shuffled.slice(i, i + 500));
    expect(summarizer.size).toBe(2357);
    const byId = new Map(summarizer.summaries().map((r) => [r.customerId, r]));
    for (const row of rows) expect(byId.get(row.customerId)).toEqual(row);
  });

  it('holdout evaluation: BG/NBD against actual holdout purchases and the RFM baselines', () => {
    const report = evaluateHoldout(rows, { model: 'bg-nbd' });
    expect(report.customers).toBe(2357);
    expect(report.actualTotal).toBe(rows.reduce((s, r) => s + (r.holdout?.frequency ?? 0), 0));
    // the BG/NBD under-predicts CDNOW's holdout slightly (1,653 against 1,882 repeat purchase days)
    expect(report.predictedTotal / report.actualTotal).toBeGreaterThan(0.8);
    expect(report.predictedTotal / report.actualTotal).toBeLessThan(1.05);
    expect(report.buckets.map((b) => b.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(report.buckets.reduce((s, b) => s + b.customers, 0)).toBe(2357);
    // bucket means rise with calibration frequency, predicted and actual alike
    for (let i = 1; i < report.buckets.length; i += 1) {
      expect(report.buckets[i]?.predictedMean).toBeGreaterThan(report.buckets[i - 1]?.predictedMean ?? 0);
    }
    expect(report.modelAuc).toBeGreaterThan(0.75);
    expect(report.modelAuc).toBeGreaterThanOrEqual(report.recencyBaselineAuc - 0.01);
    expect(report.recencyBaselineAuc).toBeGreaterThan(0.7);
  });

  it('holdout evaluation of the default Pareto/NBD churn probability: AUC, baselines and deciles as measured', () => {
    const report = evaluateHoldout(rows);
    expect(report.model.kind).toBe('pareto-nbd');
    // AUC for "did not buy again" (docs/analytics.md): 0.771, against recency 0.771, frequency 0.758, RFM 0.775
    expect(report.churnProbabilityAuc).toBeCloseTo(0.7712, 3);
    expect(report.recencyBaselineAuc).toBeCloseTo(0.7714, 3);
    expect(report.frequencyBaselineAuc).toBeCloseTo(0.7576, 3);
    expect(report.rfmBaselineAuc).toBeCloseTo(0.7753, 3);
    expect(report.calibration.map((g) => g.customers).reduce((a, b) => a + b, 0)).toBe(2357);
    const first = report.calibration[0]!;
    const last = report.calibration.at(-1)!;
    expect(first.observedBoughtAgain).toBeLessThan(last.observedBoughtAgain);
    expect(first.observedBoughtAgain).toBeCloseTo(0.123, 2);
    expect(last.observedBoughtAgain).toBeCloseTo(0.809, 2);
    // predicted share who bought again rises decile by decile (sorted by churn probability)
    const predicted = report.calibration.map((g) => g.predictedBoughtAgain);
    expect([...predicted].sort((a, b) => a - b)).toEqual(predicted);
    expect(() => evaluateHoldout(rows, { calibrationGroups: 0 })).toThrow(/calibrationGroups/);
  });
});

describe('summarizeTransactions', () => {
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

  it('merges purchases in the same UTC day and sums their spend', () => {
    const [row] = summarizeTransactions(
      [
        { customerId: 'a', occurredAt: new Date('2024-01-01T09:00:00Z'), amount: 1200 },
        { customerId: 'a', occurredAt: new Date('2024-01-15T10:00:00Z'), amount: 2000 },
        { customerId: 'a', occurredAt: new Date('2024-01-15T23:59:59Z'), amount: 500 },
        { customerId: 'a', occurredAt: new Date('2024-01-01T17:00:00Z'), amount: 300 },
      ],
      { observationEnd: day('2024-01-31') },
    );
    expect(row).toMatchObject({ customerId: 'a', frequency: 1, recency: 14, T: 30, monetaryValue: 2500, holdout: null });
    expect(row?.firstPurchaseAt.toISOString()).toBe('2024-01-01T09:00:00.000Z');
  });

  it('merges by week or month when asked, and measures in months', () => {
    const events: PurchaseEvent[] = [
      { customerId: 'a', occurredAt: day('2024-01-01') }, // Monday
      { customerId: 'a', occurredAt: day('2024-01-07') }, // Sunday, same ISO week
      { customerId: 'a', occurredAt: day('2024-03-20') },
    ];
    const [weekly] = summarizeTransactions(events, { observationEnd: day('2024-04-30'), period: 'week', timeUnit: 'weeks' });
    expect(weekly?.frequency).toBe(1);
    expect(weekly?.recency).toBe(11);
    const [monthly] = summarizeTransactions(events, { observationEnd: day('2024-04-30'), period: 'month', timeUnit: 'months' });
    expect(monthly).toMatchObject({ frequency: 1, recency: 2, T: 3 });
  });

  it('ignores events after the observation end and leaves out customers first seen in the holdout', () => {
    const rows = summarizeTransactions(
      [
        { customerId: 'a', occurredAt: day('2024-01-01') },
        { customerId: 'a', occurredAt: day('2024-02-10') },
        { customerId: 'a', occurredAt: day('2024-02-11') },
        { customerId: 'a', occurredAt: day('2024-09-01') },
        { customerId: 'b', occurredAt: day('2024-02-05') },
      ],
      { calibrationEnd: day('2024-01-31'), observationEnd: day('2024-03-01') },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ frequency: 0, recency: 0, T: 30, holdout: { frequency: 2, duration: 30, spend: 0 } });
  });

  it('rejects bad events with typed issues and keeps nothing of the batch', () => {
    const summarizer = createTransactionSummarizer({ observationEnd: day('2024-12-31') });
    summarizer.add([{ customerId: 'ok', occurredAt: day('2024-01-01'), amount: 100 }]);
    const bad = [
      { customerId: 'x', occurredAt: day('2024-01-02'), amount: 100 },
      { customerId: '', occurredAt: day('2024-01-02') },
      { customerId: 'y', occurredAt: new Date('nope') },
      { customerId: 'z', occurredAt: day('2024-01-02'), amount: 12.5 },
      { customerId: 'w', occurredAt: day('2024-01-02'), amount: -3 },
      { customerId: 'v', occurredAt: day('2024-01-02'), amount: Number.NaN },
    ] as PurchaseEvent[];
    let error: unknown;
    try {
      summarizer.add(bad);
    } catch (e) {
      error = e;
    }
    expect(isCrmError(error, 'validation')).toBe(true);
    const issues = (error as { issues: { code: string; path: PropertyKey[] }[] }).issues;
    expect(issues.map((i) => i.code)).toEqual(['invalid_customer_id', 'invalid_date', 'not_integer', 'negative', 'not_finite']);
    expect(issues[0]?.path).toEqual([1, 'customerId']);
    expect(summarizer.size).toBe(1); // 'x' from the bad batch was not kept
  });

  it('rejects bad options', () => {
    expect(() => summarizeTransactions([], { observationEnd: new Date('x') })).toThrow(/observationEnd/);
    expect(() => summarizeTransactions([], { observationEnd: day('2024-01-01'), calibrationEnd: day('2024-02-01') })).toThrow(/calibrationEnd/);
    expect(() => summarizeTransactions([], { observationEnd: day('2024-01-01'), timeUnit: 'fortnights' as 'days' })).toThrow(/timeUnit/);
  });
});

describe('summaryFromAggregates', () => {
  const options = { observationEnd: new Date('1997-09-30T00:00:00Z'), timeUnit: 'weeks' as const };

  it('gives the same row as the event summariser (CDNOW customer 1)', () => {
    const row = summaryFromAggregates(
      {
        customerId: '1',
        firstPurchaseAt: new Date('1997-01-01T00:00:00Z'),
        lastPurchaseAt: new Date('1997-08-02T00:00:00Z'),
        distinctPeriods: 3,
        repeatSpendTotal: 4469,
      },
      options,
    );
    expect(row.frequency).toBe(2);
    expect(row.recency).toBeCloseTo(30.43, 2);
    expect(row.T).toBeCloseTo(38.86, 2);
    expect(row.monetaryValue).toBe(2234.5);
  });

  fcTest.prop([
    fc.array(
      fc.record({
        customerId: fc.constantFrom('a', 'b', 'c'),
        day: fc.integer({ min: 0, max: 400 }),
        hour: fc.integer({ min: 0, max: 23 }),
        amount: fc.integer({ min: 0, max: 100_000 }),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  ])('agrees with summarizeTransactions on random purchases', (raw) => {
    const base = Date.UTC(2023, 0, 1);
    const events = raw.map((e) => ({ customerId: e.customerId, occurredAt: new Date(base + e.day * 86_400_000 + e.hour * 3_600_000), amount: e.amount }));
    const opts = { calibrationEnd: new Date(base + 300 * 86_400_000), observationEnd: new Date(base + 400 * 86_400_000), timeUnit: 'days' as const };
    for (const row of summarizeTransactions(events, opts)) {
      const mine = events.filter((e) => e.customerId === row.customerId);
      const calibration = mine.filter((e) => e.occurredAt.getTime() < base + 301 * 86_400_000);
      const holdout = mine.filter((e) => e.occurredAt.getTime() >= base + 301 * 86_400_000);
      const dayOf = (e: PurchaseEvent) => Math.floor(e.occurredAt.getTime() / 86_400_000);
      const days = [...new Set(calibration.map(dayOf))].sort((x, y) => x - y);
      const firstDaySpend = calibration.filter((e) => dayOf(e) === days[0]).reduce((s, e) => s + e.amount, 0);
      const total = calibration.reduce((s, e) => s + e.amount, 0);
      const times = calibration.map((e) => e.occurredAt.getTime());
      const fromAggregates = summaryFromAggregates(
        {
          customerId: row.customerId,
          firstPurchaseAt: new Date(Math.min(...times)),
          lastPurchaseAt: new Date(Math.max(...times)),
          distinctPeriods: days.length,
          repeatSpendTotal: total - firstDaySpend,
          holdoutPeriods: new Set(holdout.map(dayOf)).size,
          holdoutSpendTotal: holdout.reduce((s, e) => s + e.amount, 0),
        },
        opts,
      );
      expect(fromAggregates).toEqual(row);
    }
  });

  it('rejects impossible aggregates', () => {
    const bad = (overrides: object) => () =>
      summaryFromAggregates(
        { customerId: 'a', firstPurchaseAt: new Date('1997-01-01'), lastPurchaseAt: new Date('1997-02-01'), distinctPeriods: 2, ...overrides },
        options,
      );
    expect(bad({ lastPurchaseAt: new Date('1996-12-01') })).toThrow(/before firstPurchaseAt/);
    expect(bad({ distinctPeriods: 1 })).toThrow(/different periods/);
    expect(bad({ distinctPeriods: 0 })).toThrow(/distinctPeriods/);
    expect(bad({ distinctPeriods: 400 })).toThrow(/cannot fit/);
    expect(bad({ lastPurchaseAt: new Date('1998-01-01') })).toThrow(/after the/);
    expect(bad({ repeatSpendTotal: -1 })).toThrow(/repeatSpendTotal/);
    expect(bad({ lastPurchaseAt: new Date('1997-01-01T05:00:00Z') })).toThrow(/and 1 more issue/);
  });
});
