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

  it('fits BG/NBD to Fader, Hardie & Lee (2005) and scores every customer, most value at risk first', async () => {
    const report = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', horizon: 4 });
    const params = report.purchaseModel.params as BgNbdParameters;
    expect(params.r).toBeCloseTo(0.243, 3);
    expect(params.alpha).toBeCloseTo(4.414, 2);
    expect(params.a).toBeCloseTo(0.793, 3);
    expect(params.b).toBeCloseTo(2.426, 2);
    expect(report.purchaseModel.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(report.spendModel).not.toBeNull();
    expect(report.customers).toHaveLength(2357);
    const risks = report.customers.map((c) => c.churn.valueAtRisk);
    expect([...risks].sort((a, b) => b - a)).toEqual(risks);
    const top = report.customers[0]!;
    expect(top.churn.reasons.length).toBeGreaterThan(0);
    expect(top.lifetimeValue).toBeGreaterThan(0);
    expect(['low', 'medium', 'high', 'lost']).toContain(top.churn.riskBand);
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

  it('needs purchases of at least two customers to score churn', async () => {
    const empty = await createCrm({ adapter: memoryAdapter() });
    await expect(empty.analytics.churn()).rejects.toSatisfy((e) => isCrmError(e, 'validation'));
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
      expect(viaSqlite.purchaseModel.params).toEqual(viaMemory.purchaseModel.params);
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

describe('crm.analytics.churn on a large base', () => {
  it('fits on an even sample of fitSampleSize customers and still scores every customer', async () => {
    const crm = await cdnowCrm();
    const full = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks' });
    const sampled = await crm.analytics.churn({ observationEnd: calibrationEnd, timeUnit: 'weeks', fitSampleSize: 800 });
    expect(sampled.purchaseModel.customers).toBe(800);
    expect(sampled.customers).toHaveLength(2357);
    const fullParams = full.purchaseModel.params as BgNbdParameters;
    const sampledParams = sampled.purchaseModel.params as BgNbdParameters;
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
