// Shared notes with mentions on any record: the record must exist and be visible, bad input is a
// ValidationError with paths and writes nothing, one handoff.mentioned per mention after commit.
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, type CrmAdapter } from 'crmkit';
import { stored } from '../pipelines/pipeline-fixture.js';
import { alan, ada, grace, handoffAdapters, handoffWorld, ownDealsRep } from './handoffs-fixture.js';

describe.each(handoffAdapters)('handoff notes on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());
  const world = () => handoffWorld((adapter = create()));

  it('writes a note on a customer, a deal and a case, with mentions deduplicated, the author managed, and one event per mention', async () => {
    const { crm, acme, deal, ticket } = await world();
    const events: { mentioned: string; noteId: string; actor: unknown }[] = [];
    crm.events.on('handoff.mentioned', ({ mentioned, note, actor }) => events.push({ mentioned, noteId: note.id, actor }));
    const me = crm.withActor(grace);
    const onDeal = await me.handoffs.note('deals', deal.id, { body: '  Alan, over to you  ', mentions: ['u_alan', 'u_ada', 'u_alan'] });
    const onCustomer = await me.handoffs.note('customers', acme.id, { body: 'Key account' });
    const onCase = await me.handoffs.note('cases', ticket.id, { body: 'Billing knows', mentions: ['u_ada'] });
    expect(onDeal).toMatchObject({ collection: 'deals', recordId: deal.id, body: 'Alan, over to you', mentions: ['u_alan', 'u_ada'], author: grace });
    const rows = await stored(adapter, 'recordNotes');
    expect(rows.map((row) => [row.collection, row.recordId, row.mentions, row.author])).toEqual(
      expect.arrayContaining([
        ['deals', deal.id, ['u_alan', 'u_ada'], grace],
        ['customers', acme.id, [], grace],
        ['cases', ticket.id, ['u_ada'], grace],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(onCustomer.mentions).toEqual([]);
    expect(events).toEqual([
      { mentioned: 'u_alan', noteId: onDeal.id, actor: grace },
      { mentioned: 'u_ada', noteId: onDeal.id, actor: grace },
      { mentioned: 'u_ada', noteId: onCase.id, actor: grace },
    ]);
    // The author cannot be forged through the collection either.
    await expect(crm.recordNotes.create({ collection: 'deals', recordId: deal.id, body: 'x', author: alan } as never)).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'readonly_field', path: ['author'] }] });
  });

  it('refuses a note on a missing record, or on one the subject cannot see, as not_found, and writes nothing', async () => {
    const { crm, other } = await world();
    let mentioned = 0;
    crm.events.on('handoff.mentioned', () => void (mentioned += 1));
    await expect(crm.handoffs.note('deals', 'no-such-deal', { body: 'hello', mentions: ['u_alan'] })).rejects.toMatchObject({ code: 'not_found' });
    const rep = crm.as({ actor: grace, role: ownDealsRep });
    const error = await rep.handoffs.note('deals', other.id, { body: 'not mine', mentions: ['u_alan'] }).catch((e: unknown) => e);
    expect(isCrmError(error, 'not_found')).toBe(true);
    // Directly through the collection, the same record is an unknown reference.
    await expect(rep.recordNotes.create({ collection: 'deals', recordId: other.id, body: 'sneaky' })).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'unknown_reference', path: ['recordId'] }] });
    expect(await stored(adapter, 'recordNotes')).toEqual([]);
    expect(mentioned).toBe(0);
  });

  it('refuses bad input with coded issues and paths, and writes nothing', async () => {
    const { crm, deal } = await world();
    const cases: [unknown[], (string | number)[]][] = [
      [['deals', deal.id, { body: '   ' }], ['body']],
      [['deals', deal.id, { body: 'x'.repeat(10_001) }], ['body']],
      [['planets', deal.id, { body: 'hi' }], ['collection']],
      [['changeFeed', deal.id, { body: 'hi' }], ['collection']],
      [['recordNotes', deal.id, { body: 'hi' }], ['collection']],
      [['deals', deal.id, { body: 'hi', mentions: Array.from({ length: 51 }, (_, i) => `u_${i}`) }], ['mentions']],
      [['deals', deal.id, { body: 'hi', mentions: ['u_alan', 42] }], ['mentions', 1]],
      [['deals', deal.id, { body: 'hi', mentions: [''] }], ['mentions', 0]],
      [['deals', '', { body: 'hi' }], ['recordId']],
      [['deals', deal.id, { body: 'hi', author: alan }], []],
      [['deals', deal.id, null], []],
    ];
    for (const [args, path] of cases) {
      const error = await (crm.handoffs.note as (...a: unknown[]) => Promise<unknown>)(...args).catch((e: unknown) => e);
      expect(isCrmError(error, 'validation'), JSON.stringify(path)).toBe(true);
      const issues = (error as { issues: { code: string; path: unknown[] }[] }).issues;
      expect(issues.map((issue) => issue.path)).toContainEqual(path);
      expect(issues.every((issue) => typeof issue.code === 'string' && issue.code.length > 0)).toBe(true);
    }
    expect(await stored(adapter, 'recordNotes')).toEqual([]);
  });

  it('lists a record\'s notes newest first and the notes mentioning an actor, paged', async () => {
    const { crm, clock, deal, ticket } = await world();
    const written = [];
    for (let i = 0; i < 5; i += 1) {
      clock.advance(1000);
      written.push(await crm.withActor(grace).handoffs.note(i % 2 === 0 ? 'deals' : 'cases', i % 2 === 0 ? deal.id : ticket.id, { body: `note ${i}`, mentions: i === 3 ? ['u_ada'] : ['u_alan'] }));
    }
    // Two in the same millisecond still come newest first (by id).
    written.push(await crm.withActor(grace).handoffs.note('deals', deal.id, { body: 'same ms', mentions: ['u_alan'] }));
    const onDeal = await crm.handoffs.notes('deals', deal.id);
    expect(onDeal.items.map((n) => n.body)).toEqual(['same ms', 'note 4', 'note 2', 'note 0']);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await crm.handoffs.mentions('u_alan', { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.items.map((n) => n.body));
      expect(page.items.length).toBeLessThanOrEqual(2);
      cursor = page.nextCursor;
      if (cursor === undefined) break;
    }
    expect(seen).toEqual(['same ms', 'note 4', 'note 2', 'note 1', 'note 0']);
    expect((await crm.handoffs.mentions('u_ada')).items.map((n) => n.body)).toEqual(['note 3']);
    expect((await crm.handoffs.mentions('u_nobody')).items).toEqual([]);
    await expect(crm.handoffs.mentions('')).rejects.toMatchObject({ code: 'invalid_query', issues: [{ path: ['actorId'] }] });
    await expect(crm.handoffs.mentions('u_alan', { limit: 0 })).rejects.toMatchObject({ code: 'invalid_query' });
    await expect(crm.handoffs.notes('deals', 'no-such-deal')).rejects.toMatchObject({ code: 'not_found' });
    void ada;
  });
});
