// crm.customers.timeline: interactions, field changes, deal stage changes, case events and campaign touches in time order, one cursor.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm, type TimelineSource } from 'crmkit';
import { worldStages } from 'crmkit/testing';
import { customerDataAdapters } from './customer-data-adapters.js';

describe.each(customerDataAdapters)('timeline on $name', ({ create }) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  async function world() {
    let now = new Date('2026-03-01T09:00:00Z');
    crm = await createCrm({ adapter: create(), clock: { now: () => now } });
    const tick = () => void (now = new Date(now.getTime() + 60_000));
    const ada = await crm.customers.create({ name: 'Ada' });
    const grace = await crm.customers.create({ name: 'Grace' });
    tick();
    await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message', subject: 'first' });
    tick();
    await crm.customers.update(ada.id, (draft) => void (draft.lifecycleStage = 'qualified'));
    tick();
    const pipeline = await crm.pipelines.create({ name: 'Sales', stages: worldStages.map((stage) => ({ ...stage })), currency: 'EUR' });
    const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: ada.id, title: 'Pilot', amount: 100, currency: 'EUR' });
    tick();
    await crm.deals.update(deal.id, (draft) => void (draft.stageId = 'proposal'));
    await crm.deals.update(deal.id, (draft) => void (draft.title = 'Pilot 2')); // not a stage change
    tick();
    const supportCase = await crm.cases.create({ customerId: ada.id, subject: 'Help', priority: 'high' });
    tick();
    await crm.cases.transition(supportCase.id, 'open');
    tick();
    const campaign = await crm.campaigns.create({ name: 'Spring', channel: 'email' });
    await crm.campaignMembers.create({ campaignId: campaign.id, customerId: ada.id });
    tick();
    await crm.interactions.create({ customerId: ada.id, channel: 'phone', kind: 'call', subject: 'last' });
    await crm.interactions.create({ customerId: grace.id, channel: 'phone', kind: 'call', subject: 'not ada' });
    return { ada, deal };
  }

  it('lists every kind newest first', async () => {
    const { ada } = await world();
    const { items, nextCursor } = await crm.customers.timeline(ada.id);
    expect(items.map((entry) => entry.kind)).toEqual([
      'interaction',
      'campaign_touch',
      'case_event',
      'case_event',
      'deal_stage_change',
      'deal_stage_change',
      'field_change',
      'interaction',
    ]);
    expect(nextCursor).toBeUndefined();
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(items[i]!.at.getTime());
    expect(items.find((entry) => entry.kind === 'field_change')!.data.fields).toEqual([expect.objectContaining({ path: 'lifecycleStage', new: 'qualified' })]);
  });

  it('pages through every kind with one cursor, never repeating or skipping, and filters kinds', async () => {
    const { ada } = await world();
    const all = (await crm.customers.timeline(ada.id)).items.map((entry) => `${entry.kind}:${entry.id}`);
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await crm.customers.timeline(ada.id, { limit, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.items.map((entry) => `${entry.kind}:${entry.id}`));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toEqual(all);
    }
    const only = await crm.customers.timeline(ada.id, { kinds: ['interaction', 'deal_stage_change'] });
    expect(only.items.map((entry) => entry.kind)).toEqual(['interaction', 'deal_stage_change', 'deal_stage_change', 'interaction']);
  });

  it('takes entries from a source another module contributes', async () => {
    const { ada } = await world();
    const notes: TimelineSource = {
      kind: 'note',
      read: async ({ before, limit }) =>
        [{ kind: 'note', id: 'n1', at: new Date('2026-03-01T09:03:30Z'), collection: 'notes', recordId: 'n1', data: { text: 'called back' } }]
          .filter((entry) => before === undefined || entry.at < before.at || (before.inclusive && entry.at.getTime() === before.at.getTime()))
          .slice(0, limit),
    };
    const { items } = await crm.customers.timeline(ada.id, { sources: [notes], kinds: ['note', 'deal_stage_change'] });
    expect(items.map((entry) => entry.kind)).toEqual(['deal_stage_change', 'note', 'deal_stage_change']);
  });

  it('refuses bad options with a typed error', async () => {
    const { ada } = await world();
    for (const options of [{ limit: 0 }, { limit: 201 }, { cursor: 'x' }, { kinds: ['nope'] }]) {
      const error = await crm.customers.timeline(ada.id, options).catch((e: unknown) => e);
      expect(isCrmError(error) && error.code === 'invalid_query', JSON.stringify(options)).toBe(true);
    }
    const missing = await crm.customers.timeline('nobody').catch((e: unknown) => e);
    expect(isCrmError(missing) && missing.code === 'not_found').toBe(true);
  });
});
