import { describe, expect, it } from 'vitest';
import { isCrmError } from '../storage/errors.js';
import type { ConformanceHarness } from './conformance-harness.js';

/** Create, read, update, delete, through the crm and straight at the adapter. @internal */
export function defineCrudTests(harness: () => ConformanceHarness): void {
  describe('crud', () => {
    it('stores and returns a record with every type intact', async () => {
      const { crm } = harness();
      const since = new Date('2001-02-03T04:05:06.789Z');
      const created = await crm.customers.create({
        name: 'Ada Lovelace',
        emails: ['ADA@Example.com', 'ada@example.com', 'ada.l@example.org'],
        phones: ['+44 20 7946 0958'],
        addresses: [{ type: 'home', line1: '12 St James’s Square', city: 'London', country: 'gb' }],
        tags: ['vip', 'ünïcödé', '😀'],
        consent: { email: { status: 'granted', at: since, source: 'signup form' } },
        custom: { tier: 'gold', score: 12.5, vip: true, since, note: 'a "quoted" \'note\'; -- \u0000 end' },
      });
      const stored = await crm.customers.get(created.id);
      expect(stored).toEqual(created);
      expect(stored.emails).toEqual(['ada@example.com', 'ada.l@example.org']);
      expect(stored.phones).toEqual(['+442079460958']);
      expect(stored.addresses[0]!.country).toBe('GB');
      expect(stored.custom.since).toBeInstanceOf(Date);
      expect(stored.custom.since!.getTime()).toBe(since.getTime());
      expect(stored.consent.email!.at).toBeInstanceOf(Date);
      expect(stored.createdAt).toBeInstanceOf(Date);
      expect(stored.version).toBe(1);
      expect(stored.custom.note).toBe('a "quoted" \'note\'; -- \u0000 end');
    });

    it('assigns unique ids that sort in creation order', async () => {
      const { crm } = harness();
      const created = [];
      for (let i = 0; i < 20; i++) created.push(await crm.customers.create({ name: `c${i}` }));
      const ids = created.map((c) => c.id);
      expect(new Set(ids).size).toBe(20);
      expect([...ids].sort()).toEqual(ids);
    });

    it('keeps an id given on create', async () => {
      const { crm } = harness();
      const created = await crm.customers.create({ id: 'legacy-42', name: 'Imported' });
      expect(created.id).toBe('legacy-42');
      expect((await crm.customers.get('legacy-42')).name).toBe('Imported');
    });

    it('stamps createdAt and updatedAt from the clock', async () => {
      const { crm, clock } = harness();
      const created = await crm.customers.create({ name: 'Clocked' });
      expect(created.createdAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      clock.advance(60_000);
      const updated = await crm.customers.update(created.id, (draft) => {
        draft.name = 'Clocked again';
      });
      expect(updated.createdAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
      expect(updated.updatedAt.toISOString()).toBe('2025-01-01T00:01:00.000Z');
    });

    it('createMany returns the records in input order', async () => {
      const { crm } = harness();
      const created = await crm.customers.createMany([{ name: 'one' }, { name: 'two' }, { name: 'three' }]);
      expect(created.map((c) => c.name)).toEqual(['one', 'two', 'three']);
      expect(await crm.customers.count()).toBe(3);
    });

    it('createMany of nothing writes nothing', async () => {
      const { crm } = harness();
      expect(await crm.customers.createMany([])).toEqual([]);
      expect(await crm.customers.count()).toBe(0);
    });

    it('getMany answers in the order asked, undefined for missing ids', async () => {
      const { crm } = harness();
      const [a, b] = await crm.customers.createMany([{ name: 'a' }, { name: 'b' }]);
      const found = await crm.customers.getMany([b!.id, 'missing', a!.id, b!.id]);
      expect(found.map((r) => r?.name)).toEqual(['b', undefined, 'a', 'b']);
    });

    it('get of a missing id throws not_found', async () => {
      const { crm } = harness();
      await expect(crm.customers.get('nope')).rejects.toSatisfy((e) => isCrmError(e, 'not_found'));
    });

    it('update applies the recipe and increments the version', async () => {
      const { crm } = harness();
      const created = await crm.customers.create({ name: 'Ada', tags: ['a'] });
      const updated = await crm.customers.update(created.id, (draft) => {
        draft.tags.push('vip');
        draft.lifecycleStage = 'customer';
      });
      expect(updated.version).toBe(2);
      expect(updated.tags).toEqual(['a', 'vip']);
      expect(await crm.customers.get(created.id)).toEqual(updated);
    });

    it('an update that changes nothing writes nothing', async () => {
      const { crm, clock } = harness();
      const created = await crm.customers.create({ name: 'Still' });
      clock.advance(1000);
      const same = await crm.customers.update(created.id, () => {});
      expect(same.version).toBe(1);
      expect((await crm.customers.get(created.id)).updatedAt).toEqual(created.updatedAt);
    });

    it('update normalizes what the recipe wrote', async () => {
      const { crm } = harness();
      const created = await crm.customers.create({ name: 'Ada' });
      const updated = await crm.customers.update(created.id, (draft) => {
        draft.emails.push('  NEW@Example.COM ');
      });
      expect(updated.emails).toEqual(['new@example.com']);
    });

    it('update can remove an optional field', async () => {
      const { crm } = harness();
      const created = await crm.customers.create({ name: 'Ada', ownerId: 'u1' });
      const updated = await crm.customers.update(created.id, (draft) => {
        delete draft.ownerId;
      });
      expect(updated.ownerId).toBeUndefined();
      expect(await crm.customers.count({ field: 'ownerId', op: 'exists', value: true })).toBe(0);
    });

    it('update of a missing id throws not_found', async () => {
      const { crm } = harness();
      await expect(crm.customers.update('nope', (d) => void (d.name = 'x'))).rejects.toSatisfy((e) => isCrmError(e, 'not_found'));
    });

    it('delete removes the record', async () => {
      const { crm } = harness();
      const created = await crm.customers.create({ name: 'Gone' });
      await crm.customers.delete(created.id);
      expect(await crm.customers.getMany([created.id])).toEqual([undefined]);
      expect(await crm.customers.count()).toBe(0);
    });

    it('delete of a missing id throws not_found', async () => {
      const { crm } = harness();
      await expect(crm.customers.delete('nope')).rejects.toSatisfy((e) => isCrmError(e, 'not_found'));
    });

    it('deleteMany reports per item', async () => {
      const { crm } = harness();
      const [a, b] = await crm.customers.createMany([{ name: 'a' }, { name: 'b' }]);
      const results = await crm.customers.deleteMany([a!.id, 'missing', { id: b!.id, expectedVersion: 7 }]);
      expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'not_found', 'conflict']);
      expect((await crm.customers.find()).items.map((c) => c.name)).toEqual(['b']);
    });

    it('refuses to delete a customer that interactions still refer to', async () => {
      const { crm } = harness();
      const customer = await crm.customers.create({ name: 'Referenced' });
      await crm.interactions.create({ customerId: customer.id, channel: 'email', kind: 'message' });
      await expect(crm.customers.delete(customer.id)).rejects.toSatisfy((e) => isCrmError(e, 'conflict'));
      expect(await crm.customers.count()).toBe(1);
    });

    it('stores every model', async () => {
      const { crm } = harness();
      const customer = await crm.customers.create({ name: 'Acme', kind: 'organization' });
      const pipeline = await crm.pipelines.create({
        name: 'Sales',
        stages: [
          { id: 'lead', name: 'Lead', probability: 0.1 },
          { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
          { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
        ],
      });
      const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'lead', customerId: customer.id, title: 'Pilot', amount: 1_000_00, currency: 'usd' });
      const supportCase = await crm.cases.create({ customerId: customer.id, subject: 'Broken', priority: 'high' });
      const campaign = await crm.campaigns.create({ name: 'Spring', channel: 'email', budget: { amount: 500_00, currency: 'EUR' } });
      const member = await crm.campaignMembers.create({ campaignId: campaign.id, customerId: customer.id });
      const interaction = await crm.interactions.create({
        customerId: customer.id,
        channel: 'web',
        kind: 'purchase',
        purchase: { orderId: 'o-1', amount: 4999, currency: 'EUR', lineItems: [{ sku: 'sku-1', quantity: 1, unitPrice: 4999 }] },
      });
      expect(await crm.pipelines.get(pipeline.id)).toEqual(pipeline);
      expect(await crm.deals.get(deal.id)).toEqual(deal);
      expect(deal.status).toBe('open');
      expect(deal.currency).toBe('USD');
      expect(await crm.cases.get(supportCase.id)).toEqual(supportCase);
      expect(await crm.campaigns.get(campaign.id)).toEqual(campaign);
      expect(await crm.campaignMembers.get(member.id)).toEqual(member);
      expect(await crm.interactions.get(interaction.id)).toEqual(interaction);
    });

    it('finds a customer’s interactions in time order', async () => {
      const { crm, clock } = harness();
      const [ada, bob] = await crm.customers.createMany([{ name: 'Ada' }, { name: 'Bob' }]);
      for (let i = 0; i < 10; i++) {
        clock.advance(1000);
        await crm.interactions.create({ customerId: (i % 2 ? ada : bob)!.id, channel: 'email', kind: 'message', subject: `m${i}`, occurredAt: new Date(Date.UTC(2024, 0, 10 - i)) });
      }
      const { items } = await crm.interactions.find({
        where: { field: 'customerId', op: 'eq', value: ada!.id },
        sort: [{ field: 'occurredAt', direction: 'desc' }],
      });
      expect(items.map((i) => i.subject)).toEqual(['m1', 'm3', 'm5', 'm7', 'm9']);
    });
  });
}
