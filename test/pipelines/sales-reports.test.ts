// The sales reports over a small pipeline written out here, with every expected value worked out by
// hand, on memory, SQLite, PGlite and the PostgreSQL / MariaDB servers whose URLs are set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, type Crm, type CrmAdapter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { dialectTargets } from '../sql/dialect-targets.js';
import { alan, day, grace, salesPipeline, testClock } from './pipeline-fixture.js';

const at = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/**
 * Eight deals, all created in `lead` on 2025-01-06 09:00 UTC, amounts in EUR cents unless noted:
 *
 * | deal | owner | amount     | expected close | moves (09:00 UTC)                                            |
 * | D1   | grace | 10 000     | 2025-02-15     | stays in lead                                                |
 * | D2   | grace | 20 000     | 2025-02-20     | proposal 01-08; close date → 03-20 on 02-10, → 04-20 on 02-12  |
 * | D3   | alan  | 30 000     | 2025-04-10     | qualified 01-07, negotiation 01-10                           |
 * | D4   | alan  | 50 000 USD | 2025-03-05     | proposal 01-09                                               |
 * | D5   | grace | 40 000     | 2025-01-31     | qualified 01-07, proposal 01-09, won 01-16 (10 days)         |
 * | D6   | alan  | 10 000     | 2025-02-28     | qualified 01-08, lost 01-11 (price)                          |
 * | D7   | grace | 60 000     | 2025-02-28     | proposal 01-10, negotiation 01-14, won 02-05 (30 days)       |
 * | D8   | grace | none       | 2025-03-31     | lost 02-03 (no decision)                                     |
 */
async function writeScenario(crm: Crm, clock: ReturnType<typeof testClock>) {
  const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
  const pipeline = await crm.pipelines.create(structuredClone(salesPipeline));
  const deal = (title: string, ownerId: string, expected: string, amount?: number, currency = 'EUR') =>
    crm.deals.create({ pipelineId: pipeline.id, stageId: 'lead', customerId: acme.id, title, ownerId, expectedCloseDate: at(expected), ...(amount === undefined ? {} : { amount, currency }) });
  const d1 = await deal('D1', 'u_grace', '2025-02-15', 10_000);
  const d2 = await deal('D2', 'u_grace', '2025-02-20', 20_000);
  const d3 = await deal('D3', 'u_alan', '2025-04-10', 30_000);
  const d4 = await deal('D4', 'u_alan', '2025-03-05', 50_000, 'USD');
  const d5 = await deal('D5', 'u_grace', '2025-01-31', 40_000);
  const d6 = await deal('D6', 'u_alan', '2025-02-28', 10_000);
  const d7 = await deal('D7', 'u_grace', '2025-02-28', 60_000);
  const d8 = await deal('D8', 'u_grace', '2025-03-31');
  const asGrace = crm.withActor(grace).deals;
  const asAlan = crm.withActor(alan).deals;
  const on = (iso: string) => clock.set(`${iso}T09:00:00.000Z`);
  on('2025-01-07');
  await asAlan.moveToStage(d3.id, 'qualified');
  await asGrace.moveToStage(d5.id, 'qualified');
  on('2025-01-08');
  await asGrace.moveToStage(d2.id, 'proposal');
  await asAlan.moveToStage(d6.id, 'qualified');
  on('2025-01-09');
  await asAlan.moveToStage(d4.id, 'proposal');
  await asGrace.moveToStage(d5.id, 'proposal');
  on('2025-01-10');
  await asAlan.moveToStage(d3.id, 'negotiation');
  await asGrace.moveToStage(d7.id, 'proposal');
  on('2025-01-11');
  await asAlan.lose(d6.id, { reason: 'price' });
  on('2025-01-14');
  await asGrace.moveToStage(d7.id, 'negotiation');
  on('2025-01-16');
  await asGrace.win(d5.id);
  on('2025-02-03');
  await asGrace.lose(d8.id, { reason: 'no decision' });
  on('2025-02-05');
  await asGrace.win(d7.id);
  on('2025-02-10');
  await crm.deals.update(d2.id, (d) => void (d.expectedCloseDate = at('2025-03-20')));
  await crm.deals.update(d1.id, (d) => void (d.expectedCloseDate = at('2025-02-10'))); // earlier: no slip
  on('2025-02-12');
  await crm.deals.update(d2.id, (d) => void (d.expectedCloseDate = at('2025-04-20')));
  return { pipeline, deals: { d1, d2, d3, d4, d5, d6, d7, d8 } };
}

