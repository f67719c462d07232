// Tasks follow up customers, deals and cases; completing one logs an activity on the customer's
// timeline in the same transaction; `due` lists what is overdue and due today in the crm's zone.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, isCrmError, where, type CrmAdapter } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';
import { grace, hour, salesPipeline, stored, testClock } from './pipeline-fixture.js';

describe.each(coreAdapters)('tasks on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function world(timeZone = 'UTC') {
    adapter = create();
    const clock = testClock('2025-03-03T10:00:00.000Z');
    const crm = await createCrm({ adapter, clock, timeZone });
    const acme = await crm.customers.create({ kind: 'organization', name: 'Acme' });
    const pipeline = await crm.pipelines.create(structuredClone(salesPipeline));
    const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'lead', customerId: acme.id, title: 'Pilot' });
    return { crm, clock, acme, deal };
  }

  it('are created open with a priority, and must follow up a customer, a deal or a case', async () => {
    const { crm, deal } = await world();
    const task = await crm.tasks.create({ title: 'Send proposal', dealId: deal.id, dueAt: new Date('2025-03-04T12:00:00Z'), assigneeId: 'u_grace' });
    expect(task).toMatchObject({ done: false, priority: 'normal' });
    await expect(crm.tasks.create({ title: 'About nothing', dueAt: new Date() })).rejects.toMatchObject({ code: 'validation', issues: [{ path: ['customerId'] }] });
    await expect(crm.tasks.create({ title: 'x', dealId: 'nope', dueAt: new Date() })).rejects.toMatchObject({ issues: [{ code: 'unknown_reference' }] });
    await expect(crm.tasks.update(task.id, (d) => void Object.assign(d, { done: true }))).rejects.toMatchObject({ issues: [{ code: 'readonly_field' }] });
    expect(await stored(adapter, 'tasks')).toHaveLength(1);
  });

  it('complete marks the task done and logs a task interaction on the deal customer\'s timeline, atomically', async () => {
    const { crm, clock, acme, deal } = await world();
    const task = await crm.tasks.create({ title: 'Send proposal', notes: 'v2 pricing', dealId: deal.id, dueAt: new Date('2025-03-04T12:00:00Z'), assigneeId: 'u_grace' });
    clock.advance(hour);
    const done = await crm.withActor(grace).tasks.complete(task.id);
    expect(done).toMatchObject({ done: true, doneAt: clock.now(), doneBy: grace });
    const timeline = await crm.interactions.find({ where: where('customerId', 'eq', acme.id) });
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0]).toMatchObject({ id: done.activityId, kind: 'task', direction: 'internal', subject: 'Task done: Send proposal', body: 'v2 pricing', dealId: deal.id, ownerId: 'u_grace', occurredAt: clock.now() });
  });

  it('refuse completing a done task (already_done) and write nothing', async () => {
    const { crm, acme } = await world();
    const task = await crm.tasks.create({ title: 'Call', customerId: acme.id, dueAt: new Date('2025-03-03T09:00:00Z') });
    await crm.tasks.complete(task.id);
    const before = { tasks: await stored(adapter, 'tasks'), interactions: await stored(adapter, 'interactions') };
    const error = await crm.tasks.complete(task.id).catch((e: unknown) => e);
    expect(isCrmError(error, 'invalid_transition') && error.reason).toBe('already_done');
    expect({ tasks: await stored(adapter, 'tasks'), interactions: await stored(adapter, 'interactions') }).toEqual(before);
  });

  it('reopen opens a done task again: done fields cleared, the logged activity kept, and a second complete logs a second one', async () => {
    const { crm, clock, acme } = await world();
    const task = await crm.tasks.create({ title: 'Call', customerId: acme.id, dueAt: new Date('2025-03-03T09:00:00Z') });
    const first = await crm.withActor(grace).tasks.complete(task.id);
    clock.advance(hour);
    const reopened = await crm.withActor(grace).tasks.reopen(task.id);
    expect(reopened).toMatchObject({ done: false, version: first.version + 1 });
    const row = (await stored(adapter, 'tasks'))[0] as Record<string, unknown>;
    expect(['doneAt', 'doneBy', 'activityId'].filter((field) => field in row)).toEqual([]);
    expect((await crm.tasks.due({ now: clock.now() })).overdue.map((t) => t.id)).toEqual([task.id]);
    const again = await crm.tasks.complete(task.id);
    expect(again.activityId).not.toBe(first.activityId);
    expect((await stored(adapter, 'interactions')).map((i) => (i as { id: string }).id).sort()).toEqual([first.activityId, again.activityId].sort());
  });

  it('refuse reopening a task that is not done (not_done) and write nothing, nor one that does not exist', async () => {
    const { crm, acme } = await world();
    const task = await crm.tasks.create({ title: 'Call', customerId: acme.id, dueAt: new Date('2025-03-03T09:00:00Z') });
    const before = await stored(adapter, 'tasks');
    const error = await crm.tasks.reopen(task.id).catch((e: unknown) => e);
    expect(isCrmError(error, 'invalid_transition') && error.reason).toBe('not_done');
    await expect(crm.tasks.reopen('no-such-task')).rejects.toMatchObject({ code: 'not_found' });
    expect(await stored(adapter, 'tasks')).toEqual(before);
  });

  it('log the activity on a case\'s customer, and roll back both writes when the transaction fails', async () => {
    const { crm, acme } = await world();
    const ticket = await crm.cases.create({ customerId: acme.id, subject: 'Invoice missing' });
    const task = await crm.tasks.create({ title: 'Resend invoice', caseId: ticket.id, dueAt: new Date('2025-03-03T09:00:00Z') });
    await expect(
      crm.transaction(async (tx) => {
        await tx.tasks.complete(task.id);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await crm.tasks.get(task.id)).done).toBe(false);
    expect(await stored(adapter, 'interactions')).toHaveLength(0);
    await crm.tasks.complete(task.id);
    expect(await stored(adapter, 'interactions')).toEqual([expect.objectContaining({ customerId: acme.id, caseId: ticket.id, kind: 'task' })]);
  });

  it('due lists open overdue tasks and those due for the rest of the day in the crm time zone, by assignee', async () => {
    // 10:00 UTC is 11:00 in Berlin; Berlin's day ends at 22:59:59.999 UTC.
    const { crm, acme } = await world('Europe/Berlin');
    const make = (title: string, dueAt: string, assigneeId = 'u_grace') => crm.tasks.create({ title, customerId: acme.id, dueAt: new Date(dueAt), assigneeId });
    await make('yesterday', '2025-03-02T16:00:00Z');
    await make('this morning', '2025-03-03T07:00:00Z');
    await make('tonight', '2025-03-03T22:30:00Z');
    await make('after midnight Berlin', '2025-03-03T23:30:00Z');
    await make('someone else', '2025-03-03T08:00:00Z', 'u_alan');
    const finished = await make('done already', '2025-03-03T06:00:00Z');
    await crm.tasks.complete(finished.id);
    const mine = await crm.tasks.due({ assigneeId: 'u_grace' });
    expect(mine.overdue.map((t) => t.title)).toEqual(['yesterday', 'this morning']);
    expect(mine.dueToday.map((t) => t.title)).toEqual(['tonight']);
    const everyone = await crm.tasks.due({ now: new Date('2025-03-03T23:00:00Z') });
    expect(everyone.overdue.map((t) => t.title)).toEqual(['yesterday', 'this morning', 'someone else', 'tonight']);
    expect(everyone.dueToday.map((t) => t.title)).toEqual(['after midnight Berlin']);
    await expect(crm.tasks.due({ now: new Date('nope') })).rejects.toMatchObject({ code: 'invalid_query' });
  });
});
