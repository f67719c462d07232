// Every write records who made it: createCrm({ actor }), crm.withActor(actor), the system by default.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, systemActor, type Actor, type Crm } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';

const grace: Actor = { kind: 'user', id: 'u_42', name: 'Grace' };
const importer: Actor = { kind: 'system', id: 'nightly-import' };

describe.each(coreAdapters)('actors on $name', ({ create }) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  it('are the system when createCrm is given none, and the given one otherwise', async () => {
    crm = await createCrm({ adapter: create() });
    expect(crm.actor).toEqual(systemActor);
    const seen: Actor[] = [];
    crm.events.on('customer.created', ({ actor }) => void seen.push(actor));
    await crm.customers.create({ name: 'Ada' });
    const asImporter = await createCrm({ adapter: create(), actor: importer });
    expect(asImporter.actor).toEqual(importer);
    await asImporter.close();
    expect(seen).toEqual([systemActor]);
  });

  it('travel with every event of a write made through withActor, the crm itself unchanged', async () => {
    crm = await createCrm({ adapter: create() });
    const seen: [string, Actor][] = [];
    crm.events.on('customer.created', ({ actor }) => void seen.push(['created', actor]));
    crm.events.on('customer.updated', ({ actor }) => void seen.push(['updated', actor]));
    crm.events.on('customer.deleted', ({ actor }) => void seen.push(['deleted', actor]));
    const asGrace = crm.withActor(grace);
    expect(asGrace.actor).toEqual(grace);
    const ada = await asGrace.customers.create({ name: 'Ada' });
    await crm.customers.update(ada.id, (draft) => void draft.tags.push('vip'));
    await asGrace.customers.delete(ada.id);
    expect(seen).toEqual([
      ['created', grace],
      ['updated', systemActor],
      ['deleted', grace],
    ]);
    expect(crm.actor).toEqual(systemActor);
  });

  it('hold inside transactions, a nested transaction of another actor joining with its own', async () => {
    crm = await createCrm({ adapter: create() });
    const seen: Actor[] = [];
    crm.events.on('customer.created', ({ actor }) => void seen.push(actor));
    await crm.withActor(grace).transaction(async (tx) => {
      await tx.customers.create({ name: 'By Grace in the transaction' });
      await crm.withActor(importer).transaction(async (inner) => {
        await inner.customers.create({ name: 'By the importer, nested' });
      });
      await crm.customers.create({ name: 'By the root crm, joined' });
    });
    expect(seen).toEqual([grace, importer, systemActor]);
    expect(await crm.customers.count()).toBe(3);
  });

  it('are validated: an unknown kind, an empty id or an unknown key is a ValidationError and writes nothing', async () => {
    crm = await createCrm({ adapter: create() });
    for (const bad of [{ kind: 'robot', id: 'r' }, { kind: 'user', id: '' }, { kind: 'user', id: 'u', role: 'admin' }, null, 'grace']) {
      let caught: unknown;
      try {
        crm.withActor(bad as never);
      } catch (error) {
        caught = error;
      }
      expect(isCrmError(caught, 'validation') && caught.issues[0]?.path[0]).toBe('actor');
    }
    await expect(createCrm({ adapter: create(), actor: { kind: 'user', id: 'x'.repeat(257) } })).rejects.toMatchObject({ code: 'validation' });
    expect(await crm.customers.count()).toBe(0);
  });
});
