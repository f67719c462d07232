// Roles and scopes: crm.as(subject) restricts the same API to what the subject's
// role allows. Denied reads look like not found; denied writes are ForbiddenError
// and change nothing (checked through an unrestricted crm and the raw feed).
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createCrm, isCrmError, where, type RoleInput } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

const customFields = { customers: z.object({ partnerId: z.string().optional(), notes: z.string().optional() }), interactions: z.object({ partnerId: z.string().optional() }) };
const adapters = [
  { name: 'memory', create: () => memoryAdapter() },
  { name: 'sqlite', create: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) },
];

const distributor: RoleInput = {
  name: 'distributor',
  grants: [
    { collection: 'customers', operations: ['read'], scopes: [{ kind: 'partner', field: 'custom.partnerId' }], fields: { hidden: ['emails', 'custom.notes', 'searchKeys'], masked: ['phones'] } },
    { collection: 'interactions', operations: ['read'], scopes: [{ kind: 'partner', field: 'custom.partnerId' }] },
  ],
};
const salesRep: RoleInput = {
  name: 'sales rep',
  grants: [
    { collection: 'customers', operations: ['read', 'create', 'update'], scopes: [{ kind: 'own' }, { kind: 'shared' }] },
    { collection: 'customers', operations: ['read'], scopes: [{ kind: 'team' }] },
    { collection: 'interactions', operations: ['read', 'create'], scopes: [{ kind: 'own' }] },
  ],
};

