// Ownership transfer with a reason: the owner field, a transfer row and the record's history in one
// transaction; refusals write nothing; a failing enclosing transaction rolls the transfer back.
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, type CrmAdapter } from 'crmkit';
import { stored } from '../pipelines/pipeline-fixture.js';
import { grace, handoffAdapters, handoffWorld, ownDealsRep } from './handoffs-fixture.js';

describe.each(handoffAdapters)('handoff transfers on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());
  const world = () => handoffWorld((adapter = create()));

  it('sets the owner field, writes a transfer row and the record history, and emits handoff.transferred', async () => {
    const { crm, deal, ticket, acme } = await world();
    const events: unknown[] = [];
    crm.events.on('handoff.transferred', ({ transfer, actor }) => events.push({ id: transfer.id, actor }));
    const me = crm.withActor(grace);
    const transfer = await me.handoffs.transfer('deals', deal.id, { to: 'u_alan', reason: '  Alan covers DACH ' });
    expect(transfer).toMatchObject({ collection: 'deals', recordId: deal.id, field: 'ownerId', from: 'u_grace', to: 'u_alan', reason: 'Alan covers DACH', actor: grace });
    expect((await stored(adapter, 'deals')).find((row) => row.id === deal.id)).toMatchObject({ ownerId: 'u_alan', version: deal.version + 1 });
    expect(await stored(adapter, 'ownershipTransfers')).toEqual([expect.objectContaining({ id: transfer.id, from: 'u_grace', to: 'u_alan' })]);
    const history = await crm.deals.history(deal.id);
    expect(history.items[0]).toMatchObject({ actor: grace, fields: [expect.objectContaining({ path: 'ownerId', old: 'u_grace', new: 'u_alan' })] });
    expect(events).toEqual([{ id: transfer.id, actor: grace }]);

    // A case goes through crm.cases.assign: its timeline has the assignment.
    await me.handoffs.transfer('cases', ticket.id, { to: 'u_ada', reason: 'Billing question' });
    expect((await crm.cases.get(ticket.id)).assigneeId).toBe('u_ada');
    expect((await stored(adapter, 'caseEvents')).filter((row) => row.kind === 'assigned').at(-1)).toMatchObject({ caseId: ticket.id, from: 'u_grace', to: 'u_ada', actor: grace });
    // A record without an owner yet: no from.
    const task = await crm.tasks.create({ title: 'Call', customerId: acme.id, dueAt: new Date('2025-03-04T10:00:00Z') });
    expect(await me.handoffs.transfer('tasks', task.id, { to: 'u_alan', reason: 'Alan calls' })).not.toHaveProperty('from');
    const listed = await crm.handoffs.transfers('deals', deal.id);
    expect(listed.items.map((t) => t.to)).toEqual(['u_alan']);
    await me.handoffs.transfer('deals', deal.id, { to: 'u_ada', reason: 'Back to Ada' });
    expect((await crm.handoffs.transfers('deals', deal.id)).items.map((t) => [t.from, t.to])).toEqual([['u_grace', 'u_alan'], ['u_alan', 'u_ada']]);
  });

  it('refuses already_owner, collections without an owner field and bad input, and writes nothing', async () => {
    const { crm, deal, acme } = await world();
    const interaction = await crm.interactions.create({ customerId: acme.id, channel: 'email', kind: 'message' } as never).catch(() => undefined);
    const before = { deals: await stored(adapter, 'deals'), transfers: await stored(adapter, 'ownershipTransfers'), history: await stored(adapter, 'historyEntries') };
    let emitted = 0;
    crm.events.on('handoff.transferred', () => void (emitted += 1));
    const error = await crm.handoffs.transfer('deals', deal.id, { to: 'u_grace', reason: 'again' }).catch((e: unknown) => e);
    expect(isCrmError(error, 'invalid_transition') && error.reason).toBe('already_owner');
    for (const [collection, input, path] of [
      ['interactions', { to: 'u_alan', reason: 'x' }, ['collection']],
      ['pipelines', { to: 'u_alan', reason: 'x' }, ['collection']],
      ['planets', { to: 'u_alan', reason: 'x' }, ['collection']],
      ['deals', { to: 'u_alan', reason: '   ' }, ['reason']],
      ['deals', { to: 'u_alan', reason: 'x'.repeat(1001) }, ['reason']],
      ['deals', { to: '', reason: 'x' }, ['to']],
      ['deals', { reason: 'x' }, ['to']],
    ] as const) {
      const refused = await crm.handoffs.transfer(collection, interaction?.id ?? deal.id, input as never).catch((e: unknown) => e);
      expect(isCrmError(refused, 'validation'), `${collection} ${JSON.stringify(input)}`).toBe(true);
      expect((refused as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path)).toContainEqual(path);
    }
    await expect(crm.handoffs.transfer('deals', 'no-such-deal', { to: 'u_alan', reason: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    expect({ deals: await stored(adapter, 'deals'), transfers: await stored(adapter, 'ownershipTransfers'), history: await stored(adapter, 'historyEntries') }).toEqual(before);
    expect(emitted).toBe(0);
  });

  it('is rolled back with a crm.transaction that throws, and emits nothing', async () => {
    const { crm, deal } = await world();
    let emitted = 0;
    crm.events.on('handoff.transferred', () => void (emitted += 1));
    const before = { deals: await stored(adapter, 'deals'), transfers: await stored(adapter, 'ownershipTransfers'), feed: await stored(adapter, 'changeFeed') };
    await expect(
      crm.withActor(grace).transaction(async () => {
        await crm.withActor(grace).handoffs.transfer('deals', deal.id, { to: 'u_alan', reason: 'territory' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect({ deals: await stored(adapter, 'deals'), transfers: await stored(adapter, 'ownershipTransfers'), feed: await stored(adapter, 'changeFeed') }).toEqual(before);
    expect(emitted).toBe(0);
  });

  it('applies the subject\'s access: a deal it cannot see is not_found, one that would leave its scope is forbidden, nothing written', async () => {
    const { crm, deal, other } = await world();
    const rep = crm.as({ actor: grace, role: ownDealsRep });
    const before = { deals: await stored(adapter, 'deals'), transfers: await stored(adapter, 'ownershipTransfers') };
    await expect(rep.handoffs.transfer('deals', other.id, { to: 'u_grace', reason: 'mine now' })).rejects.toMatchObject({ code: 'not_found' });
    // Own-scope update: giving the deal away would take it out of the rep's scope.
    await expect(rep.handoffs.transfer('deals', deal.id, { to: 'u_alan', reason: 'Alan covers DACH' })).rejects.toMatchObject({ code: 'forbidden' });
    expect({ deals: await stored(adapter, 'deals'), transfers: await stored(adapter, 'ownershipTransfers') }).toEqual(before);
    const manager = crm.as({
      actor: grace,
      role: { ...ownDealsRep, name: 'manager', grants: [...ownDealsRep.grants.filter((grant) => grant.collection !== 'deals'), { collection: 'deals', operations: ['read', 'update'] }] },
    });
    const transfer = await manager.handoffs.transfer('deals', deal.id, { to: 'u_alan', reason: 'Alan covers DACH' });
    expect(transfer.actor).toEqual(grace);
    expect((await crm.deals.get(deal.id)).ownerId).toBe('u_alan');
  });
});
