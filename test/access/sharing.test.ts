// Sharing with a partner: crm.sharing.share / revoke / list, expiry, and the
// partner reaching shared records through crm.as while the share lasts.
import { describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type RoleInput } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';

const reseller: RoleInput = {
  name: 'reseller',
  grants: [
    { collection: 'customers', operations: ['read', 'update'], scopes: [{ kind: 'shared' }] },
    { collection: 'deals', operations: ['read'], scopes: [{ kind: 'shared' }] },
  ],
};

describe.each([
  { name: 'memory', create: () => memoryAdapter() },
  { name: 'sqlite', create: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) },
])('sharing on $name', ({ create }) => {
  it('gives a partner what is shared with it, for as long as it is shared, and records who shared and revoked it', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const crm = await createCrm({ adapter: create(), clock: { now: () => now } });
    const ada = await crm.customers.create({ name: 'Ada' });
    const bob = await crm.customers.create({ name: 'Bob' });
    const partner = crm.as({ actor: { kind: 'partner', id: 'p7' }, role: reseller, partnerId: 'p7' });
    expect(await partner.customers.count()).toBe(0);

    const manager = crm.withActor({ kind: 'user', id: 'u1' });
    const readShare = await manager.sharing.share({ collection: 'customers', recordId: ada.id, partnerId: 'p7', reason: 'reseller account' });
    const writeShare = await manager.sharing.share({ collection: 'customers', recordId: bob.id, partnerId: 'p7', access: 'write', expiresAt: new Date('2026-02-01T00:00:00Z') });
    await manager.sharing.share({ collection: 'customers', recordId: bob.id, partnerId: 'p8' });
    expect((await partner.customers.find({})).items.map((c) => c.name).sort()).toEqual(['Ada', 'Bob']);
    expect((await crm.sharing.list({ partnerId: 'p7' })).map((s) => s.id).sort()).toEqual([readShare.id, writeShare.id].sort());
    expect((await crm.sharing.list({ recordId: bob.id })).map((s) => s.partnerId).sort()).toEqual(['p7', 'p8']);

    // Write access only where the share says so.
    await partner.customers.update(bob.id, (draft) => void draft.tags.push('resold'));
    const refused = await partner.customers.update(ada.id, (draft) => void draft.tags.push('resold')).catch((error: unknown) => error);
    expect(isCrmError(refused, 'forbidden') && refused.reason).toBe('out_of_scope');
    expect((await crm.customers.get(ada.id)).tags).toEqual([]);
    expect((await crm.customers.history(bob.id)).items[0]!.actor).toEqual({ kind: 'partner', id: 'p7' });

    // Expiry: after expiresAt the share no longer reaches the record, and list leaves it out.
    now = new Date('2026-02-02T00:00:00Z');
    expect((await partner.customers.find({})).items.map((c) => c.name)).toEqual(['Ada']);
    await expect(partner.customers.get(bob.id)).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    expect((await crm.sharing.list({ partnerId: 'p7' })).map((s) => s.id)).toEqual([readShare.id]);
    expect(await crm.sharing.list({ partnerId: 'p7', includeExpired: true })).toHaveLength(2);

    // Revoking ends it now; the share's history keeps who shared and who revoked it.
    await crm.withActor({ kind: 'user', id: 'u2' }).sharing.revoke(readShare.id);
    expect(await partner.customers.count()).toBe(0);
    const history = (await crm.shares.history(readShare.id)).items;
    expect(history.map((entry) => [entry.operation, entry.actor.id])).toEqual([['delete', 'u2'], ['create', 'u1']]);

    // Sharing a record that does not exist, or a collection that cannot be shared, is refused.
    await expect(crm.sharing.share({ collection: 'deals', recordId: 'nope', partnerId: 'p7' })).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    await expect(crm.sharing.share({ collection: 'tasks' as never, recordId: ada.id, partnerId: 'p7' })).rejects.toSatisfy((error) => isCrmError(error, 'validation'));
    await crm.close();
  });
});

describe('roles and sharing under tenancy', () => {
  it("confine a restricted crm to its tenant: another tenant's records and shares reach nothing", async () => {
    const acme = await createCrm({ adapter: memoryAdapter(), tenant: 'acme' });
    const globex = acme.forTenant('globex');
    const mine = await acme.customers.create({ name: 'Acme customer', ownerId: 'u1' });
    const theirs = await globex.customers.create({ name: 'Globex customer', ownerId: 'u1' });
    await globex.sharing.share({ collection: 'customers', recordId: theirs.id, partnerId: 'p7' });
    const role: RoleInput = { name: 'rep', grants: [{ collection: 'customers', operations: ['read', 'update'], scopes: [{ kind: 'own' }, { kind: 'shared' }] }] };
    const rep = acme.as({ actor: { kind: 'user', id: 'u1' }, role, partnerId: 'p7' });
    expect((await rep.customers.find({})).items.map((c) => c.id)).toEqual([mine.id]);
    await expect(rep.customers.update(theirs.id, (draft) => void draft.tags.push('x'))).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    // forTenant keeps the restriction; globex's share reaches its partner there only.
    const repInGlobex = rep.forTenant('globex');
    expect(repInGlobex.subject?.role.name).toBe('rep');
    expect((await repInGlobex.customers.find({})).items.map((c) => c.id)).toEqual([theirs.id]);
    expect(await acme.sharing.list({ partnerId: 'p7' })).toEqual([]);
    expect((await globex.customers.get(theirs.id)).tags).toEqual([]);
    await acme.close();
  });
});
