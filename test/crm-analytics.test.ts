import { createCrm, isCrmError, type BgNbdParameters, type CrmAdapter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdnowEvents, cdnowSummary } from './analytics/cdnow-fixtures.js';

const calibrationEnd = new Date('1997-09-30T00:00:00Z');

/** A crm holding the CDNOW sample as customers and purchase interactions. */
async function cdnowCrm(adapter: CrmAdapter = memoryAdapter()) {
  const crm = await createCrm({ adapter, clock: { now: () => new Date('1998-07-01T00:00:00Z') } });
  const events = cdnowEvents();
  const ids = [...new Set(events.map((e) => e.customerId))];
  await crm.customers.createMany(ids.map((id) => ({ id: `cdnow-${id}`, name: `CDNOW customer ${id}` })));
  await crm.interactions.createMany(
    events.map((e, i) => ({
      customerId: `cdnow-${e.customerId}`,
      channel: 'web' as const,
      kind: 'purchase' as const,
      occurredAt: e.occurredAt,
      purchase: { orderId: `o${i}`, amount: e.amount ?? 0, currency: 'USD' },
    })),
  );
  return crm;
}

describe('crm.analytics over stored purchases', () => {
  let crm: Awaited<ReturnType<typeof cdnowCrm>>;
  beforeAll(async () => {
    crm = await cdnowCrm();
  });

  it('summarizes the stored CDNOW purchases into the published summary', async () => {
    const { currency, summaries } = await crm.analytics.summarize({ observationEnd: calibrationEnd, timeUnit: 'weeks' });
    expect(currency).toBe('USD');
    const published = new Map(cdnowSummary().map((row) => [`cdnow-${row.id}`, row]));
    expect(summaries).toHaveLength(published.size);
    for (const row of summaries) {
      const expected = published.get(row.customerId)!;
      expect(row.frequency).toBe(expected.frequency);
      expect(row.recency).toBeCloseTo(expected.recency, 2);
      expect(row.T).toBeCloseTo(expected.T, 2);
    }
  });

  it('fits BG/NBD to Fader, Hardie & Lee (2005) when asked', async () => {
    const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 4, model: 'bg-nbd' });
    const params = report.purchaseModel!.params as BgNbdParameters;
    expect(params.r).toBeCloseTo(0.243, 3);
    expect(params.alpha).toBeCloseTo(4.414, 2);
    expect(params.a).toBeCloseTo(0.793, 3);
    expect(params.b).toBeCloseTo(2.426, 2);
    expect(report.purchaseModel!.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(report.warnings).toEqual([]);
  });

  it('by default fits the Pareto/NBD on every customer and sorts most likely to churn first', async () => {
    const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 13 });
    expect(report.purchaseModel?.kind).toBe('pareto-nbd');
    expect(report.purchaseModel?.customers).toBe(2357);
    // Schmittlein-Morrison-Colombo on CDNOW, as published by Fader, Hardie & Lee (2005)
    expect(report.purchaseModel?.params).toMatchObject({ r: expect.closeTo(0.553, 3), alpha: expect.closeTo(10.578, 2), s: expect.closeTo(0.606, 3), beta: expect.closeTo(11.669, 2) });
    expect(report.sortedBy).toBe('churnProbability');
    expect(report.customers).toHaveLength(2357);
    const churn = report.customers.map((c) => c.churn.churnProbability);
    expect([...churn].sort((a, b) => b - a)).toEqual(churn);
    // the top: a burst of purchases long ago, then silence; said in words that match the summary
    const top = report.customers[0]!;
    expect(top.churn.churnProbability).toBeGreaterThan(0.99);
    const { frequency, recency, T } = top.summary;
    expect(top.churn.reasons[0]).toBe(`bought ${frequency + 1} times, last ${Math.round(T - recency)} weeks ago; used to buy every ${Math.round((recency / frequency) * 10) / 10} weeks`);
    expect(top.churn.riskBand).toBe('lost');
    // a one-time buyer of 30 weeks ago is not immortal
    const once = report.customers.find((c) => c.summary.frequency === 0 && c.summary.T > 30 && c.summary.T < 31)!;
    expect(once.churn.probabilityAlive).toBeLessThan(0.7);
    expect(once.churn.reasons[0]).toBe(`bought once, ${Math.round(once.summary.T)} weeks ago`);
    expect(once.churn.reasons[1]).toMatch(/^customers like this rarely return: \d% chance of a purchase in the next 13 weeks$/);
    expect(report.spendModel).not.toBeNull();
    expect(report.customers.every((c) => c.lifetimeValue !== undefined && c.expectedSpend !== undefined)).toBe(true);
    // no "expected to buy 0 time(s)": small expectations keep two significant digits
    expect(report.customers.filter((c) => / 0$/.test(c.churn.reasons.at(-1)!))).toEqual([]);
  });

  it('sorts by expected revenue lost when asked, consistent with the churn probability', async () => {
    const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 13, sortBy: 'expectedRevenueLost' });
    const lost = report.customers.map((c) => c.churn.expectedRevenueLost);
    expect([...lost].sort((a, b) => b - a)).toEqual(lost);
    const { r, alpha } = report.purchaseModel!.params as { r: number; alpha: number };
    for (const c of report.customers.slice(0, 50)) {
      const ifActive = ((r + c.summary.frequency) / (alpha + c.summary.T)) * 13 * c.expectedSpend!;
      expect(c.churn.expectedRevenueLost).toBeCloseTo(c.churn.churnProbability * ifActive, 6);
    }
    await expect(crm.analytics.churn({ sortBy: 'value' as never })).rejects.toSatisfy((e) => isCrmError(e, 'validation'));
  });

  it('on the CDNOW holdout, the first decile of the report bought again less often than the last, bands monotone', async () => {
    const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 39 });
    const { summaries } = await crm.analytics.summarize({ calibrationEnd, observationEnd: new Date('1998-06-30T00:00:00Z'), timeUnit: 'weeks' });
    const boughtAgain = new Map(summaries.map((s) => [s.customerId, s.holdout!.frequency > 0]));
    const share = (rows: readonly { customerId: string }[]) => rows.filter((c) => boughtAgain.get(c.customerId)).length / rows.length;
    const tenth = Math.floor(report.customers.length / 10);
    const first = share(report.customers.slice(0, tenth));
    const last = share(report.customers.slice(-tenth));
    expect(first).toBeLessThan(0.2);
    expect(last).toBeGreaterThan(0.7);
    // bands follow the churn probability and the share who bought again falls band by band
    const byBand = (['low', 'medium', 'high', 'lost'] as const).map((band) => report.customers.filter((c) => c.churn.riskBand === band)).filter((rows) => rows.length > 0);
    const shares = byBand.map(share);
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
  });

  it('splits calibration and holdout', async () => {
    const { summaries } = await crm.analytics.summarize({
      observationEnd: new Date('1998-06-30T00:00:00Z'),
      calibrationEnd,
      timeUnit: 'weeks',
    });
    const holdoutPurchases = summaries.reduce((sum, row) => sum + row.holdout!.frequency, 0);
    expect(holdoutPurchases).toBeGreaterThan(0);
    expect(summaries.every((row) => row.holdout!.duration > 0)).toBe(true);
  });

  it('refuses to mix currencies unless one is chosen', async () => {
    const mixed = await createCrm({ adapter: memoryAdapter() });
    const [a, b] = await mixed.customers.createMany([{ name: 'a' }, { name: 'b' }]);
    await mixed.interactions.createMany([
      { customerId: a!.id, channel: 'web', kind: 'purchase', occurredAt: new Date('2024-01-01'), purchase: { orderId: '1', amount: 100, currency: 'EUR' } },
      { customerId: b!.id, channel: 'web', kind: 'purchase', occurredAt: new Date('2024-01-02'), purchase: { orderId: '2', amount: 100, currency: 'USD' } },
    ]);
    await expect(mixed.analytics.summarize()).rejects.toSatisfy((e) => isCrmError(e, 'validation'));
    const { summaries } = await mixed.analytics.summarize({ currency: 'eur' });
    expect(summaries.map((s) => s.customerId)).toEqual([a!.id]);
  });

  it('counts the whole period of observationEnd, like the summarizer, on memory and SQLite', async () => {
    for (const adapter of [memoryAdapter(), sqlAdapter({ dialect: 'sqlite', filename: ':memory:' })]) {
      const local = await createCrm({ adapter });
      const [a] = await local.customers.createMany([{ name: 'a' }]);
      const buy = (iso: string, orderId: string) => ({
        customerId: a!.id, channel: 'web' as const, kind: 'purchase' as const, occurredAt: new Date(iso), purchase: { orderId, amount: 100, currency: 'EUR' },
      });
      await local.interactions.createMany([buy('2024-01-01T10:00:00Z', '1'), buy('2024-01-03T23:00:00Z', '2'), buy('2024-01-04T00:00:00Z', '3')]);
      const { summaries } = await local.analytics.summarize({ observationEnd: new Date('2024-01-03T00:00:00Z') });
      expect(summaries.map((s) => [s.frequency, s.recency, s.lastPurchaseAt.toISOString()])).toEqual([[1, 2, '2024-01-03T23:00:00.000Z']]);
      const weekly = await local.analytics.summarize({ observationEnd: new Date('2024-01-03T00:00:00Z'), period: 'week' });
      expect(weekly.summaries.map((s) => [s.frequency, s.lastPurchaseAt.toISOString()])).toEqual([[0, '2024-01-04T00:00:00.000Z']]);
      await local.close();
    }
  });

  for (const [name, adapter] of [
    ['memory', () => memoryAdapter()],
    ['SQLite', () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' })],
  ] as const) {
    it(`refunds net off repeat spend, not frequency (${name})`, async () => {
      const local = await createCrm({ adapter: adapter() });
      const [a, b] = await local.customers.createMany([{ name: 'a' }, { name: 'b' }]);
      const purchase = (customerId: string, day: string, amount: number, kind: 'purchase' | 'refund' = 'purchase') => ({
        customerId,
        channel: 'web' as const,
        kind,
        occurredAt: new Date(`2024-01-${day}T12:00:00Z`),
        purchase: { orderId: `${customerId}-${day}-${kind}`, amount, currency: 'EUR' },
      });
      await local.interactions.createMany([
        purchase(a!.id, '01', 10_000),
        purchase(a!.id, '05', 20_000),
        purchase(a!.id, '10', 30_000),
        purchase(a!.id, '12', 10_000, 'refund'), // a repeat purchase partly refunded
        purchase(a!.id, '01', 5_000, 'refund'), // the first purchase: not in the spend model's input
        purchase(b!.id, '02', 10_000),
        purchase(b!.id, '03', 1_000),
        purchase(b!.id, '04', 99_000, 'refund'), // more than the repeat spend: floored at 0
      ]);
      const { summaries } = await local.analytics.summarize({ observationEnd: new Date('2024-01-31T00:00:00Z') });
      const byId = new Map(summaries.map((row) => [row.customerId, row]));
      expect(byId.get(a!.id)).toMatchObject({ frequency: 2, monetaryValue: 20_000 });
      expect(byId.get(b!.id)).toMatchObject({ frequency: 1, monetaryValue: 0 });
      // a refund after the calibration end does not reach back
      const calibrated = await local.analytics.summarize({ observationEnd: new Date('2024-01-31T00:00:00Z'), calibrationEnd: new Date('2024-01-11T00:00:00Z') });
      expect(calibrated.summaries.find((row) => row.customerId === a!.id)).toMatchObject({ frequency: 2, monetaryValue: 25_000 });
      await local.close();
    });
  }

  it('a fit that does not converge is a typed warning on the report, never silent', async () => {
    const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', fit: { maxIterations: 2 } });
    expect(report.purchaseModel?.converged).toBe(false);
    expect(report.warnings).toContainEqual({ code: 'not_converged', path: ['purchaseModel'], message: expect.stringMatching(/pareto-nbd fit did not converge/) });
    expect(report.customers).toHaveLength(2357);
  });

  it('fewer than two customers is a clear result with a warning, not a throw', async () => {
    const empty = await createCrm({ adapter: memoryAdapter() });
    const none = await empty.analytics.churn();
    expect(none).toMatchObject({ purchaseModel: null, spendModel: null, customers: [], warnings: [{ code: 'too_few_customers', path: [] }] });
    const [ada] = await empty.customers.createMany([{ name: 'Ada' }]);
    await empty.interactions.create({ customerId: ada!.id, channel: 'web', kind: 'purchase', occurredAt: new Date('2024-01-01'), purchase: { orderId: '1', amount: 100, currency: 'EUR' } });
    const one = await empty.analytics.churn({ observationEnd: new Date('2024-02-01') });
    expect(one.customers).toEqual([]);
    expect(one.warnings.map((w) => w.code)).toEqual(['too_few_customers']);
    expect(one.warnings[0]!.message).toMatch(/at least two customers, found 1/);
  });

  describe('on SQLite, where the database groups purchases per customer and period', () => {
    let sqlite: Awaited<ReturnType<typeof cdnowCrm>>;
    beforeAll(async () => {
      sqlite = await cdnowCrm(sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }));
    });

    it('groups in the database', () => {
      expect(sqlite.interactions.aggregatesInStorage).toBe(true);
      expect(crm.interactions.aggregatesInStorage).toBe(false);
    });

    const variants = [
      { timeUnit: 'weeks', period: 'day' },
      { timeUnit: 'days', period: 'week' },
      { timeUnit: 'weeks', period: 'day', calibrationEnd, observationEnd: new Date('1998-06-30T00:00:00Z') },
      { timeUnit: 'weeks', period: 'week', calibrationEnd, observationEnd: new Date('1998-06-30T00:00:00Z') },
      { timeUnit: 'months', period: 'month', currency: 'usd' },
      { timeUnit: 'days', period: 'day', where: { field: 'occurredAt', op: 'gte', value: new Date('1997-03-01T00:00:00Z') } },
    ] as const;
    for (const options of variants) {
      it(`gives the same summaries as the memory adapter: ${JSON.stringify(options)}`, async () => {
        const viaMemory = await crm.analytics.summarize({ observationEnd: calibrationEnd, ...options });
        const viaSqlite = await sqlite.analytics.summarize({ observationEnd: calibrationEnd, ...options });
        expect(viaSqlite.currency).toBe('USD');
        expect(viaSqlite.summaries.length).toBeGreaterThan(1000);
        const byId = (rows: typeof viaMemory.summaries) => [...rows].sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
        expect(byId(viaSqlite.summaries)).toEqual(byId(viaMemory.summaries));
      });
    }

    it('scores churn identically', async () => {
      const options = { observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 4 } as const;
      const [viaMemory, viaSqlite] = [await crm.analytics.churn(options), await sqlite.analytics.churn(options)];
      expect(viaSqlite.purchaseModel!.params).toEqual(viaMemory.purchaseModel!.params);
      expect(viaSqlite.customers).toEqual(viaMemory.customers);
    });

    it('refuses mixed currencies unless one is chosen', async () => {
      const mixed = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) });
      const [a, b] = await mixed.customers.createMany([{ name: 'a' }, { name: 'b' }]);
      await mixed.interactions.createMany([
        { customerId: a!.id, channel: 'web', kind: 'purchase', occurredAt: new Date('2024-01-01'), purchase: { orderId: '1', amount: 100, currency: 'EUR' } },
        { customerId: b!.id, channel: 'web', kind: 'purchase', occurredAt: new Date('2024-01-02'), purchase: { orderId: '2', amount: 100, currency: 'USD' } },
      ]);
      await expect(mixed.analytics.summarize()).rejects.toSatisfy((e) => isCrmError(e, 'validation'));
      await expect(mixed.analytics.summarize({ period: 'week' })).rejects.toSatisfy((e) => isCrmError(e, 'validation'));
      const { currency, summaries } = await mixed.analytics.summarize({ currency: 'eur' });
      expect(currency).toBe('EUR');
      expect(summaries.map((s) => s.customerId)).toEqual([a!.id]);
      await mixed.close();
    });
  });
});