describe.each(adapters)('roles on $name', ({ create }) => {
  async function world() {
    const crm = await createCrm({ adapter: create(), customFields });
    const ada = await crm.customers.create({ name: 'Ada', emails: ['ada@example.com'], phones: ['+442079460018'], ownerId: 'u1', custom: { partnerId: 'p1', notes: 'pays late' } });
    const bob = await crm.customers.create({ name: 'Bob', emails: ['bob@example.com'], ownerId: 'u2', custom: { partnerId: 'p2' } });
    const cy = await crm.customers.create({ name: 'Cy', ownerId: 'u3' });
    await crm.interactions.create({ customerId: ada.id, channel: 'web', kind: 'purchase', ownerId: 'u1', custom: { partnerId: 'p1' }, purchase: { orderId: 'o1', amount: 100, currency: 'EUR', lineItems: [] } });
    await crm.interactions.create({ customerId: bob.id, channel: 'web', kind: 'purchase', ownerId: 'u2', custom: { partnerId: 'p2' }, purchase: { orderId: 'o2', amount: 900, currency: 'EUR', lineItems: [] } });
    await crm.customers.update(ada.id, (draft) => void draft.emails.push('ada@work.example'));
    return { crm, ada, bob, cy };
  }

  it("shows a distributor its partner's customers and their orders, without emails or notes, phones masked", async () => {
    const { crm, ada, bob } = await world();
    const partner = crm.as({ actor: { kind: 'partner', id: 'p1' }, role: distributor, partnerId: 'p1' });
    const { items } = await partner.customers.find({});
    expect(items.map((c) => c.id)).toEqual([ada.id]);
    expect(items[0]).not.toHaveProperty('emails');
    expect(items[0]!.custom).toEqual({ partnerId: 'p1' });
    expect(items[0]!.phones).toEqual(['***']);
    expect(await partner.customers.getMany([ada.id, bob.id])).toEqual([items[0], undefined]);
    await expect(partner.customers.get(bob.id)).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    expect(await partner.interactions.count()).toBe(1);
    expect(await partner.interactions.aggregate({ groupBy: [], measures: [{ name: 'revenue', fn: 'sum', field: 'purchase.amount' }] })).toEqual([{ key: [], values: { revenue: 100 } }]);
    // History: only the records it can read, hidden fields' changes left out.
    const history = (await partner.customers.history(ada.id)).items;
    expect(history).toHaveLength(2);
    expect(JSON.stringify(history)).not.toContain('ada@');
    expect(JSON.stringify(history)).not.toContain('pays late');
    expect((await partner.customers.history(bob.id)).items).toEqual([]);
    // A filter on a hidden field would reveal it: refused.
    const probe = await partner.customers.count(where('emails', 'contains', 'ada@example.com')).catch((error: unknown) => error);
    expect(isCrmError(probe, 'invalid_query') && probe.issues.map((issue) => issue.code)).toEqual(['forbidden_field']);
    // Collections it has no grant on read as empty.
    expect(await partner.deals.count()).toBe(0);
    // Its change feed holds only the collections it reads whole: none.
    expect((await partner.changes.read()).entries).toEqual([]);
  });

  it('lets a sales rep read its own, its shared and its team’s customers, and write only its own and shared', async () => {
    const { crm, ada, bob, cy } = await world();
    const rep = crm.as({ actor: { kind: 'user', id: 'u1' }, role: salesRep, team: ['u2'], shared: { customers: [cy.id] } });
    expect((await rep.customers.find({})).items.map((c) => c.name).sort()).toEqual(['Ada', 'Bob', 'Cy']);
    await rep.customers.update(ada.id, (draft) => void draft.tags.push('vip'));
    await rep.customers.update(cy.id, (draft) => void draft.tags.push('shared-edit'));
    const created = await rep.customers.create({ name: 'Dee', ownerId: 'u1' });
    expect((await crm.customers.get(created.id)).ownerId).toBe('u1');
    // Bob is his team-mate's: readable, not writable.
    const before = await crm.customers.get(bob.id);
    const feedBefore = (await crm.changes.read({ limit: 1000 })).entries.length;
    const refusals = [
      rep.customers.update(bob.id, (draft) => void draft.tags.push('x')),
      rep.customers.delete(ada.id), // no delete grant
      rep.customers.create({ name: 'Eve', ownerId: 'u9' }), // a record for someone else
      rep.customers.update(ada.id, (draft) => void (draft.ownerId = 'u9')), // handing it away leaves the scope
      rep.deals.deleteMany([bob.id]),
    ];
    const errors = await Promise.all(refusals.map((refusal) => refusal.then(() => undefined, (error: unknown) => error)));
    expect(errors.map((error) => isCrmError(error, 'forbidden') && error.reason)).toEqual(['out_of_scope', 'operation', 'leaves_scope', 'leaves_scope', 'operation']);
    expect(await crm.customers.get(bob.id)).toEqual(before);
    expect((await crm.customers.get(ada.id)).ownerId).toBe('u1');
    expect(await crm.customers.count(where('name', 'eq', 'Eve'))).toBe(0);
    expect((await crm.changes.read({ limit: 1000 })).entries.length).toBe(feedBefore);
    // Interactions: its own only; one for a customer it cannot see is an unknown reference.
    expect(await rep.interactions.count()).toBe(1);
    const other = await crm.customers.create({ name: 'Zed', ownerId: 'u7' });
    const reference = await rep.interactions.create({ customerId: other.id, channel: 'web', kind: 'note', ownerId: 'u1' }).catch((error: unknown) => error);
    expect(isCrmError(reference, 'validation') && reference.issues.map((issue) => issue.code)).toEqual(['unknown_reference']);
  });

  it('records the restricted actor in history, and validates roles', async () => {
    const { crm, ada } = await world();
    const rep = crm.as({ actor: { kind: 'user', id: 'u1', name: 'Una' }, role: salesRep });
    await rep.customers.update(ada.id, (draft) => void draft.tags.push('seen'));
    expect((await crm.customers.history(ada.id)).items[0]!.actor).toEqual({ kind: 'user', id: 'u1', name: 'Una' });
    const bad = [
      { actor: { kind: 'user', id: 'u1' }, role: { name: 'x', grants: [{ collection: 'customers', operations: ['read', 'update'], fields: { hidden: ['emails'] } }] } },
      { actor: { kind: 'user', id: 'u1' }, role: { name: 'x', grants: [{ collection: 'customers', operations: ['read'], scopes: [{ kind: 'own', field: 'nope' }] }] } },
      { actor: { kind: 'user', id: 'u1' }, role: { name: 'x', grants: [{ collection: 'customers', operations: ['fly'] }] } },
    ];
    for (const subject of bad) expect(() => crm.as(subject as never)).toThrow(expect.objectContaining({ code: 'validation' }));
    // as() narrows: a restricted crm restricted again reaches the intersection.
    const narrower = rep.as({ actor: { kind: 'user', id: 'u1' }, role: { name: 'reader', grants: [{ collection: 'customers', operations: ['read'], scopes: [{ kind: 'all' }] }] } });
    expect(await narrower.customers.count()).toBe(1);
    await expect(narrower.customers.update(ada.id, (draft) => void draft.tags.push('y'))).rejects.toSatisfy((error) => isCrmError(error, 'forbidden'));
  });
});
