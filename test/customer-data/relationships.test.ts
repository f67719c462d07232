// crm.relationships: typed links between people and organizations, with roles and dates, queried both ways.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm } from 'crmkit';
import { customerDataAdapters } from './customer-data-adapters.js';

describe.each(customerDataAdapters)('relationships on $name', ({ create }) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  async function seed() {
    crm = await createCrm({ adapter: create() });
    const [acme, globex, initech, ada, grace] = await crm.customers.createMany([
      { kind: 'organization', name: 'Acme' },
      { kind: 'organization', name: 'Globex' },
      { kind: 'organization', name: 'Initech' },
      { name: 'Ada Lovelace' },
      { name: 'Grace Hopper' },
    ]);
    return { acme: acme!, globex: globex!, initech: initech!, ada: ada!, grace: grace! };
  }

  it('answers "who does Ada report to" and "Acme\'s distributors", current or at a date', async () => {
    const { acme, globex, initech, ada, grace } = await seed();
    await crm.relationships.create({ fromId: ada.id, toId: acme.id, type: 'works_at', role: 'CTO', startedAt: new Date('2020-01-01') });
    await crm.relationships.create({ fromId: ada.id, toId: grace.id, type: 'reports_to' });
    await crm.relationships.create({ fromId: globex.id, toId: acme.id, type: 'distributor', startedAt: new Date('2021-01-01'), endedAt: new Date('2023-01-01') });
    await crm.relationships.create({ fromId: initech.id, toId: acme.id, type: 'distributor', startedAt: new Date('2022-06-01') });
    await crm.relationships.create({ fromId: initech.id, toId: acme.id, type: 'franchisee' }); // a host's own type

    const boss = await crm.relationships.of(ada.id, { type: 'reports_to', direction: 'outgoing' });
    expect(boss.map((r) => r.otherId)).toEqual([grace.id]);
    const distributors = await crm.relationships.of(acme.id, { type: 'distributor', direction: 'incoming' });
    expect(distributors.map((r) => r.otherId)).toEqual([globex.id, initech.id]);
    expect((await crm.relationships.of(acme.id, { type: 'distributor', direction: 'incoming', at: new Date('2022-01-01') })).map((r) => r.otherId)).toEqual([globex.id]);
    expect((await crm.relationships.of(acme.id, { type: 'distributor', direction: 'incoming', at: new Date('2024-01-01') })).map((r) => r.otherId)).toEqual([initech.id]);
    expect((await crm.relationships.of(acme.id, { type: ['distributor', 'franchisee'], direction: 'incoming' })).length).toBe(3);
    const ofAda = await crm.relationships.of(ada.id);
    expect(ofAda.map((r) => [r.direction, r.relationship.type, r.relationship.role])).toEqual([
      ['outgoing', 'works_at', 'CTO'],
      ['outgoing', 'reports_to', undefined],
    ]);
    const ofGrace = await crm.relationships.of(grace.id);
    expect(ofGrace.map((r) => [r.direction, r.otherId])).toEqual([['incoming', ada.id]]);
  });

  it('refuses a link to nobody, to itself, ending before it began, or of a malformed type, and writes nothing', async () => {
    const { acme, ada } = await seed();
    const attempts = [
      { fromId: ada.id, toId: 'no-such-customer', type: 'works_at' },
      { fromId: ada.id, toId: ada.id, type: 'partner' },
      { fromId: ada.id, toId: acme.id, type: 'works_at', startedAt: new Date('2024-01-01'), endedAt: new Date('2023-01-01') },
      { fromId: ada.id, toId: acme.id, type: 'Works At' },
    ];
    for (const input of attempts) {
      const error = await crm.relationships.create(input).catch((e: unknown) => e);
      expect(isCrmError(error) && error.code === 'validation', JSON.stringify(input)).toBe(true);
    }
    expect(await crm.relationships.count()).toBe(0);
    const bad = await crm.relationships.of(ada.id, { direction: 'sideways' as never }).catch((e: unknown) => e);
    expect(isCrmError(bad) && bad.code === 'invalid_query').toBe(true);
  });

  it('keeps a related customer from being deleted while the relationship stands', async () => {
    const { acme, ada } = await seed();
    const job = await crm.relationships.create({ fromId: ada.id, toId: acme.id, type: 'works_at' });
    const error = await crm.customers.delete(acme.id).catch((e: unknown) => e);
    expect(isCrmError(error) && error.code === 'conflict').toBe(true);
    await crm.relationships.delete(job.id);
    await crm.customers.delete(acme.id);
    expect(await crm.customers.getMany([acme.id])).toEqual([undefined]);
  });
});