describe('crm.analytics.churn({ persist: true })', () => {
  for (const [name, adapter] of [
    ['memory', () => memoryAdapter()],
    ['SQLite', () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' })],
  ] as const) {
    it(`writes every score to the managed, filterable churn field and a re-run updates it (${name})`, async () => {
      const crm = await cdnowCrm(adapter());
      const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 13, persist: true });
      expect(report.persisted).toEqual({ updated: 2357, skipped: 0 });
      const lost = report.customers.filter((c) => c.churn.riskBand === 'lost');
      expect(lost.length).toBeGreaterThan(0);
      expect(await crm.customers.count({ field: 'churn.riskBand', op: 'eq', value: 'lost' })).toBe(lost.length);
      const likely = report.customers.filter((c) => c.churn.churnProbability >= 0.99).length;
      expect(await crm.customers.count({ field: 'churn.probability', op: 'gte', value: 0.99 })).toBe(likely);
      const top = report.customers[0]!;
      const stored = await crm.customers.get(top.customerId);
      expect(stored.churn).toMatchObject({ probability: top.churn.churnProbability, riskBand: top.churn.riskBand, horizon: 13, timeUnit: 'weeks', model: 'pareto-nbd', currency: 'USD' });
      expect(stored.version).toBe(2);

      // managed: recipes and creates may not set it, and nothing is written when they try
      await expect(crm.customers.update(top.customerId, (d) => void (d.churn = undefined))).rejects.toSatisfy((e) => isCrmError(e, 'validation'));
      await expect(crm.customers.create({ name: 'x', churn: stored.churn } as never)).rejects.toSatisfy((e) => isCrmError(e, 'validation'));
      expect((await crm.customers.get(top.customerId)).churn).toEqual(stored.churn);

      const rerun = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 52, persist: true });
      expect(rerun.persisted?.updated).toBe(2357);
      const again = await crm.customers.get(top.customerId);
      expect(again.churn?.horizon).toBe(52);
      expect(again.version).toBe(3);
      await crm.close();
    });
  }

  it('without persist nothing is written', async () => {
    const crm = await cdnowCrm();
    const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks' });
    expect(report.persisted).toBeUndefined();
    expect(await crm.customers.count({ field: 'churn.riskBand', op: 'eq', value: 'lost' })).toBe(0);
  });
});

describe('crm.analytics.churn on a large base', () => {
  it('fits on an even sample of fitSampleSize customers when asked and still scores every customer', async () => {
    const crm = await cdnowCrm();
    const full = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks' });
    const sampled = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', fitSampleSize: 800 });
    expect(full.purchaseModel!.customers).toBe(2357);
    expect(sampled.purchaseModel!.customers).toBe(800);
    expect(sampled.customers).toHaveLength(2357);
    const fullParams = full.purchaseModel!.params as BgNbdParameters;
    const sampledParams = sampled.purchaseModel!.params as BgNbdParameters;
    expect(sampledParams.r).toBeGreaterThan(fullParams.r / 2);
    expect(sampledParams.r).toBeLessThan(fullParams.r * 2);
  });

  it('rejects a sample size below 2', async () => {
    const crm = await cdnowCrm();
    await expect(crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', fitSampleSize: 1 })).rejects.toSatisfy((e) =>
      isCrmError(e, 'validation'),
    );
  });
});
