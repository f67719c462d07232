// Deals move through their pipeline's stages by moveToStage, win, lose and reopen; every refused
// move is an InvalidTransitionError with its reason and writes nothing (read straight from storage).
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, systemActor, where, type CrmAdapter, type DealMoveRefusal } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { alan, day, grace, hour, salesWorld, stored } from './pipeline-fixture.js';

async function refusal(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
  } catch (error) {
    if (isCrmError(error, 'invalid_transition')) return error.reason;
    throw error;
  }
  return undefined;
}

describe.each(coreAdapters)('deal moves on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function world() {
    adapter = create();
    const w = await salesWorld(adapter);
    const deal = await w.crm.withActor(grace).deals.create({
      pipelineId: w.pipeline.id,
      stageId: 'lead',
      customerId: w.acme.id,
      title: 'Acme pilot',
      amount: 10_000_00,
      currency: 'EUR',
      ownerId: 'u_grace',
    });
    return { ...w, deal };
  }

  it('moveToStage moves an open deal between open stages, with the stage history and deal.stageChanged', async () => {
    const { crm, clock, deal, acme } = await world();
    const seen: unknown[] = [];
    crm.events.on('deal.stageChanged', ({ fromStageId, toStageId, actor }) => void seen.push([fromStageId, toStageId, actor.id]));
    clock.advance(2 * day);
    const moved = await crm.withActor(alan).deals.moveToStage(deal.id, 'proposal');
    expect(moved).toMatchObject({ stageId: 'proposal', status: 'open', stageEnteredAt: clock.now() });
    expect(seen).toEqual([['lead', 'proposal', 'u_alan']]);
    const history = await crm.deals.stageHistory(deal.id);
    expect(history.map((s) => [s.stageId, s.sequence, s.fromStageId, s.toStageId, s.enteredBy.id, s.leftBy?.id, s.durationMs, s.probability, s.amount, s.firstEntry])).toEqual([
      ['lead', 1, undefined, 'proposal', 'u_grace', 'u_alan', 2 * day, 0.1, 10_000_00, true],
      ['proposal', 2, 'lead', undefined, 'u_alan', undefined, undefined, 0.5, 10_000_00, true],
    ]);
    expect(history[0]!.enteredAt).toEqual(deal.createdAt);
    expect(history[0]!.leftAt).toEqual(clock.now());
    expect(history.every((s) => s.customerId === acme.id && s.ownerId === 'u_grace' && s.currency === 'EUR')).toBe(true);
  });

  it('win closes the deal won (closedAt, cycleMs) and emits deal.won; lose records a listed reason and emits deal.lost', async () => {
    const { crm, clock, deal, pipeline, acme } = await world();
    const won: string[] = [];
    const lost: string[] = [];
    crm.events.on('deal.won', ({ deal: d }) => void won.push(d.id));
    crm.events.on('deal.lost', ({ deal: d, reason }) => void lost.push(`${d.id}:${reason}`));
    clock.advance(10 * day);
    const closed = await crm.deals.win(deal.id);
    expect(closed).toMatchObject({ status: 'won', stageId: 'won', closedAt: clock.now(), cycleMs: 10 * day });
    const other = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualified', customerId: acme.id, title: 'Other' });
    clock.advance(hour);
    const gone = await crm.deals.lose(other.id, { reason: 'competitor' });
    expect(gone).toMatchObject({ status: 'lost', stageId: 'lost', lostReason: 'competitor', closedAt: clock.now(), cycleMs: hour });
    expect(won).toEqual([deal.id]);
    expect(lost).toEqual([`${other.id}:competitor`]);
    const history = await crm.deals.stageHistory(other.id);
    expect(history.map((s) => [s.stageId, s.outcome, s.probability])).toEqual([
      ['qualified', 'open', 0.25],
      ['lost', 'lost', 0],
    ]);
  });

  it('reopen puts a closed deal back into an open stage, clearing closedAt, cycleMs and lostReason, and emits deal.reopened', async () => {
    const { crm, clock, deal } = await world();
    await crm.deals.lose(deal.id, { reason: 'price' });
    const reopened: unknown[] = [];
    crm.events.on('deal.reopened', ({ fromStatus }) => void reopened.push(fromStatus));
    clock.advance(day);
    const back = await crm.deals.reopen(deal.id, 'negotiation');
    expect(back.status).toBe('open');
    expect(back.stageId).toBe('negotiation');
    expect(back).not.toHaveProperty('closedAt');
    expect(back).not.toHaveProperty('cycleMs');
    expect(back).not.toHaveProperty('lostReason');
    expect(reopened).toEqual(['lost']);
    await crm.deals.moveToStage(deal.id, 'lead');
    const history = await crm.deals.stageHistory(deal.id);
    expect(history.map((s) => [s.stageId, s.firstEntry])).toEqual([
      ['lead', true],
      ['lost', true],
      ['negotiation', true],
      ['lead', false],
    ]);
  });

  type World = Awaited<ReturnType<typeof world>>;
  const refusals: [string, DealMoveRefusal, ((w: World) => Promise<unknown>) | undefined, (w: World) => Promise<unknown>][] = [
    ['moveToStage of a won deal', 'deal_closed', ({ crm, deal }) => crm.deals.win(deal.id), ({ crm, deal }) => crm.deals.moveToStage(deal.id, 'proposal')],
    ['moveToStage of a lost deal', 'deal_closed', ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'price' }), ({ crm, deal }) => crm.deals.moveToStage(deal.id, 'lead')],
    ['moveToStage into a won stage', 'stage_outcome_mismatch', undefined, ({ crm, deal }) => crm.deals.moveToStage(deal.id, 'won')],
    ['moveToStage into a lost stage (no reason)', 'stage_outcome_mismatch', undefined, ({ crm, deal }) => crm.deals.moveToStage(deal.id, 'lost')],
    ['moveToStage into the stage it is in', 'same_stage', undefined, ({ crm, deal }) => crm.deals.moveToStage(deal.id, 'lead')],
    ['moveToStage into a stage of no pipeline', 'unknown_stage', undefined, ({ crm, deal }) => crm.deals.moveToStage(deal.id, 'nowhere')],
    ['win of a lost deal', 'deal_lost', ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'price' }), ({ crm, deal }) => crm.deals.win(deal.id)],
    ['win of a won deal', 'already_won', ({ crm, deal }) => crm.deals.win(deal.id), ({ crm, deal }) => crm.deals.win(deal.id)],
    ['win into a stage that is not won', 'stage_outcome_mismatch', undefined, ({ crm, deal }) => crm.deals.win(deal.id, { stageId: 'proposal' })],
    ['lose of a won deal', 'deal_won', ({ crm, deal }) => crm.deals.win(deal.id), ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'price' })],
    ['lose of a lost deal', 'already_lost', ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'price' }), ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'competitor' })],
    ['lose for a reason the pipeline does not list', 'unknown_lost_reason', undefined, ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'bad weather' })],
    ['lose without a reason', 'unknown_lost_reason', undefined, ({ crm, deal }) => crm.deals.lose(deal.id, {} as never)],
    ['lose into a stage that is not lost', 'stage_outcome_mismatch', undefined, ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'price', stageId: 'won' })],
    ['reopen of an open deal', 'deal_open', undefined, ({ crm, deal }) => crm.deals.reopen(deal.id, 'proposal')],
    ['reopen into a won stage', 'stage_outcome_mismatch', ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'price' }), ({ crm, deal }) => crm.deals.reopen(deal.id, 'won')],
    ['reopen into a stage of no pipeline', 'unknown_stage', ({ crm, deal }) => crm.deals.win(deal.id), ({ crm, deal }) => crm.deals.reopen(deal.id, 'nowhere')],
    ['an update from a won stage straight to a lost one', 'deal_won', ({ crm, deal }) => crm.deals.win(deal.id), ({ crm, deal }) => crm.deals.update(deal.id, (d) => void Object.assign(d, { stageId: 'lost', lostReason: 'price' }))],
    ['an update from a lost stage straight to a won one', 'deal_lost', ({ crm, deal }) => crm.deals.lose(deal.id, { reason: 'price' }), ({ crm, deal }) => crm.deals.update(deal.id, (d) => void (d.stageId = 'won'))],
    ['an update into a lost stage without a listed reason', 'unknown_lost_reason', undefined, ({ crm, deal }) => crm.deals.update(deal.id, (d) => void (d.stageId = 'lost'))],
    ['an updateMany into a lost stage with an unlisted reason', 'unknown_lost_reason', undefined, ({ crm, deal }) => crm.deals.updateMany([{ id: deal.id, recipe: (d) => void Object.assign(d, { stageId: 'lost', lostReason: 'weather' }) }])],
    ['a create in a lost stage without a reason', 'unknown_lost_reason', undefined, ({ crm, pipeline, acme }) => crm.deals.create({ pipelineId: pipeline.id, stageId: 'lost', customerId: acme.id, title: 'x' })],
  ];

  it.each(refusals)('refuses %s (%s), emits nothing and writes nothing', async (_name, reason, setUp, refused) => {
    const w = await world();
    if (setUp !== undefined) await setUp(w);
    const before = { deals: await stored(adapter, 'deals'), history: await stored(adapter, 'dealStageHistory') };
    const emitted: string[] = [];
    w.crm.events.on('*', (type) => void emitted.push(String(type)));
    expect(await refusal(() => refused(w))).toBe(reason);
    expect({ deals: await stored(adapter, 'deals'), history: await stored(adapter, 'dealStageHistory') }).toEqual(before);
    expect(emitted).toEqual([]);
  });

  it('records who made each move, and keeps the stage changes queryable by customer and time', async () => {
    const { crm, clock, deal, acme, pipeline } = await world();
    const globex = await crm.customers.create({ kind: 'organization', name: 'Globex' });
    const theirs = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'lead', customerId: globex.id, title: 'Globex deal' });
    clock.advance(day);
    await crm.withActor(alan).deals.moveToStage(deal.id, 'qualified');
    clock.advance(day);
    await crm.deals.moveToStage(theirs.id, 'qualified');
    const acmeChanges = await crm.dealStageHistory.find({
      where: where.and(where('customerId', 'eq', acme.id), where('enteredAt', 'gte', new Date(deal.createdAt.getTime() + hour))),
      sort: [{ field: 'enteredAt', direction: 'asc' }],
    });
    expect(acmeChanges.items.map((s) => [s.stageId, s.enteredBy])).toEqual([['qualified', alan]]);
    expect((await crm.deals.stageHistory(theirs.id)).map((s) => s.enteredBy)).toEqual([systemActor, systemActor]);
  });

  it('writes no stage history when the move rolls back, and deletes a deal with its history', async () => {
    const { crm, deal } = await world();
    await expect(
      crm.transaction(async (tx) => {
        await tx.deals.moveToStage(deal.id, 'proposal');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await stored(adapter, 'dealStageHistory')).toHaveLength(1);
    expect((await crm.deals.get(deal.id)).stageId).toBe('lead');
    await crm.deals.moveToStage(deal.id, 'proposal');
    await crm.deals.delete(deal.id);
    expect(await stored(adapter, 'dealStageHistory')).toHaveLength(0);
    await expect(crm.deals.stageHistory(deal.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses writes to the stage history through its service', async () => {
    const { crm } = await world();
    await expect(crm.dealStageHistory.create({} as never)).rejects.toMatchObject({ code: 'unsupported' });
    const [entry] = await stored(adapter, 'dealStageHistory');
    await expect(crm.dealStageHistory.delete(entry!.id as string)).rejects.toMatchObject({ code: 'unsupported' });
    expect(await stored(adapter, 'dealStageHistory')).toHaveLength(1);
  });

  it('counts a slip each time the expected close date moves later, not earlier', async () => {
    const { crm, clock, deal } = await world();
    await crm.deals.update(deal.id, (d) => void (d.expectedCloseDate = new Date('2025-03-31T00:00:00Z')));
    clock.advance(day);
    const slipped = await crm.deals.update(deal.id, (d) => void (d.expectedCloseDate = new Date('2025-04-30T00:00:00Z')));
    expect(slipped).toMatchObject({ slipCount: 1, slippedAt: clock.now() });
    const earlier = await crm.deals.update(deal.id, (d) => void (d.expectedCloseDate = new Date('2025-04-15T00:00:00Z')));
    expect(earlier.slipCount).toBe(1);
    await expect(crm.deals.update(deal.id, (d) => void Object.assign(d, { slipCount: 0 }))).rejects.toMatchObject({ code: 'validation' });
  });
});
