// Pipelines are edited through validated operations; a stage that still holds deals is removed
// only by moving its deals to another stage of the same outcome, in one transaction.
import { afterEach, describe, expect, it } from 'vitest';
import { isCrmError, stageForecastCategory, type CrmAdapter } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { alan, day, salesPipeline, salesWorld, stored } from './pipeline-fixture.js';

describe.each(coreAdapters)('pipeline edits on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function world() {
    adapter = create();
    const w = await salesWorld(adapter);
    const deal = (stageId: string, title = stageId) => w.crm.deals.create({ pipelineId: w.pipeline.id, stageId, customerId: w.acme.id, title, amount: 1000, currency: 'EUR' });
    return { ...w, deal };
  }

  const snapshot = async () => ({
    pipelines: await stored(adapter, 'pipelines'),
    deals: await stored(adapter, 'deals'),
    history: await stored(adapter, 'dealStageHistory'),
  });

  it('have ordered stages with probabilities, outcomes and forecast categories (defaults by outcome)', async () => {
    const { pipeline } = await world();
    expect(pipeline.stages.map((s) => [s.id, s.probability, s.outcome, stageForecastCategory(s)])).toEqual([
      ['lead', 0.1, 'open', 'pipeline'],
      ['qualified', 0.25, 'open', 'pipeline'],
      ['proposal', 0.5, 'open', 'best_case'],
      ['negotiation', 0.8, 'open', 'commit'],
      ['won', 1, 'won', 'closed'],
      ['lost', 0, 'lost', 'omitted'],
    ]);
    expect(pipeline.lostReasons).toEqual(['price', 'competitor', 'no decision']);
  });

  it('refuse inconsistent stages: a won stage below 1 or not closed, a lost stage above 0, an open stage closed, a reason twice', async () => {
    const { crm } = await world();
    const withStage = (index: number, patch: object) => ({
      ...structuredClone(salesPipeline),
      stages: salesPipeline.stages.map((s, i) => (i === index ? { ...s, ...patch } : { ...s })),
    });
    const cases: [object, (string | number)[]][] = [
      [withStage(4, { probability: 0.9 }), ['stages', 4, 'probability']],
      [withStage(4, { forecastCategory: 'commit' }), ['stages', 4, 'forecastCategory']],
      [withStage(5, { probability: 0.1 }), ['stages', 5, 'probability']],
      [withStage(0, { forecastCategory: 'closed' }), ['stages', 0, 'forecastCategory']],
      [{ ...structuredClone(salesPipeline), lostReasons: ['price', 'price'] }, ['lostReasons', 1]],
    ];
    for (const [input, path] of cases) {
      await expect(crm.pipelines.create(input as never)).rejects.toMatchObject({ code: 'validation', issues: [expect.objectContaining({ path })] });
    }
    expect(await stored(adapter, 'pipelines')).toHaveLength(1);
  });

  it('rename a stage, change its probability (stage history keeps the probability deals entered with), reorder and add stages', async () => {
    const { crm, pipeline, deal } = await world();
    const d = await deal('proposal');
    await crm.pipelines.renameStage(pipeline.id, 'proposal', 'Proposal sent');
    await crm.pipelines.setStageProbability(pipeline.id, 'proposal', 0.4);
    await crm.pipelines.addStage(pipeline.id, { id: 'demo', name: 'Demo', probability: 0.3 }, { before: 'proposal' });
    await crm.pipelines.addStage(pipeline.id, { id: 'contract', name: 'Contract', probability: 0.9, forecastCategory: 'commit' });
    const reordered = await crm.pipelines.reorderStages(pipeline.id, ['qualified', 'lead', 'demo', 'proposal', 'negotiation', 'contract', 'won', 'lost']);
    expect(reordered.stages.map((s) => `${s.id}:${s.name}:${s.probability}`)).toEqual([
      'qualified:Qualified:0.25',
      'lead:Lead:0.1',
      'demo:Demo:0.3',
      'proposal:Proposal sent:0.4',
      'negotiation:Negotiation:0.8',
      'contract:Contract:0.9',
      'won:Won:1',
      'lost:Lost:0',
    ]);
    expect((await crm.deals.stageHistory(d.id))[0]!.probability).toBe(0.5);
  });

  it('refuse bad edits with a typed error and change nothing: an unknown stage, an order that is not a permutation, a duplicate new stage, a probability out of range', async () => {
    const { crm, pipeline } = await world();
    const before = await snapshot();
    await expect(crm.pipelines.renameStage(pipeline.id, 'nowhere', 'X')).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'unknown_stage' }] });
    await expect(crm.pipelines.reorderStages(pipeline.id, ['lead', 'qualified'])).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'invalid_value' }] });
    await expect(crm.pipelines.reorderStages(pipeline.id, ['lead', 'lead', 'proposal', 'negotiation', 'won', 'lost'])).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.pipelines.addStage(pipeline.id, { id: 'lead', name: 'Lead again', probability: 0.2 })).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.pipelines.addStage(pipeline.id, { id: 'x', name: 'X', probability: 0.2 }, { before: 'nowhere' })).rejects.toMatchObject({ code: 'validation', issues: [{ code: 'unknown_stage', path: ['before'] }] });
    await expect(crm.pipelines.setStageProbability(pipeline.id, 'lead', 1.5)).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.pipelines.setStageProbability(pipeline.id, 'won', 0.5)).rejects.toMatchObject({ code: 'validation' });
    expect(await snapshot()).toEqual(before);
  });

  it('remove an empty stage', async () => {
    const { crm, pipeline } = await world();
    const after = await crm.pipelines.removeStage(pipeline.id, 'qualified');
    expect(after.stages.map((s) => s.id)).toEqual(['lead', 'proposal', 'negotiation', 'won', 'lost']);
  });

  it('refuse removing a stage that holds deals, or changing its outcome, without moving them (stage_in_use), by any write path', async () => {
    const { crm, pipeline, deal } = await world();
    await deal('qualified');
    const before = await snapshot();
    const reasons: string[] = [];
    const attempts = [
      () => crm.pipelines.removeStage(pipeline.id, 'qualified'),
      () => crm.pipelines.update(pipeline.id, (d) => void d.stages.splice(1, 1)),
      () => crm.pipelines.update(pipeline.id, (d) => void Object.assign(d.stages[1]!, { outcome: 'lost', probability: 0 })),
      () => crm.pipelines.updateMany([{ id: pipeline.id, recipe: (d) => void d.stages.splice(1, 1) }]),
    ];
    for (const attempt of attempts) {
      try {
        await attempt();
      } catch (error) {
        if (isCrmError(error, 'invalid_transition')) reasons.push(error.reason);
        else throw error;
      }
    }
    expect(reasons).toEqual(['stage_in_use', 'stage_in_use', 'stage_in_use', 'stage_in_use']);
    expect(await snapshot()).toEqual(before);
  });

  it('remove a stage that holds deals by moving them to the target first, atomically, with their stage history and events', async () => {
    const { crm, clock, pipeline, deal } = await world();
    const a = await deal('qualified', 'a');
    const b = await deal('qualified', 'b');
    const c = await deal('lead', 'c');
    clock.advance(day);
    const moves: string[] = [];
    crm.events.on('deal.stageChanged', ({ deal: d, fromStageId, toStageId }) => void moves.push(`${d.title}:${fromStageId}->${toStageId}`));
    const after = await crm.withActor(alan).pipelines.removeStage(pipeline.id, 'qualified', { moveDealsTo: 'proposal' });
    expect(after.stages.map((s) => s.id)).toEqual(['lead', 'proposal', 'negotiation', 'won', 'lost']);
    expect(moves.sort()).toEqual(['a:qualified->proposal', 'b:qualified->proposal']);
    for (const id of [a.id, b.id]) {
      expect((await crm.deals.get(id)).stageId).toBe('proposal');
      const history = await crm.deals.stageHistory(id);
      expect(history.map((s) => [s.stageId, s.leftBy?.id ?? s.enteredBy.id, s.durationMs])).toEqual([
        ['qualified', 'u_alan', day],
        ['proposal', 'u_alan', undefined],
      ]);
    }
    expect((await crm.deals.get(c.id)).stageId).toBe('lead');
  });

  it('refuse a removal target that is the removed stage, another outcome or no stage, and change nothing', async () => {
    const { crm, pipeline, deal } = await world();
    await deal('qualified');
    const before = await snapshot();
    const reasonOf = async (call: () => Promise<unknown>) => call().then(() => 'accepted', (error) => (isCrmError(error, 'invalid_transition') ? error.reason : error.code));
    expect(await reasonOf(() => crm.pipelines.removeStage(pipeline.id, 'qualified', { moveDealsTo: 'qualified' }))).toBe('same_stage');
    expect(await reasonOf(() => crm.pipelines.removeStage(pipeline.id, 'qualified', { moveDealsTo: 'won' }))).toBe('stage_outcome_mismatch');
    expect(await reasonOf(() => crm.pipelines.removeStage(pipeline.id, 'qualified', { moveDealsTo: 'nowhere' }))).toBe('validation');
    expect(await reasonOf(() => crm.pipelines.removeStage(pipeline.id, 'nowhere'))).toBe('validation');
    expect(await snapshot()).toEqual(before);
  });

  it('roll the moved deals back when the pipeline update fails after them', async () => {
    const { crm, pipeline, deal } = await world();
    await deal('qualified');
    const before = await snapshot();
    await expect(crm.pipelines.removeStage(pipeline.id, 'qualified', { moveDealsTo: 'proposal', expectedVersion: 99 })).rejects.toMatchObject({ code: 'conflict' });
    expect(await snapshot()).toEqual(before);
  });
});
