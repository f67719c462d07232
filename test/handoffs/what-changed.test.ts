// "What changed since I last looked", per actor, on the change feed: other actors' changes to my
// records and to records where I am mentioned; not my own writes, not unrelated records; markSeen
// moves a per-actor position forward only.
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, type CrmAdapter } from 'crmkit';
import { stored } from '../pipelines/pipeline-fixture.js';
import { ada, alan, grace, handoffAdapters, handoffWorld, ownDealsRep } from './handoffs-fixture.js';

describe.each(handoffAdapters)('handoffs.whatChanged on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());
  const world = () => handoffWorld((adapter = create()));

  it("shows another actor's changes to my records and to records where I am mentioned, not my own writes nor unrelated records", async () => {
    const { crm, deal, other, ticket, acme, pipeline } = await world();
    const asAlan = crm.withActor(alan);
    const asGrace = crm.withActor(grace);
    const unrelated = await asAlan.deals.create({ pipelineId: pipeline.id, stageId: 'lead', customerId: acme.id, title: 'Not Grace', ownerId: 'u_zed' });
    await asAlan.deals.update(unrelated.id, (d) => void (d.title = 'Still not Grace'));
    await asAlan.handoffs.note('deals', unrelated.id, { body: 'For Zed', mentions: ['u_zed'] });
    await asAlan.deals.update(deal.id, (d) => void (d.title = 'Pilot, phase 1')); // Grace's deal
    await asAlan.deals.update(other.id, (d) => void (d.title = 'Unrelated')); // Zed's deal, no mention
    await asGrace.deals.update(deal.id, (d) => void (d.title = 'Pilot (mine)')); // Grace's own write
    await asAlan.handoffs.note('deals', other.id, { body: 'Grace, have a look', mentions: ['u_grace'] }); // mentions Grace on Zed's deal
    await asAlan.deals.update(other.id, (d) => void (d.title = 'Now relevant'));
    await asAlan.cases.update(ticket.id, (d) => void (d.subject = 'Invoice still missing')); // assigned to Grace
    await asAlan.handoffs.note('deals', other.id, { body: 'Zed only', mentions: ['u_zed'] }); // a note not mentioning Grace on a record she is mentioned on
    await asAlan.customers.update(acme.id, (d) => void d.tags.push('key')); // Grace owns Acme

    const { changes, cursor, caughtUp } = await asGrace.handoffs.whatChanged();
    const summary = changes.map((change) => [change.entry.collection, change.collection, change.recordId === deal.id ? 'deal' : change.recordId === other.id ? 'other' : change.recordId === ticket.id ? 'ticket' : change.recordId === acme.id ? 'acme' : change.recordId]);
    // The initial creates (by the system actor) of Grace's records come first.
    expect(summary).toEqual([
      ['customers', 'customers', 'acme'],
      ['deals', 'deals', 'deal'],
      ['deals', 'deals', 'other'], // created by the system; Grace is mentioned on it now
      ['cases', 'cases', 'ticket'],
      ['deals', 'deals', 'deal'],
      ['deals', 'deals', 'other'], // Alan's "Unrelated" edit: before the mention, but the record concerns Grace now
      ['recordNotes', 'deals', 'other'],
      ['deals', 'deals', 'other'],
      ['cases', 'cases', 'ticket'],
      ['recordNotes', 'deals', 'other'],
      ['customers', 'customers', 'acme'],
    ]);
    expect(changes.every((change) => change.entry.actor.id !== grace.id)).toBe(true);
    expect(changes.some((change) => change.recordId === unrelated.id)).toBe(false);
    expect(changes.map((change) => change.entry.sequence)).toEqual([...changes.map((change) => change.entry.sequence)].sort((a, b) => a - b));
    expect(caughtUp).toBe(true);
    expect(Number(cursor)).toBe((await crm.changes.read({ limit: 10_000 })).entries.at(-1)!.sequence);

    // Alan sees nothing of Grace's records: he owns none and is mentioned nowhere, and his own writes are left out.
    expect((await asAlan.handoffs.whatChanged()).changes).toEqual([]);
    // The pipeline and interactions of the world concern nobody.
    expect(changes.some((change) => change.entry.collection === 'pipelines')).toBe(false);
  });

  it('markSeen then whatChanged shows only later changes; a stale cursor does not move the position back; actors are independent', async () => {
    const { crm, deal, other } = await world();
    const asGrace = crm.withActor(grace);
    const asAda = crm.withActor(ada);
    await crm.withActor(alan).handoffs.note('deals', other.id, { body: 'Both of you', mentions: ['u_grace', 'u_ada'] });
    const first = await asGrace.handoffs.whatChanged();
    expect(first.changes.length).toBeGreaterThan(0);
    expect(await asGrace.handoffs.markSeen(first.cursor)).toBe(first.cursor);
    expect((await asGrace.handoffs.whatChanged()).changes).toEqual([]);

    await crm.withActor(alan).deals.update(deal.id, (d) => void (d.title = 'Later'));
    const second = await asGrace.handoffs.whatChanged();
    expect(second.changes.map((change) => [change.entry.collection, change.recordId, change.entry.operation])).toEqual([['deals', deal.id, 'update']]);
    await asGrace.handoffs.markSeen(second.cursor);

    // A stale cursor is ignored: the position stays where it was.
    expect(await asGrace.handoffs.markSeen(first.cursor)).toBe(second.cursor);
    expect(await asGrace.handoffs.markSeen('0')).toBe(second.cursor);
    expect((await asGrace.handoffs.whatChanged()).changes).toEqual([]);
    const positions = await stored(adapter, 'handoffPositions');
    expect(positions.filter((row) => row.actorId === grace.id)).toEqual([expect.objectContaining({ position: Number(second.cursor) })]);

    // Ada has her own position: she still sees the note (and the deal it is on).
    const adas = await asAda.handoffs.whatChanged();
    expect(adas.changes.map((change) => change.entry.collection)).toContain('recordNotes');
    expect(adas.changes.some((change) => change.recordId === deal.id)).toBe(false);
    await asAda.handoffs.markSeen(adas.cursor);
    expect((await stored(adapter, 'handoffPositions')).map((row) => row.actorId).sort()).toEqual([ada.id, grace.id].sort());
  });

  it('two first markSeen calls of one actor at once leave one position, at the later cursor', async () => {
    const { crm, deal } = await world();
    await crm.withActor(alan).deals.update(deal.id, (d) => void (d.title = 'x'));
    const { cursor } = await crm.withActor(grace).handoffs.whatChanged();
    const results = await Promise.all([crm.withActor(grace).handoffs.markSeen('1'), crm.withActor(grace).handoffs.markSeen(cursor)]);
    expect(results).toContain(cursor);
    expect((await stored(adapter, 'handoffPositions')).map((row) => [row.actorId, row.position])).toEqual([[grace.id, Number(cursor)]]);
  });

  it('refuses a malformed cursor or limit (invalid_query) and writes nothing', async () => {
    const { crm } = await world();
    const me = crm.withActor(grace);
    for (const cursor of ['x', '-1', '1.5', '', '99999999', 42, null, undefined]) {
      const error = await me.handoffs.markSeen(cursor as never).catch((e: unknown) => e);
      expect(isCrmError(error, 'invalid_query'), String(cursor)).toBe(true);
      expect((error as { issues: { code: string; path: unknown[] }[] }).issues[0]).toMatchObject({ code: 'invalid_cursor', path: ['cursor'] });
    }
    for (const limit of [0, 1001, 1.5, Number.NaN]) {
      await expect(me.handoffs.whatChanged({ limit })).rejects.toMatchObject({ code: 'invalid_query', issues: [{ code: 'invalid_limit' }] });
    }
    await expect(me.handoffs.whatChanged({ after: 'nope' })).rejects.toMatchObject({ code: 'invalid_query', issues: [{ path: ['after'] }] });
    expect(await stored(adapter, 'handoffPositions')).toEqual([]);
  });

  it('returns at most limit changes, scanning past filtered entries, and goes on from the cursor with after', async () => {
    const { crm, deal, other } = await world();
    const asAlan = crm.withActor(alan);
    for (let i = 0; i < 30; i += 1) await asAlan.deals.update(other.id, (d) => void (d.title = `noise ${i}`));
    for (let i = 0; i < 5; i += 1) await asAlan.deals.update(deal.id, (d) => void (d.title = `signal ${i}`));
    const me = crm.withActor(grace);
    const all = await me.handoffs.whatChanged();
    const signals = all.changes.filter((change) => change.entry.operation === 'update');
    expect(signals).toHaveLength(5);
    const seen: number[] = [];
    let after: string | undefined;
    for (let calls = 0; calls < 20; calls += 1) {
      const page = await me.handoffs.whatChanged({ limit: 2, ...(after === undefined ? {} : { after }) });
      expect(page.changes.length).toBeLessThanOrEqual(2);
      seen.push(...page.changes.map((change) => change.entry.sequence));
      after = page.cursor;
      if (page.caughtUp) break;
    }
    expect(seen).toEqual(all.changes.map((change) => change.entry.sequence));
    // `after` does not move the stored position.
    expect(await stored(adapter, 'handoffPositions')).toEqual([]);
  });

  it('leaves out records the subject cannot see under crm.as', async () => {
    const { crm, deal } = await world();
    await crm.withActor(alan).deals.update(deal.id, (d) => void (d.title = 'Seen by Grace'));
    const noDeals = crm.as({ actor: grace, role: { ...ownDealsRep, name: 'no deals', grants: ownDealsRep.grants.filter((grant) => grant.collection !== 'deals') } });
    const changes = (await noDeals.handoffs.whatChanged()).changes;
    expect(changes.some((change) => change.collection === 'deals')).toBe(false);
    expect(changes.some((change) => change.collection === 'customers')).toBe(true); // Acme, owned by Grace, readable
    const unrestricted = (await crm.withActor(grace).handoffs.whatChanged()).changes;
    expect(unrestricted.some((change) => change.collection === 'deals')).toBe(true);
  });
});
