import { systemActor } from '../services/actor.js';
import { describe, expect, it } from './conformance-runner.js';
import { expectCrmError } from './expect-crm-error.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { worldStages } from './seed-world.js';

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

    it('hands out deeply frozen records from every read and write, so a stray assignment throws instead of drifting from storage', async () => {
      const { crm } = harness();
      const created = await crm.customers.create({
        name: 'Ada',
        tags: ['vip'],
        addresses: [{ type: 'home', line1: '12 St James’s Square', city: 'London' }],
        consent: { email: { status: 'granted', at: new Date(0), source: 'signup form' } },
      });
      const updated = await crm.customers.update(created.id, (draft) => {
        draft.name = 'Ada L';
      });
      const got = await crm.customers.get(created.id);
      const [many] = await crm.customers.getMany([created.id]);
      const { items } = await crm.customers.find({ where: { field: 'name', op: 'eq', value: 'Ada L' } });
      const scanned = [];
      for await (const batch of crm.customers.scan()) scanned.push(...batch);
      for (const [how, record] of Object.entries({ created, updated, got, many, found: items[0], scanned: scanned[0] })) {
        const mutable = record as unknown as { name: string; tags: string[]; addresses: { city: string }[]; consent: { email: { source: string } } };
        expect(Object.isFrozen(mutable), how).toBe(true);
        expect(throwsTypeError(() => (mutable.name = 'Eve')), how).toBe(true);
        expect(throwsTypeError(() => mutable.tags.push('x')), how).toBe(true);
        expect(throwsTypeError(() => (mutable.addresses[0]!.city = 'Paris')), how).toBe(true);
        expect(throwsTypeError(() => (mutable.consent.email.source = 'forged')), how).toBe(true);
      }
      expect((await crm.customers.get(created.id)).name).toBe('Ada L');
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
      await expectCrmError(crm.customers.get('nope'), 'not_found');
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
      await expectCrmError(crm.customers.update('nope', (d) => void (d.name = 'x')), 'not_found');
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
      await expectCrmError(crm.customers.delete('nope'), 'not_found');
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
      await expectCrmError(crm.customers.delete(customer.id), 'conflict');
      expect(await crm.customers.count()).toBe(1);
    });

    it('stores every model', async () => {
      const { crm } = harness();
      const customer = await crm.customers.create({ name: 'Acme', kind: 'organization' });
      const pipeline = await crm.pipelines.create({ name: 'Sales', stages: [...worldStages] });
      const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: customer.id, title: 'Pilot', amount: 1_000_00, currency: 'usd' });
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
    it('keeps numbers exactly: negative, fractional, tiny, huge and the largest safe integer', async () => {
      const { crm } = harness();
      const scores = [-1.5, 0.1 + 0.2, 1e-300, -1e300, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
      const created = await crm.customers.createMany(scores.map((score, i) => ({ name: `n${i}`, custom: { score } })));
      const read = await crm.customers.getMany(created.map((c) => c.id));
      expect(read.map((r) => r!.custom.score)).toEqual(scores);
      expect(await crm.customers.count({ field: 'custom.score', op: 'eq', value: 0.1 + 0.2 })).toBe(1);
      expect(await crm.customers.count({ field: 'custom.score', op: 'eq', value: 0.3 })).toBe(0);
      expect(await crm.customers.count({ field: 'custom.score', op: 'gt', value: 0 })).toBe(3);
    });

    it('keeps dates far in the past and the future, to the millisecond', async () => {
      const { crm } = harness();
      const dates = ['0001-01-01T00:00:00.000Z', '1899-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'].map((iso) => new Date(iso));
      const created = await crm.customers.createMany(dates.map((since, i) => ({ name: `d${i}`, custom: { since } })));
      const read = await crm.customers.getMany(created.map((c) => c.id));
      expect(read.map((r) => r!.custom.since!.toISOString())).toEqual(dates.map((d) => d.toISOString()));
      const { items } = await crm.customers.find({ sort: [{ field: 'custom.since', direction: 'desc' }] });
      expect(items.map((r) => r.name)).toEqual(['d3', 'd2', 'd1', 'd0']);
      expect(await crm.customers.count({ field: 'custom.since', op: 'lt', value: new Date(0) })).toBe(2);
    });

    it('keeps a long text intact', async () => {
      const { crm } = harness();
      const customer = await crm.customers.create({ name: 'Talkative' });
      const body = 'Lorem ipsum 😀 dolor. '.repeat(5000);
      const created = await crm.interactions.create({ customerId: customer.id, channel: 'email', kind: 'message', body });
      expect((await crm.interactions.get(created.id)).body).toBe(body);
    });

    it('an update keeps the fields the recipe did not touch, nested dates included', async () => {
      const { crm } = harness();
      const at = new Date('2024-03-04T05:06:07.089Z');
      const created = await crm.customers.create({
        name: 'Ada',
        addresses: [{ type: 'work', line1: '1 Main St', city: 'London' }],
        consent: { email: { status: 'granted', at } },
        tags: ['a'],
      });
      const updated = await crm.customers.update(created.id, (d) => void (d.lifecycleStage = 'customer'));
      expect({ ...updated, lifecycleStage: created.lifecycleStage, version: 1, updatedAt: created.updatedAt }).toEqual(created);
      expect((await crm.customers.get(created.id)).consent.email!.at).toEqual(at);
    });

    it('records of nested paths are filterable: purchase.amount and consent.email.status', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada', consent: { email: { status: 'granted', at: new Date(0) } } });
      await crm.customers.create({ name: 'Bob', consent: { email: { status: 'denied', at: new Date(0) } } });
      await crm.customers.create({ name: 'Cy' });
      const purchase = (orderId: string, amount: number) => ({ customerId: ada.id, channel: 'web' as const, kind: 'purchase' as const, purchase: { orderId, amount, currency: 'EUR' } });
      await crm.interactions.createMany([purchase('o1', 500), purchase('o2', 1500), { customerId: ada.id, channel: 'email', kind: 'message' }]);
      expect(await crm.interactions.count({ field: 'purchase.amount', op: 'gt', value: 1000 })).toBe(1);
      expect(await crm.interactions.count({ field: 'purchase.amount', op: 'exists', value: false })).toBe(1);
      expect(await crm.interactions.count({ field: 'purchase.orderId', op: 'in', value: ['o1', 'o3'] })).toBe(1);
      expect((await crm.customers.find({ where: { field: 'consent.email.status', op: 'ne', value: 'denied' } })).items.map((c) => c.name)).toEqual(['Ada', 'Cy']);
    });

    it('an empty string array is present: exists true, and nin matches it', async () => {
      const { crm } = harness();
      await crm.customers.createMany([{ name: 'untagged' }, { name: 'tagged', tags: ['x'] }]);
      expect(await crm.customers.count({ field: 'tags', op: 'exists', value: true })).toBe(2);
      expect(await crm.customers.count({ field: 'tags', op: 'exists', value: false })).toBe(0);
      expect((await crm.customers.find({ where: { field: 'tags', op: 'nin', value: ['x'] } })).items.map((c) => c.name)).toEqual(['untagged']);
      expect(await crm.customers.count({ field: 'tags', op: 'in', value: [] })).toBe(0);
    });

    it('a deleted id can be used again', async () => {
      const { crm } = harness();
      await crm.customers.create({ id: 'reused', name: 'first' });
      await crm.customers.delete('reused');
      const again = await crm.customers.create({ id: 'reused', name: 'second' });
      expect(again.version).toBe(1);
      expect((await crm.customers.get('reused')).name).toBe('second');
    });

    it('deleteMany may delete an organization together with the people who belong to it', async () => {
      const { crm } = harness();
      const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
      const ada = await crm.customers.create({ name: 'Ada', organizationId: acme.id });
      await expectCrmError(crm.customers.delete(acme.id), 'conflict');
      const results = await crm.customers.deleteMany([acme.id, ada.id]);
      expect(results.map((r) => r.ok)).toEqual([true, true]);
      expect(await crm.customers.count()).toBe(0);
    });

    it('emits created, updated (with patches) and deleted events with the stored records', async () => {
      const { crm } = harness();
      const events: [string, unknown][] = [];
      crm.events.on('*', (name, payload) => void events.push([name, payload]));
      const ada = await crm.customers.create({ name: 'Ada' });
      const updated = await crm.customers.update(ada.id, (d) => void d.tags.push('vip'));
      await crm.customers.delete(ada.id);
      expect(events.map(([name]) => name)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
      expect(events[0]![1]).toEqual({ record: ada, actor: systemActor });
      expect(events[1]![1]).toMatchObject({ record: updated, previous: ada, patches: [{ op: 'add', path: ['tags', 0], value: 'vip' }] });
      expect(events[2]![1]).toEqual({ id: ada.id, previous: updated, actor: systemActor });
    });

    it('a deal follows its stage: status, closedAt and stageEnteredAt, with a stageChanged event', async () => {
      const { crm, clock } = harness();
      const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
      const pipeline = await crm.pipelines.create({ name: 'Sales', stages: [...worldStages] });
      const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: acme.id, title: 'Pilot' });
      const moves: unknown[] = [];
      crm.events.on('deal.stageChanged', (e) => void moves.push([e.fromStageId, e.toStageId]));
      clock.advance(60_000);
      const won = await crm.deals.update(deal.id, (d) => void (d.stageId = 'won'));
      expect(won.status).toBe('won');
      expect(won.closedAt).toEqual(clock.now());
      expect(won.stageEnteredAt).toEqual(clock.now());
      const reopened = await crm.deals.update(deal.id, (d) => void (d.stageId = 'qualify'));
      expect(reopened.status).toBe('open');
      expect(reopened.closedAt).toBeUndefined();
      expect(await crm.deals.count({ field: 'closedAt', op: 'exists', value: false })).toBe(1);
      expect(moves).toEqual([
        ['qualify', 'won'],
        ['won', 'qualify'],
      ]);
    });

    it('count without a filter counts every record, per collection', async () => {
      const { crm } = harness();
      const ada = await crm.customers.create({ name: 'Ada' });
      await crm.interactions.createMany([
        { customerId: ada.id, channel: 'email', kind: 'message' },
        { customerId: ada.id, channel: 'email', kind: 'message' },
      ]);
      expect(await crm.customers.count()).toBe(1);
      expect(await crm.interactions.count()).toBe(2);
      expect(await crm.cases.count()).toBe(0);
    });

    it('getMany of no ids is an empty list', async () => {
      const { crm } = harness();
      expect(await crm.customers.getMany([])).toEqual([]);
    });
  });
}

/** Whether `fn` throws a `TypeError` (what assigning to a frozen object does in strict code). */
function throwsTypeError(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (error) {
    return error instanceof TypeError;
  }
}
