// The report: costs against budget, the funnel, revenue attributed under each model on a worked
// example (written out below), ROI, and the A/B verdict.
import { afterEach, describe, expect, it } from 'vitest';
import { type CrmAdapter } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { campaignWorld, day, hour } from './campaign-fixture.js';

describe.each(coreAdapters)('campaign report on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  /**
   * The worked example. Days from 2026-03-02 10:00 UTC; Spring is the campaign reported on.
   *
   *   day 0  Winter sent to Ada
   *   day 1  Ada buys 20.00   (only Winter touched her yet: nothing for Spring)
   *   day 2  Spring sent to Ada, Grace and Bob; Alan's send fails for good; Bob bounces
   *   day 3  Grace clicks
   *   day 5  Grace buys 50.00 (her only touch is Spring: all of it, under every model)
   *   day 6  Summer sent to Ada
   *   day 8  Ada buys 100.00  (touches Winter d0, Spring d2, Summer d6)
   *   day 40 Grace buys 70.00 (38 days after Spring: outside the 30-day window)
   *
   * Spring's share of Ada's 100.00 (10,000 minor units) by model:
   *   first_touch 0 (Winter) · last_touch 0 (Summer) · linear 3,333 (of 3,334 / 3,333 / 3,333)
   *   u_shaped 2,000 (40 / 20 / 40 %) · w_shaped 3,333 (three touches: a third each)
   *   time_decay, half-life 7 days, ages 8, 6 and 2 days: weights 2^(−8/7), 2^(−6/7), 2^(−2/7)
   *     = 0.24811, 0.30245, 0.44944 → 2,481.1 / 3,024.5 / 4,494.4 → floors 2,481 / 3,024 / 4,494
   *     and the one unit left goes to the largest remainder (Spring's .50): 3,025.
   * Spring's total = 5,000 (Grace) + that share. Costs 30.00 + 20.00 = 50.00.
   */
  async function workedExample() {
    adapter = create();
    const { crm, clock, customer } = await campaignWorld(adapter);
    const start = clock.now().getTime();
    const at = (days: number) => clock.set(new Date(start + days * day).toISOString());
    const [ada, grace, alan, bob] = [await customer('Ada'), await customer('Grace'), await customer('Alan'), await customer('Bob')];
    const buy = (who: { id: string }, amount: number, orderId: string) =>
      crm.interactions.create({ customerId: who.id, channel: 'web', kind: 'purchase', occurredAt: clock.now(), purchase: { orderId, amount, currency: 'EUR' } });
    const sendTo = async (name: string, people: { id: string }[], extra: object = {}) => {
      const campaign = await crm.campaigns.create({ name, channel: 'email', audience: { customerIds: people.map((p) => p.id) }, ...extra });
      await crm.campaigns.launch(campaign.id);
      await crm.campaigns.dispatch(campaign.id, ({ customer: c }) => {
        if (c.id === alan.id) throw new Error('rejected');
      }, { maxAttempts: 1 });
      return campaign;
    };
    at(0);
    await sendTo('Winter', [ada]);
    at(1);
    await buy(ada, 20_00, 'o-1');
    at(2);
    const spring = await sendTo('Spring', [ada, grace, alan, bob], { budget: { amount: 80_00, currency: 'EUR' } });
    const memberOf = async (who: { id: string }) => (await crm.campaignMembers.find()).items.find((m) => m.campaignId === spring.id && m.customerId === who.id)!;
    await crm.campaignMembers.setStatus((await memberOf(bob)).id, 'bounced');
    at(3);
    await crm.campaignMembers.setStatus((await memberOf(grace)).id, 'clicked');
    at(5);
    await buy(grace, 50_00, 'o-2');
    at(6);
    await sendTo('Summer', [ada]);
    at(8);
    await buy(ada, 100_00, 'o-3');
    at(40);
    await buy(grace, 70_00, 'o-4');
    await crm.campaignCosts.create({ campaignId: spring.id, cost: { amount: 30_00, currency: 'EUR' }, description: 'design' });
    await crm.campaignCosts.create({ campaignId: spring.id, cost: { amount: 20_00, currency: 'EUR' }, description: 'sending' });
    return { crm, spring };
  }

  it('attributes revenue under each model as the worked example computes', async () => {
    const { crm, spring } = await workedExample();
    const expected = { first_touch: 5000, last_touch: 5000, linear: 8333, time_decay: 8025, u_shaped: 7000, w_shaped: 8333 } as const;
    for (const [model, amount] of Object.entries(expected)) {
      const report = await crm.campaigns.report(spring.id, { model: model as keyof typeof expected });
      expect({ model, revenue: report.revenue }).toEqual({ model, revenue: [{ amount, currency: 'EUR' }] });
    }
    expect((await crm.campaigns.report(spring.id, { model: 'first_touch' })).conversions).toBe(1);
    expect((await crm.campaigns.report(spring.id, { model: 'linear' })).conversions).toBe(2);
    // A longer window takes in Grace's day-40 purchase too.
    expect((await crm.campaigns.report(spring.id, { model: 'linear', windowDays: 60 })).revenue).toEqual([{ amount: 8333 + 7000, currency: 'EUR' }]);
    // The host's own model: everything to the earliest e-mail after the first.
    const custom = await crm.campaigns.report(spring.id, { model: (touches) => touches.map((_, i) => (i === Math.min(1, touches.length - 1) ? 1 : 0)) });
    expect(custom).toMatchObject({ model: 'custom', revenue: [{ amount: 5000 + 10000, currency: 'EUR' }] });
  });

  it('reports the funnel, costs against budget, and ROI', async () => {
    const { crm, spring } = await workedExample();
    const report = await crm.campaigns.report(spring.id, { model: 'linear' });
    expect(report.funnel).toEqual({ targeted: 4, sent: 3, delivered: 1, opened: 1, clicked: 1, responded: 0, converted: 0, bounced: 1, unsubscribed: 0 });
    expect(report.budget).toEqual({ amount: 80_00, currency: 'EUR' });
    expect(report.costs).toEqual([{ amount: 50_00, currency: 'EUR' }]);
    expect(report.roi).toEqual([{ currency: 'EUR', revenue: 8333, costs: 5000, roi: (8333 - 5000) / 5000 }]);
    expect(report.windowDays).toBe(30);
    expect(report.variants).toBeUndefined();
  });

  it('refuses an unknown model, a bad window and bad weights from a host model, with typed errors', async () => {
    const { crm, spring } = await workedExample();
    await expect(crm.campaigns.report(spring.id, { model: 'everything' as never })).rejects.toMatchObject({ code: 'validation', issues: [{ path: ['model'] }] });
    await expect(crm.campaigns.report(spring.id, { windowDays: 0 })).rejects.toMatchObject({ issues: [{ path: ['windowDays'] }] });
    await expect(crm.campaigns.report(spring.id, { model: () => [Number.NaN] })).rejects.toMatchObject({ issues: [{ code: 'invalid_weights' }] });
  });

  it('compares A/B variants and declares a winner only on enough data', async () => {
    adapter = create();
    const { crm, clock, customer } = await campaignWorld(adapter);
    const test = await crm.campaigns.create({ name: 'Subject test', channel: 'email', variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }], audience: { tags: ['newsletter'] } });
    const people = [];
    for (let index = 0; index < 80; index++) people.push(await customer(`P${index}`));
    // A: 40 sent, 30 converted; B: 40 sent, 10 converted (assigned by hand to fix the table).
    const members = await crm.campaignMembers.createMany(people.map((p, i) => ({ campaignId: test.id, customerId: p.id, variant: i < 40 ? 'A' : 'B' })));
    for (const [i, member] of members.entries()) {
      await crm.campaignMembers.setStatus(member.id, 'sent');
      if ((i < 40 && i < 30) || (i >= 40 && i < 50)) await crm.campaignMembers.setStatus(member.id, 'converted', { at: new Date(clock.now().getTime() + hour) });
    }
    const report = await crm.campaigns.report(test.id);
    expect(report.variants).toMatchObject({
      metric: 'converted',
      verdict: 'winner',
      winner: 'A',
      rows: [
        { name: 'A', members: 40, sent: 40, successes: 30, rate: 0.75 },
        { name: 'B', members: 40, sent: 40, successes: 10, rate: 0.25 },
      ],
    });
    expect(report.variants!.test!.pValue).toBeLessThan(0.001);
    // Clicks count conversions too (a member who converted got past the click): the same verdict.
    expect((await crm.campaigns.report(test.id, { variantMetric: 'clicked' })).variants).toMatchObject({ verdict: 'winner', winner: 'A' });
    // 8 of 20 against 2 of 20 looks like a difference, but 2 successes are too few for the test's approximation.
    const small = await crm.campaigns.create({ name: 'Small test', channel: 'email', variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }], audience: { tags: ['newsletter'] } });
    const few = await crm.campaignMembers.createMany(people.slice(0, 40).map((p, i) => ({ campaignId: small.id, customerId: p.id, variant: i < 20 ? 'A' : 'B' })));
    for (const [i, member] of few.entries()) {
      await crm.campaignMembers.setStatus(member.id, 'sent');
      if (i < 8 || (i >= 20 && i < 22)) await crm.campaignMembers.setStatus(member.id, 'converted');
    }
    const verdict = (await crm.campaigns.report(small.id)).variants!;
    expect(verdict).toMatchObject({ verdict: 'not_enough_data', test: { best: 'A', runnerUp: 'B', enoughData: false } });
    expect(verdict.winner).toBeUndefined();
  });
});
