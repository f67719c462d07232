// crm.customers.merge / unmerge: one true record per customer, and every merge can be undone.
import { fc } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type Crm } from 'crmkit';
import { worldStages } from 'crmkit/testing';
import { customerDataAdapters } from './customer-data-adapters.js';

/** Every record of every collection the merge touches, without the fields each write changes anyway (version, updatedAt). */
async function snapshot(crm: Crm): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const collection of ['customers', 'interactions', 'relationships', 'deals', 'cases', 'campaignMembers'] as const) {
    const rows: unknown[] = [];
    for await (const batch of (crm[collection] as { scan(): AsyncIterable<readonly Record<string, unknown>[]> }).scan()) {
      for (const { version: _v, updatedAt: _u, ...rest } of batch) rows.push(rest);
    }
    out[collection] = rows;
  }
  return out;
}

describe.each(customerDataAdapters)('merge and unmerge on $name', ({ create }) => {
  let crm: Crm;
  afterEach(async () => crm?.close());

  async function world() {
    crm = await createCrm({ adapter: create() });
    const [ada, dupe, grace, acme] = await crm.customers.createMany([
      { name: 'Ada Lovelace', emails: ['ada@example.com'], tags: ['vip'], lifecycleStage: 'lead' },
      { name: 'Ada K. Lovelace', emails: ['ada.k@example.com', 'ada@example.com'], phones: ['+442079460018'], tags: ['math'], lifecycleStage: 'customer', ownerId: 'u7' },
      { name: 'Grace Hopper' },
      { kind: 'organization', name: 'Acme' },
    ]);
    const pipeline = await crm.pipelines.create({ name: 'Sales', stages: worldStages.map((stage) => ({ ...stage })), currency: 'EUR' });
    const campaign = await crm.campaigns.create({ name: 'Spring', channel: 'email' });
    await crm.interactions.createMany([
      { customerId: dupe!.id, channel: 'email', kind: 'message', direction: 'inbound', subject: 'hello' } as never,
      { customerId: ada!.id, channel: 'phone', kind: 'call', direction: 'outbound' } as never,
    ]);
    await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: dupe!.id, title: 'Pilot', amount: 12_000_00, currency: 'EUR' });
    await crm.cases.create({ customerId: dupe!.id, subject: 'Invoice missing', priority: 'high' });
    await crm.campaignMembers.create({ campaignId: campaign.id, customerId: dupe!.id });
    await crm.relationships.create({ fromId: dupe!.id, toId: acme!.id, type: 'works_at' });
    await crm.relationships.create({ fromId: dupe!.id, toId: ada!.id, type: 'partner' }); // between the two: removed by the merge
    await crm.relationships.create({ fromId: grace!.id, toId: dupe!.id, type: 'reports_to' });
    return { ada: ada!, dupe: dupe!, grace: grace!, acme: acme! };
  }

  it('moves every referring record to the survivor, combines fields by rules, deletes the loser, emits customer.merged', async () => {
    const { ada, dupe, grace, acme } = await world();
    const events: unknown[] = [];
    crm.events.on('customer.merged', (event) => void events.push(event));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await crm.customers.update(dupe.id, (draft) => void (draft.lifecycleStage = 'evangelist'));
    const merge = await crm.customers.merge(ada.id, [dupe.id], { rules: { lifecycleStage: 'newest' } });
    const survivor = await crm.customers.get(ada.id);
    expect(survivor.emails).toEqual(['ada@example.com', 'ada.k@example.com']);
    expect(survivor.phones).toEqual(['+442079460018']);
    expect(survivor.tags).toEqual(['vip', 'math']);
    expect(survivor.name).toBe('Ada Lovelace'); // survivor wins
    expect(survivor.ownerId).toBe('u7'); // filled in from the loser
    expect(survivor.lifecycleStage).toBe('evangelist'); // newest wins (the loser was written later)
    expect(await crm.customers.getMany([dupe.id])).toEqual([undefined]);
    for (const collection of ['interactions', 'deals', 'cases', 'campaignMembers'] as const) {
      const rows: { customerId: string }[] = [];
      for await (const batch of (crm[collection] as { scan(): AsyncIterable<readonly { customerId: string }[]> }).scan()) rows.push(...batch);
      expect(rows.every((row) => row.customerId === ada.id), collection).toBe(true);
    }
    const related = await crm.relationships.of(ada.id);
    expect(related.map((r) => [r.direction, r.relationship.type, r.otherId])).toEqual([
      ['outgoing', 'works_at', acme.id],
      ['incoming', 'reports_to', grace.id],
    ]);
    expect(merge.removed.map((r) => r.collection)).toEqual(['relationships']);
    expect(events).toEqual([expect.objectContaining({ mergeId: merge.id, loserIds: [dupe.id] })]);
    // The move is in the moved records' history.
    const [interaction] = (await crm.interactions.find({ where: { field: 'subject', op: 'eq', value: 'hello' } })).items;
    const history = await crm.interactions.history(interaction!.id);
    expect(history.items.some((entry) => entry.fields.some((f) => f.path === 'customerId' && f.old === dupe.id && f.new === ada.id))).toBe(true);
  });

  it('unmerge puts every record back as it was, and refuses a second unmerge', async () => {
    const { ada, dupe } = await world();
    const before = await snapshot(crm);
    const merge = await crm.customers.merge(ada.id, [dupe.id]);
    expect(await snapshot(crm)).not.toEqual(before);
    await crm.customers.unmerge(merge.id);
    expect(await snapshot(crm)).toEqual(before);
    const again = await crm.customers.unmerge(merge.id).catch((e: unknown) => e);
    expect(isCrmError(again) && again.code === 'invalid_transition').toBe(true);
  });

  it('keeps edits made to the survivor after the merge when unmerging', async () => {
    const { ada, dupe } = await world();
    const merge = await crm.customers.merge(ada.id, [dupe.id]);
    await crm.customers.update(ada.id, (draft) => void (draft.name = 'Augusta Ada King'));
    await crm.customers.unmerge(merge.id);
    const survivor = await crm.customers.get(ada.id);
    expect(survivor.name).toBe('Augusta Ada King');
    expect(survivor.emails).toEqual(['ada@example.com']); // untouched since the merge: back to before
  });

  it('refuses bad merges with a typed error and changes nothing', async () => {
    const { ada, dupe, acme } = await world();
    const before = await snapshot(crm);
    for (const attempt of [
      () => crm.customers.merge(ada.id, []),
      () => crm.customers.merge(ada.id, [ada.id]),
      () => crm.customers.merge(ada.id, [dupe.id, dupe.id]),
      () => crm.customers.merge(ada.id, ['no-such-customer']),
      () => crm.customers.merge(ada.id, [acme.id]), // an organization into a person
      () => crm.customers.merge(ada.id, [dupe.id], { rules: { name: 'loudest' as never } }),
      () => crm.customers.unmerge('no-such-merge'),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isCrmError(error) && ['validation', 'not_found'].includes(error.code), String(error)).toBe(true);
    }
    expect(await snapshot(crm)).toEqual(before);
  });
});

