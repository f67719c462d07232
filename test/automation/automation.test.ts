// Rules are data, validated when defined; a tick consumes the change feed, starts runs and runs
// their steps; runs are records. Waits survive restarts, a crash between a step's write and its
// record leaves neither, a rule that re-triggers itself is stopped at its depth.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createCrm, isCrmError, where, type CrmAdapter, type RuleInput, type StorageMiddleware } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { coreAdapters } from '../core/core-adapters.js';
import { day, hour, stored, testClock } from '../pipelines/pipeline-fixture.js';

const complaintRule: RuleInput = {
  name: 'Complaint follow-up',
  trigger: { kind: 'record', collection: 'interactions', operations: ['create'], where: where('kind', 'eq', 'complaint'), subject: 'customerId' },
  steps: [
    { kind: 'create_task', title: 'Call back about the complaint', dueInMinutes: 240, priority: 'high' },
    { kind: 'branch', if: where('tags', 'contains', 'vip'), then: [{ kind: 'add_tag', tag: 'vip-complaint' }], else: [{ kind: 'add_tag', tag: 'complaint' }] },
    { kind: 'open_case', subject: 'Complaint', priority: 'high' },
  ],
};

describe.each(coreAdapters)('automation on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  async function world(options: { storageMiddleware?: StorageMiddleware } = {}) {
    adapter = create();
    const clock = testClock('2026-03-02T10:00:00.000Z');
    const crm = await createCrm({ adapter, clock, ...options });
    const ada = await crm.customers.create({ name: 'Ada', tags: ['vip'], ownerId: 'u_grace' });
    const alan = await crm.customers.create({ name: 'Alan' });
    return { crm, clock, ada, alan };
  }
  const complain = (crm: Awaited<ReturnType<typeof world>>['crm'], customerId: string, at: Date) =>
    crm.interactions.create({ customerId, channel: 'email', kind: 'complaint', occurredAt: at, body: 'Broken again' });

  it('runs an enabled rule\'s steps for each change that fires its trigger, and records every step', async () => {
    const { crm, clock, ada, alan } = await world();
    const rule = await crm.automation.enable((await crm.automation.define(complaintRule)).id);
    await complain(crm, ada.id, clock.now());
    await complain(crm, alan.id, clock.now());
    await crm.interactions.create({ customerId: alan.id, channel: 'email', kind: 'message', occurredAt: clock.now() }); // not a complaint
    const result = await crm.automation.tick();
    expect(result).toMatchObject({ started: 2, ended: 2 });
    const tasks = await stored(adapter, 'tasks');
    expect(tasks.map((t) => [t.customerId, t.assigneeId, t.priority])).toEqual(expect.arrayContaining([[ada.id, 'u_grace', 'high'], [alan.id, undefined, 'high']]));
    expect((await crm.customers.get(ada.id)).tags).toEqual(['vip', 'vip-complaint']);
    expect((await crm.customers.get(alan.id)).tags).toEqual(['complaint']);
    expect(await crm.cases.count()).toBe(2);
    const { items } = await crm.automation.runs({ ruleId: rule.id, subjectId: ada.id });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'completed', ruleVersion: rule.version, subjectCollection: 'customers' });
    expect(items[0]!.steps.map((s) => [s.path, s.kind, s.outcome])).toEqual([
      ['0', 'create_task', 'done'],
      ['1', 'branch', 'done'],
      ['1.then.0', 'add_tag', 'done'],
      ['2', 'open_case', 'done'],
    ]);
    // Writes are made by the run, as an automation actor.
    const [task] = await crm.tasks.find({ where: where('customerId', 'eq', ada.id) }).then((p) => p.items);
    expect((await crm.tasks.history(task!.id)).items[0]!.actor).toEqual({ kind: 'automation', id: items[0]!.id });
    expect(await crm.automation.tick()).toMatchObject({ started: 0, stepsRun: 0 }); // nothing twice
  });

  it('a disabled rule never runs, and the changes it missed stay missed', async () => {
    const { crm, clock, ada } = await world();
    const rule = await crm.automation.define(complaintRule);
    await complain(crm, ada.id, clock.now());
    expect(await crm.automation.tick()).toMatchObject({ started: 0 });
    await crm.automation.enable(rule.id);
    expect(await crm.automation.tick()).toMatchObject({ started: 0 });
    expect(await crm.tasks.count()).toBe(0);
  });

  it('refuses a rule naming an unknown collection, field, action or campaign, with the path, and writes nothing', async () => {
    const { crm } = await world();
    crm.automation.registerAction('sms', { input: z.strictObject({ template: z.string() }), run: () => {} });
    const issuesOf = async (rule: RuleInput) => ((await crm.automation.define(rule).catch((e: unknown) => e)) as { issues: { code: string; path: PropertyKey[] }[] }).issues;
    expect(await issuesOf({ ...complaintRule, trigger: { kind: 'record', collection: 'nope' } })).toMatchObject([{ code: 'unknown_collection', path: ['trigger', 'collection'] }]);
    expect(await issuesOf({ ...complaintRule, trigger: { kind: 'record', collection: 'customers', fields: ['shoeSize'] } })).toMatchObject([{ code: 'unknown_field', path: ['trigger', 'fields', 0] }]);
    expect(await issuesOf({ ...complaintRule, trigger: { kind: 'record', collection: 'interactions', subject: 'body' } })).toMatchObject([{ code: 'not_a_reference', path: ['trigger', 'subject'] }]);
    expect(await issuesOf({ ...complaintRule, conditions: where('shoeSize' as never, 'eq', 3) })).toMatchObject([{ path: ['conditions', 'field'] }]);
    expect(await issuesOf({ ...complaintRule, steps: [{ kind: 'action', action: 'fax', input: {} }] })).toMatchObject([{ code: 'unknown_action', path: ['steps', 0, 'action'] }]);
    expect(await issuesOf({ ...complaintRule, steps: [{ kind: 'action', action: 'sms', input: { template: 3 } }] })).toMatchObject([{ code: 'invalid_action_input', path: ['steps', 0, 'input', 'template'] }]);
    expect(await issuesOf({ ...complaintRule, steps: [{ kind: 'add_to_campaign', campaignId: 'cmp_missing' }] })).toMatchObject([{ code: 'unknown_campaign', path: ['steps', 0, 'campaignId'] }]);
    expect(await issuesOf({ ...complaintRule, steps: [{ kind: 'wait', until: where('tags', 'contains', 'x') }] })).toMatchObject([{ path: ['steps', 0] }]);
    expect(await issuesOf({ ...complaintRule, steps: [{ kind: 'bake' } as never] })).toMatchObject([{ path: ['steps', 0, 'kind'] }]);
    expect(await stored(adapter, 'automationRules')).toEqual([]);
  });

  it('does not re-enroll a subject while enrolled, nor after unless reenroll is set', async () => {
    const { crm, clock, ada } = await world();
    const waiting: RuleInput = { ...complaintRule, name: 'Waits', steps: [{ kind: 'wait', minutes: 60 }, { kind: 'add_tag', tag: 'followed-up' }] };
    const once = await crm.automation.enable((await crm.automation.define(waiting)).id);
    const again = await crm.automation.enable((await crm.automation.define({ ...waiting, name: 'Again', reenroll: true })).id);
    await complain(crm, ada.id, clock.now());
    await crm.automation.tick();
    await complain(crm, ada.id, clock.now()); // while both runs wait
    await crm.automation.tick();
    expect((await crm.automation.runs({ ruleId: once.id })).items).toHaveLength(1);
    expect((await crm.automation.runs({ ruleId: again.id })).items).toHaveLength(1);
    clock.advance(hour);
    await crm.automation.tick();
    expect((await crm.automation.runs({ ruleId: again.id })).items.map((r) => r.status)).toEqual(['completed']);
    await complain(crm, ada.id, clock.now()); // after the runs ended
    await crm.automation.tick();
    expect((await crm.automation.runs({ ruleId: once.id })).items).toHaveLength(1);
    expect((await crm.automation.runs({ ruleId: again.id })).items.map((r) => r.status)).toEqual(['waiting', 'completed']);
  });

  it('ends a journey on its exit trigger and on its goal', async () => {
    const { crm, clock, ada, alan } = await world();
    const journey = await crm.automation.enable(
      (
        await crm.automation.define({
          name: 'Win-back',
          trigger: { kind: 'manual', collection: 'customers' },
          steps: [{ kind: 'wait', minutes: 60 * 24 }, { kind: 'add_tag', tag: 'win-back-2' }],
          exitWhen: complaintRule.trigger,
          goal: where('tags', 'contains', 'returned'),
        })
      ).id,
    );
    await crm.automation.trigger(journey.id, ada.id);
    await crm.automation.trigger(journey.id, alan.id);
    await complain(crm, ada.id, clock.now());
    await crm.customers.update(alan.id, (d) => void d.tags.push('returned'));
    clock.advance(day);
    await crm.automation.tick();
    const statusOf = async (id: string) => (await crm.automation.runs({ ruleId: journey.id, subjectId: id })).items[0]!.status;
    expect(await statusOf(ada.id)).toBe('exited');
    expect(await statusOf(alan.id)).toBe('goal_reached');
    expect((await crm.customers.get(ada.id)).tags).not.toContain('win-back-2');
  });

  it('a crash between a step\'s write and its record leaves neither, and the next tick runs the step once', async () => {
    let failNext = false;
    const crashing: StorageMiddleware = (next) => ({
      ...next,
      updateMany: async (collection, writes) => {
        if (collection === 'automationRuns' && failNext) {
          failNext = false;
          throw new Error('process killed');
        }
        return next.updateMany(collection, writes);
      },
    });
    const { crm, clock, ada } = await world({ storageMiddleware: crashing });
    await crm.automation.enable((await crm.automation.define({ ...complaintRule, steps: [complaintRule.steps[0]!] })).id);
    await complain(crm, ada.id, clock.now());
    failNext = true;
    await expect(crm.automation.tick()).rejects.toThrow('process killed');
    expect(await crm.tasks.count()).toBe(0); // the task went with the lost record of it
    await crm.automation.tick();
    expect(await crm.tasks.count()).toBe(1);
    await crm.automation.tick();
    expect(await crm.tasks.count()).toBe(1);
  });

  it('stops a rule whose own writes re-trigger it, at its maxDepth, with a clear error on the run', async () => {
    const { crm, ada } = await world();
    const loop = await crm.automation.enable(
      (
        await crm.automation.define({
          name: 'Passes the customer on',
          trigger: { kind: 'record', collection: 'customers', operations: ['update'], fields: ['ownerId'] },
          steps: [{ kind: 'assign', to: { agents: ['u_ada', 'u_grace'], strategy: 'round_robin' } }],
          reenroll: true,
          maxDepth: 3,
        })
      ).id,
    );
    await crm.customers.update(ada.id, (d) => void (d.ownerId = 'u_alan')); // each run's assignment changes the owner again
    for (let i = 0; i < 6; i++) await crm.automation.tick();
    const runs = (await crm.automation.runs({ ruleId: loop.id })).items;
    expect(runs.filter((r) => r.status === 'refused')).toHaveLength(1);
    expect(runs.find((r) => r.status === 'refused')!.error).toMatch(/^loop_detected/);
    expect(Math.max(...runs.map((r) => r.depth))).toBe(3);
  });

  it('calls a host action with a stable idempotency key; a failing one fails the run, and retry resumes it', async () => {
    const { crm, clock, ada } = await world();
    const calls: { input: unknown; key: string }[] = [];
    let fail = true;
    crm.automation.registerAction('sms', {
      input: z.strictObject({ template: z.string() }),
      run: (input, { idempotencyKey }) => {
        calls.push({ input, key: idempotencyKey });
        if (fail) throw new Error('gateway down');
        return { messageId: 'm-1' };
      },
    });
    await crm.automation.enable((await crm.automation.define({ ...complaintRule, steps: [{ kind: 'action', action: 'sms', input: { template: 'sorry' } }, { kind: 'add_tag', tag: 'texted' }] })).id);
    await complain(crm, ada.id, clock.now());
    await crm.automation.tick();
    const [failed] = (await crm.automation.runs({ status: 'failed' })).items;
    expect(failed).toMatchObject({ status: 'failed', error: 'gateway down', position: '0' });
    const notFailed = await crm.automation.retry('nope').catch((e: unknown) => e);
    expect(isCrmError(notFailed, 'not_found')).toBe(true);
    fail = false;
    const resumed = await crm.automation.retry(failed!.id);
    expect(resumed.status).toBe('completed');
    expect(resumed.steps.map((s) => s.outcome)).toEqual(['started', 'failed', 'started', 'done', 'done']);
    expect(resumed.steps[3]!.result).toEqual({ messageId: 'm-1' });
    expect(calls.map((c) => c.key)).toEqual([`${failed!.id}:0`, `${failed!.id}:0`]);
    expect((await crm.customers.get(ada.id)).tags).toContain('texted');
  });

  it('takes related filters in conditions, and entering or leaving a segment as a trigger (membership rows are in the feed; a deleted one matches on its last values)', async () => {
    const { crm, clock, ada, alan } = await world();
    const buy = (customerId: string, orderId: string) => crm.interactions.create({ customerId, channel: 'web', kind: 'purchase', occurredAt: clock.now(), purchase: { orderId, amount: 100, currency: 'EUR' } });
    await buy(ada.id, 'o-1');
    await buy(ada.id, 'o-2');
    await buy(alan.id, 'o-3');
    const vips = await crm.segments.define({ name: 'VIPs', where: where('tags', 'contains', 'vip') });
    const rule = await crm.automation.enable(
      (
        await crm.automation.define({
          name: 'Welcome to VIP',
          trigger: { kind: 'record', collection: 'segmentMembers', operations: ['create'], where: where('segmentId', 'eq', vips.id), subject: 'customerId' },
          conditions: where.related('interactions', { where: where('kind', 'eq', 'purchase'), having: { fn: 'count', op: 'gte', value: 2 } }),
          steps: [{ kind: 'add_tag', tag: 'vip-welcomed' }],
        })
      ).id,
    );
    await crm.customers.update(alan.id, (d) => void d.tags.push('vip'));
    await crm.segments.refresh(vips.id); // Ada and Alan enter; only Ada bought twice
    await crm.automation.tick();
    expect((await crm.customers.get(ada.id)).tags).toContain('vip-welcomed');
    expect((await crm.customers.get(alan.id)).tags).not.toContain('vip-welcomed');
    expect((await crm.automation.runs({ ruleId: rule.id })).items).toHaveLength(1);
    // Leaving: the membership row is deleted; the trigger matches it on its last values.
    const left = await crm.automation.enable(
      (
        await crm.automation.define({
          name: 'Left VIP',
          trigger: { kind: 'record', collection: 'segmentMembers', operations: ['delete'], where: where('segmentId', 'eq', vips.id), subject: 'customerId' },
          steps: [{ kind: 'create_task', title: 'Why did they leave?' }],
        })
      ).id,
    );
    await crm.customers.update(alan.id, (d) => void (d.tags = d.tags.filter((tag) => tag !== 'vip')));
    await crm.segments.refresh(vips.id);
    await crm.automation.tick();
    expect((await crm.automation.runs({ ruleId: left.id })).items.map((run) => run.subjectId)).toEqual([alan.id]);
    expect((await crm.tasks.find({ where: where('customerId', 'eq', alan.id) })).items.map((task) => task.title)).toEqual(['Why did they leave?']);
  });

  it('assigns to the least loaded agent, leaves a campaign, emits an event after commit, and waits until a condition or its timeout', async () => {
    const { crm, clock, ada, alan } = await world();
    await crm.tasks.create({ title: 'Busy', customerId: alan.id, dueAt: clock.now(), assigneeId: 'u_busy' });
    const spring = await crm.campaigns.create({ name: 'Spring', channel: 'email', audience: { customerIds: [ada.id, alan.id] } });
    await crm.campaignMembers.createMany([ada, alan].map((c) => ({ campaignId: spring.id, customerId: c.id })));
    const events: { name: string; subjectId: string }[] = [];
    crm.events.on('automation.event', (event) => void events.push({ name: event.name, subjectId: event.subjectId }));
    const rule = await crm.automation.enable(
      (
        await crm.automation.define({
          name: 'Steps',
          trigger: { kind: 'manual', collection: 'customers' },
          steps: [
            { kind: 'assign', to: { agents: ['u_busy', 'u_free'], strategy: 'least_loaded' } },
            { kind: 'remove_from_campaign', campaignId: spring.id },
            { kind: 'emit', event: 'steps.started', data: { via: 'test' } },
            { kind: 'wait', until: where('tags', 'contains', 'replied'), timeoutMinutes: 60 },
            { kind: 'add_tag', tag: 'done' },
          ],
        })
      ).id,
    );
    await crm.automation.trigger(rule.id, ada.id);
    await crm.automation.trigger(rule.id, alan.id);
    expect((await crm.customers.get(ada.id)).ownerId).toBe('u_free');
    expect(await crm.campaignMembers.count()).toBe(0);
    expect(events).toEqual([{ name: 'steps.started', subjectId: ada.id }, { name: 'steps.started', subjectId: alan.id }]);
    await crm.customers.update(ada.id, (d) => void d.tags.push('replied'));
    await crm.automation.tick();
    expect((await crm.customers.get(ada.id)).tags).toContain('done'); // the condition held
    expect((await crm.customers.get(alan.id)).tags).not.toContain('done');
    clock.advance(61 * 60_000);
    await crm.automation.tick();
    const alanRun = (await crm.automation.runs({ ruleId: rule.id, subjectId: alan.id })).items[0]!;
    expect(alanRun.steps.find((s) => s.kind === 'wait')!.outcome).toBe('timed_out');
    expect((await crm.customers.get(alan.id)).tags).toContain('done');
  });

  it('a date trigger starts runs when the date plus the offset is reached, once per date', async () => {
    const { crm, clock, ada, alan } = await world();
    const rule = await crm.automation.enable(
      (
        await crm.automation.define({
          name: '30 days after a purchase',
          trigger: { kind: 'date', collection: 'interactions', field: 'occurredAt', offsetMinutes: 30 * 24 * 60, where: where('kind', 'eq', 'purchase'), subject: 'customerId' },
          steps: [{ kind: 'add_tag', tag: 'check-in' }],
          reenroll: true,
        })
      ).id,
    );
    const buy = (customerId: string, at: Date, orderId: string) => crm.interactions.create({ customerId, channel: 'web', kind: 'purchase', occurredAt: at, purchase: { orderId, amount: 100, currency: 'EUR' } });
    await buy(ada.id, new Date(clock.now().getTime() + day), 'o-1');
    await buy(alan.id, new Date(clock.now().getTime() + 10 * day), 'o-2');
    clock.advance(29 * day);
    await crm.automation.tick();
    expect(await crm.automation.runs({ ruleId: rule.id }).then((p) => p.items.length)).toBe(0);
    clock.advance(2 * day); // day 31: Ada's purchase (day 1) is 30 days old
    await crm.automation.tick();
    await crm.automation.tick();
    expect((await crm.customers.get(ada.id)).tags).toContain('check-in');
    expect((await crm.customers.get(alan.id)).tags).not.toContain('check-in');
    clock.advance(10 * day);
    await crm.automation.tick();
    expect((await crm.customers.get(alan.id)).tags).toContain('check-in');
    expect(await crm.automation.runs({ ruleId: rule.id }).then((p) => p.items.length)).toBe(2);
  });
});

describe('automation waits survive a restart (SQLite file)', () => {
  it('a run waiting when the process stops goes on in the next one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crmkit-automation-'));
    try {
      const filename = join(dir, 'crm.db');
      const clock = testClock('2026-03-02T10:00:00.000Z');
      const first = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename }), clock });
      const ada = await first.customers.create({ name: 'Ada' });
      const rule = await first.automation.enable(
        (await first.automation.define({ name: 'Later', trigger: { kind: 'manual', collection: 'customers' }, steps: [{ kind: 'wait', minutes: 90 }, { kind: 'add_tag', tag: 'later' }] })).id,
      );
      await first.automation.trigger(rule.id, ada.id);
      await first.close();
      clock.advance(2 * hour);
      const second = await createCrm({ adapter: sqlAdapter({ dialect: 'sqlite', filename }), clock });
      await second.automation.tick();
      expect((await second.customers.get(ada.id)).tags).toEqual(['later']);
      expect((await second.automation.runs()).items[0]).toMatchObject({ status: 'completed' });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works on the memory adapter too (no feed consumer state lost between ticks)', async () => {
    const crm = await createCrm({ adapter: memoryAdapter() });
    expect(await crm.automation.tick()).toMatchObject({ changes: 0, started: 0 });
  });
});