const targets: { name: string; create: () => Promise<CrmAdapter>; destroy: (adapter: CrmAdapter) => Promise<void>; end: () => Promise<void> }[] = [
  { name: 'memory', create: async () => memoryAdapter(), destroy: async () => {}, end: async () => {} },
  ...dialectTargets().map((target) => ({
    name: target.name,
    create: () => target.create(),
    destroy: (adapter: CrmAdapter) => target.destroy(adapter as never),
    end: () => target.end(),
  })),
];

describe.each(targets)('sales reports on $name', (target) => {
  let adapter: CrmAdapter;
  let crm: Crm;
  let scenario: Awaited<ReturnType<typeof writeScenario>>;
  beforeAll(async () => {
    adapter = await target.create();
    const clock = testClock('2025-01-06T09:00:00.000Z');
    crm = await createCrm({ adapter, clock });
    scenario = await writeScenario(crm, clock);
  }, 60_000);
  afterAll(async () => {
    await crm?.close();
    await target.destroy(adapter);
    await target.end();
  });

  it('forecast by month: open deals by expected close month and forecast category, weighted by stage probability; won deals as closed', async () => {
    expect(await crm.deals.forecast({ period: 'month' })).toEqual([
      { period: at('2025-01-01'), group: null, currency: 'EUR', category: 'closed', deals: 1, amount: 40_000, weightedAmount: 40_000 },
      { period: at('2025-02-01'), group: null, currency: 'EUR', category: 'pipeline', deals: 1, amount: 10_000, weightedAmount: 1_000 },
      { period: at('2025-02-01'), group: null, currency: 'EUR', category: 'closed', deals: 1, amount: 60_000, weightedAmount: 60_000 },
      { period: at('2025-03-01'), group: null, currency: 'USD', category: 'best_case', deals: 1, amount: 50_000, weightedAmount: 25_000 },
      { period: at('2025-04-01'), group: null, currency: 'EUR', category: 'best_case', deals: 1, amount: 20_000, weightedAmount: 10_000 },
      { period: at('2025-04-01'), group: null, currency: 'EUR', category: 'commit', deals: 1, amount: 30_000, weightedAmount: 24_000 },
    ]);
  });

  it('forecast by quarter and owner, and for one owner', async () => {
    expect(await crm.deals.forecast({ period: 'quarter', by: 'owner' })).toEqual([
      { period: at('2025-01-01'), group: 'u_alan', currency: 'USD', category: 'best_case', deals: 1, amount: 50_000, weightedAmount: 25_000 },
      { period: at('2025-01-01'), group: 'u_grace', currency: 'EUR', category: 'pipeline', deals: 1, amount: 10_000, weightedAmount: 1_000 },
      { period: at('2025-01-01'), group: 'u_grace', currency: 'EUR', category: 'closed', deals: 2, amount: 100_000, weightedAmount: 100_000 },
      { period: at('2025-04-01'), group: 'u_alan', currency: 'EUR', category: 'commit', deals: 1, amount: 30_000, weightedAmount: 24_000 },
      { period: at('2025-04-01'), group: 'u_grace', currency: 'EUR', category: 'best_case', deals: 1, amount: 20_000, weightedAmount: 10_000 },
    ]);
    const alans = await crm.deals.forecast({ period: 'quarter', ownerId: 'u_alan', pipelineId: scenario.pipeline.id });
    expect(alans.map((r) => [r.category, r.amount])).toEqual([['best_case', 50_000], ['commit', 30_000]]);
  });

  it('win rate, won amount, average deal size and sales cycle by month, and by quarter and owner', async () => {
    expect(await crm.deals.winMetrics({ period: 'month' })).toEqual([
      { period: at('2025-01-01'), group: null, won: 1, lost: 1, winRate: 0.5, wonAmount: { EUR: 40_000 }, averageDealSize: { EUR: 40_000 }, averageSalesCycleDays: 10 },
      { period: at('2025-02-01'), group: null, won: 1, lost: 1, winRate: 0.5, wonAmount: { EUR: 60_000 }, averageDealSize: { EUR: 60_000 }, averageSalesCycleDays: 30 },
    ]);
    expect(await crm.deals.winMetrics({ period: 'quarter', by: 'owner' })).toEqual([
      { period: at('2025-01-01'), group: 'u_alan', won: 0, lost: 1, winRate: 0, wonAmount: {}, averageDealSize: {}, averageSalesCycleDays: null },
      { period: at('2025-01-01'), group: 'u_grace', won: 2, lost: 1, winRate: 2 / 3, wonAmount: { EUR: 100_000 }, averageDealSize: { EUR: 50_000 }, averageSalesCycleDays: 20 },
    ]);
    expect(await crm.deals.winMetrics({ from: at('2025-02-01'), to: at('2025-03-01') })).toHaveLength(1);
  });

  it('stage-to-stage conversion and median / p90 time in stage', async () => {
    expect(await crm.deals.stageMetrics({ pipelineId: scenario.pipeline.id })).toEqual([
      // lead: 8 entered, 6 moved forward (D1 still there, D8 lost); stays 1,1,2,2,3,4,28 days
      { stageId: 'lead', entered: 8, movedForward: 6, conversion: 0.75, stays: 7, medianMs: 2 * day, p90Ms: 28 * day },
      // qualified: D3 → negotiation, D5 → proposal, D6 lost; stays 3, 2, 3 days
      { stageId: 'qualified', entered: 3, movedForward: 2, conversion: 2 / 3, stays: 3, medianMs: 3 * day, p90Ms: 3 * day },
      // proposal: D2, D4 still there, D5 won, D7 → negotiation; stays 7, 4 days
      { stageId: 'proposal', entered: 4, movedForward: 2, conversion: 0.5, stays: 2, medianMs: 4 * day, p90Ms: 7 * day },
      // negotiation: D3 still there, D7 won after 22 days
      { stageId: 'negotiation', entered: 2, movedForward: 1, conversion: 0.5, stays: 1, medianMs: 22 * day, p90Ms: 22 * day },
      { stageId: 'won', entered: 2, movedForward: 0, conversion: null, stays: 0, medianMs: null, p90Ms: null },
    ]);
    const grace = await crm.deals.stageMetrics({ pipelineId: scenario.pipeline.id, ownerId: 'u_grace', from: at('2025-01-09') });
    // grace's stays entered from 01-09: D5 proposal (7 d), D7 proposal (4 d), D7 negotiation (22 d), the two wins
    expect(grace.map((s) => [s.stageId, s.entered, s.stays, s.medianMs])).toEqual([
      ['lead', 0, 0, null],
      ['qualified', 0, 0, null],
      ['proposal', 2, 2, 4 * day],
      ['negotiation', 1, 1, 22 * day],
      ['won', 2, 0, null],
    ]);
  });

  it('pipeline velocity: open deals × win rate × average deal size ÷ sales cycle days', async () => {
    // closed from 01-01 to 03-01: D5, D7 won (EUR 100 000, 40 days), D6, D8 lost; open EUR deals D1, D2, D3
    expect(await crm.deals.velocity({ from: at('2025-01-01'), to: at('2025-03-01') })).toEqual([
      { group: null, currency: 'EUR', openDeals: 3, winRate: 0.5, averageDealSize: 50_000, averageSalesCycleDays: 20, perDay: 3750 },
    ]);
  });

  it('slipped deals: D2 moved its close date later twice, D1 earlier (no slip)', async () => {
    expect(await crm.deals.slipped({ period: 'month' })).toEqual([{ period: at('2025-02-01'), group: null, deals: 1, slips: 2, amount: { EUR: 20_000 } }]);
  });

  it('win probability: the stage probability with too few closed deals, else naive Bayes over stage reached, owner and amount band', async () => {
    const { d3 } = scenario.deals;
    expect(await crm.deals.winProbability(d3.id)).toEqual({ probability: 0.8, basis: 'stage', closedDeals: 4, reasons: [] });
    // won D5, D7; lost D6, D8. Stage table (won, lost) over first stays: lead 2,2 qualified 1,1 proposal 2,0
    // negotiation 1,0 won 2,0 lost 0,2 → k = 7, 8 won and 5 lost entries: negotiation (2/15) / (1/12) = 1.6.
    // Owners grace 2,1 alan 0,1 → k = 3: alan (1/5) / (2/5) = 0.5. Amount bands (D8 has none) under_100k 2,1,
    // three empty → k = 5: (3/7) / (2/6) = 9/7. Prior odds 3/3; odds 1.6 × 0.5 × 9/7 = 36/35 → 36/71.
    const scored = await crm.deals.winProbability(d3.id, { minClosedDeals: 4 });
    expect(scored.basis).toBe('model');
    expect(scored.probability).toBeCloseTo(36 / 71, 12);
    expect(scored.reasons.map((r) => [r.feature, r.value])).toEqual([
      ['owner', 'u_alan'],
      ['stage', 'negotiation'],
      ['amount_band', 'under_100k'],
    ]);
    expect(scored.reasons.map((r) => r.likelihoodRatio)).toEqual([expect.closeTo(0.5, 12), expect.closeTo(1.6, 12), expect.closeTo(9 / 7, 12)]);
  });
});