describe.each(customerDataAdapters.filter((a) => a.name !== 'indexeddb'))('merge then unmerge restores every record on $name (property)', ({ create }) => {
  it('for random customers, references and merges', async () => {
    const customerArb = fc.record({
      name: fc.constantFrom('Ada', 'Grace', 'Edith', 'Alan', 'Zoë'),
      emails: fc.uniqueArray(fc.constantFrom('a@x.io', 'b@x.io', 'c@y.io'), { maxLength: 2 }),
      tags: fc.uniqueArray(fc.constantFrom('vip', 'b2b', 'new'), { maxLength: 3 }),
      ownerId: fc.option(fc.constantFrom('u1', 'u2'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(customerArb, { minLength: 2, maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(4), fc.constantFrom('email', 'phone', 'web')), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(4), fc.nat(4), fc.constantFrom('partner', 'reports_to')), { maxLength: 4 }),
        fc.nat(4),
        fc.uniqueArray(fc.nat(4), { minLength: 1, maxLength: 3 }),
        async (inputs, interactions, relationships, survivorAt, loserAts) => {
          const crm = await createCrm({ adapter: create() });
          try {
            const customers = await crm.customers.createMany(inputs.map(({ ownerId, ...rest }) => (ownerId === undefined ? rest : { ...rest, ownerId })));
            const pick = (i: number) => customers[i % customers.length]!;
            for (const [i, channel] of interactions) await crm.interactions.create({ customerId: pick(i).id, channel, kind: 'note' } as never);
            for (const [a, b, type] of relationships) if (pick(a).id !== pick(b).id) await crm.relationships.create({ fromId: pick(a).id, toId: pick(b).id, type });
            const survivor = pick(survivorAt);
            const losers = [...new Set(loserAts.map((i) => pick(i).id))].filter((id) => id !== survivor.id);
            if (losers.length === 0) return;
            const before = await snapshot(crm);
            const merge = await crm.customers.merge(survivor.id, losers);
            await crm.customers.unmerge(merge.id);
            expect(await snapshot(crm)).toEqual(before);
          } finally {
            await crm.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
