import { createCrm, isCrmError, systemActor, weekdays, type SlaPolicyInput } from 'crmkit';
import { describe, expect, it } from 'vitest';
import { coreAdapters } from '../core/core-adapters.js';

const minute = 60_000;
const start = Date.parse('2025-01-06T00:00:00Z'); // a Monday
const allDay = Object.fromEntries(weekdays.map((day) => [day, [{ start: '00:00', end: '24:00' }]]));
const roundTheClock = { timeZone: 'UTC', hours: allDay };

const urgentPolicy: SlaPolicyInput = {
  name: 'Urgent',
  match: { priorities: ['urgent'] },
  calendar: roundTheClock,
  targets: [
    { kind: 'first_response', minutes: 60, atRiskMinutes: 15 },
    { kind: 'resolution', minutes: 240, atRiskMinutes: 60 },
  ],
  escalation: {
    onWarning: { notify: ['lead@example.com'] },
    onBreach: { raisePriority: false, reassignTo: 'lead-1', notify: ['oncall@example.com'] },
  },
};
const normalPolicy: SlaPolicyInput = {
  name: 'Normal',
  calendar: { timeZone: 'UTC', hours: { monday: [{ start: '09:00', end: '17:00' }], tuesday: [{ start: '09:00', end: '17:00' }] } },
  targets: [{ kind: 'first_response', minutes: 120 }],
  rank: 10,
  escalation: { onBreach: { raisePriority: true } },
};

describe.each(coreAdapters)('crm.cases on $name', ({ create }) => {
  const open = async () => {
    let now = start;
    const clock = { now: () => new Date(now) };
    const crm = await createCrm({ adapter: create(), clock });
    const events: [string, any][] = [];
    crm.events.on('*', (name, payload) => void events.push([String(name), payload]));
    const ada = await crm.customers.create({ name: 'Ada' });
    const urgent = await crm.slaPolicies.create(urgentPolicy);
    const normal = await crm.slaPolicies.create(normalPolicy);
    return { crm, events, ada, urgent, normal, advance: (minutes: number) => void (now += minutes * minute), at: (minutes: number) => new Date(start + minutes * minute) };
  };

  it('gives a new case the matching policy and its clocks', async () => {
    const { crm, ada, urgent, normal, at } = await open();
    const fire = await crm.cases.create({ customerId: ada.id, subject: 'Site down', priority: 'urgent' });
    expect(fire).toMatchObject({ slaPolicyId: urgent.id, firstResponseDueAt: at(60), resolutionDueAt: at(240), slaNextCheckAt: at(45) });
    const slow = await crm.cases.create({ customerId: ada.id, subject: 'Question', priority: 'low' });
    expect(slow).toMatchObject({ slaPolicyId: normal.id, firstResponseDueAt: new Date('2025-01-06T11:00:00Z') });
    const none = await crm.cases.create({ customerId: ada.id, subject: 'Named', slaPolicyId: 'nope' }).then(() => undefined, (e: unknown) => e);
    expect(isCrmError(none, 'validation') && none.issues.map((i) => [i.code, i.path])).toEqual([['unknown_policy', ['slaPolicyId']]]);
    expect(await crm.cases.count()).toBe(2);
    await crm.close();
  });

  it('reports each target through sla(id): a reply stops the first response, waiting on the customer pauses resolution', async () => {
    const { crm, ada, advance, at } = await open();
    const fire = await crm.cases.create({ customerId: ada.id, subject: 'Site down', priority: 'urgent' });
    advance(20);
    await crm.cases.reply(fire.id, { body: 'Looking', authorId: 'ann' });
    advance(40);
    await crm.withActor({ kind: 'user', id: 'ann' }).cases.transition(fire.id, 'pending_customer');
    advance(300); // five hours waiting: no resolution minutes used
    expect(await crm.cases.sla(fire.id)).toEqual([
      expect.objectContaining({ kind: 'first_response', usedMinutes: 20, clock: 'stopped', outcome: 'met', dueAt: at(60) }),
      expect.objectContaining({ kind: 'resolution', usedMinutes: 60, remainingMinutes: 180, clock: 'paused', outcome: 'on_track' }),
    ]);
    expect((await crm.cases.get(fire.id)).slaNextCheckAt).toBeUndefined();
    await crm.cases.customerMessage(fire.id, { body: 'Here is the log' }); // back to open, the clock runs again
    const resumed = await crm.cases.get(fire.id);
    expect(resumed).toMatchObject({ status: 'open', resolutionDueAt: at(360 + 180), firstRespondedAt: at(20) });
    expect((await crm.cases.events(fire.id)).map((e) => [e.from, e.to, e.actor])).toEqual([
      ['new', 'pending_customer', { kind: 'user', id: 'ann' }],
      ['pending_customer', 'open', systemActor], // the customer's message, written by the host's system
    ]);
    expect((await crm.cases.conversation(fire.id)).map((m) => m.kind)).toEqual(['reply', 'customer']);
    await crm.close();
  });

  it('checkSla warns, then breaches and escalates, each once, and finds only the due cases', async () => {
    const { crm, ada, events, at } = await open();
    const fire = await crm.cases.create({ customerId: ada.id, subject: 'Site down', priority: 'urgent', assigneeId: 'ann' });
    for (let i = 0; i < 5; i++) await crm.cases.create({ customerId: ada.id, subject: `Calm ${i}`, priority: 'low' });
    events.length = 0;
    const early = await crm.cases.checkSla({ now: at(30) });
    expect(early).toMatchObject({ checked: 0, warnings: [], breaches: [] });
    const warned = await crm.cases.checkSla({ now: at(50) });
    expect(warned).toMatchObject({ checked: 1, escalations: 1, skipped: 0 });
    expect(warned.warnings.map((w) => [w.caseId, w.target.kind, w.target.remainingMinutes])).toEqual([[fire.id, 'first_response', 10]]);
    expect((await crm.cases.checkSla({ now: at(50) })).checked).toBe(0); // idempotent
    const scheduler = { kind: 'system', id: 'sla-scheduler' } as const;
    const breached = await crm.withActor(scheduler).cases.checkSla({ now: at(61) });
    expect(breached.breaches.map((b) => b.target.kind)).toEqual(['first_response']);
    const stored = await crm.cases.get(fire.id);
    expect(stored).toMatchObject({ assigneeId: 'lead-1', priority: 'urgent', slaNextCheckAt: at(180) });
    expect(events.map(([name]) => name).filter((name) => name.startsWith('case.sla') || name === 'case.escalated')).toEqual([
      'case.slaWarning',
      'case.escalated',
      'case.slaBreached',
      'case.escalated',
    ]);
    const escalated = events.filter(([name]) => name === 'case.escalated').map(([, payload]) => [payload.level, payload.notify]);
    expect(escalated).toEqual([
      ['warning', ['lead@example.com']],
      ['breach', ['oncall@example.com']],
    ]);
    expect((await crm.cases.events(fire.id)).map((e) => `${e.kind}:${e.target ?? e.to}`)).toEqual([
      'sla_warning:first_response',
      'escalated:first_response',
      'sla_breached:first_response',
      'assigned:lead-1',
      'escalated:first_response',
    ]);
    // Each entry names the actor that ran the check that wrote it.
    expect((await crm.cases.events(fire.id)).map((e) => e.actor.id)).toEqual(['system', 'system', 'sla-scheduler', 'sla-scheduler', 'sla-scheduler']);
    // Much later: the resolution target warns and breaches in one run (breach only), then nothing is left.
    const late = await crm.cases.checkSla({ now: at(1000) });
    expect(late.warnings).toEqual([]);
    expect(late.breaches.filter((b) => b.caseId === fire.id).map((b) => b.target.kind)).toEqual(['resolution']);
    expect(late.breaches).toHaveLength(1 + 5); // and the five calm cases' first responses (120 business minutes from 09:00)
    expect((await crm.cases.get(fire.id)).slaNextCheckAt).toBeUndefined();
    expect((await crm.cases.checkSla({ now: at(5000) })).checked).toBe(0);
    await crm.close();
  });

  it('raises the priority on a breach when the rule says so', async () => {
    const { crm, ada } = await open();
    const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Slow', priority: 'normal' });
    const { breaches } = await crm.cases.checkSla({ now: new Date('2025-01-07T09:00:00Z') }); // 8 h on Monday 9-17 > 120
    expect(breaches).toHaveLength(1);
    expect((await crm.cases.get(ticket.id)).priority).toBe('high');
    expect((await crm.cases.events(ticket.id)).filter((e) => e.kind === 'priority_changed').map((e) => [e.from, e.to])).toEqual([['normal', 'high']]);
    await crm.close();
  });

  it('assigns to a named agent, round-robin and least-loaded over a team, skipping away agents', async () => {
    const { crm, ada } = await open();
    const team = await crm.supportTeams.create({ name: 'Billing', members: [{ agentId: 'ann' }, { agentId: 'bob', away: true }, { agentId: 'cyd' }] });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await crm.cases.create({ customerId: ada.id, subject: `Case ${i}` })).id);
    const picks = [];
    for (const id of ids) picks.push((await crm.cases.assign(id, { teamId: team.id, strategy: 'round_robin' })).assigneeId);
    expect(picks).toEqual(['ann', 'cyd', 'ann', 'cyd']);
    await crm.cases.transition(ids[0]!, 'solved'); // ann: 1 open, cyd: 2 open
    const next = await crm.cases.create({ customerId: ada.id, subject: 'Next' });
    expect((await crm.cases.assign(next.id, { teamId: team.id, strategy: 'least_loaded' })).assigneeId).toBe('ann');
    expect((await crm.withActor({ kind: 'user', id: 'boss' }).cases.assign(next.id, { agentId: 'dee' })).assigneeId).toBe('dee');
    expect((await crm.cases.events(next.id)).map((e) => [e.kind, e.from, e.to, e.actor.id])).toEqual([
      ['assigned', undefined, 'ann', 'system'],
      ['assigned', 'ann', 'dee', 'boss'],
    ]);
    await crm.supportTeams.update(team.id, (d) => void d.members.forEach((m) => (m.away = true)));
    await expect(crm.cases.assign(next.id, { teamId: team.id, strategy: 'round_robin' })).rejects.toMatchObject({ code: 'invalid_transition' });
    expect((await crm.cases.get(next.id)).assigneeId).toBe('dee');
    await crm.close();
  });

  it('opens a case from an inbound complaint by rule, links it both ways, and keeps internal notes off the SLA', async () => {
    const { crm, ada } = await open();
    const complaint = await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'complaint', subject: 'Parcel lost', body: 'Where is it?' });
    const praise = await crm.interactions.create({ customerId: ada.id, channel: 'email', kind: 'message', subject: 'Thanks' });
    const opened = await crm.cases.openFromInteraction(complaint.id, { priority: 'urgent', category: 'delivery' });
    expect(opened).toMatchObject({ subject: 'Parcel lost', priority: 'urgent', category: 'delivery', channel: 'email', interactionIds: [complaint.id] });
    expect((await crm.interactions.get(complaint.id)).caseId).toBe(opened!.id);
    expect((await crm.cases.openFromInteraction(complaint.id))!.id).toBe(opened!.id);
    expect(await crm.cases.openFromInteraction(praise.id)).toBeUndefined();
    await crm.cases.note(opened!.id, { body: 'Courier ticket 77', authorId: 'ann' });
    expect((await crm.cases.get(opened!.id)).firstRespondedAt).toBeUndefined();
    const call = await crm.interactions.create({ customerId: ada.id, channel: 'phone', kind: 'call', direction: 'outbound' });
    await crm.cases.reply(opened!.id, { body: 'Called her', authorId: 'ann', interactionId: call.id });
    expect((await crm.cases.get(opened!.id)).interactionIds).toEqual([complaint.id, call.id]);
    expect(await crm.cases.count()).toBe(1);
    await crm.close();
  });

  it('computes CSAT and NPS from the survey responses linked to the case', async () => {
    const { crm, ada } = await open();
    const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Refund' });
    const survey = (type: 'csat' | 'nps', score: number, caseId?: string) =>
      crm.interactions.create({ customerId: ada.id, channel: 'web', kind: 'survey_response', survey: { type, score }, ...(caseId ? { caseId } : {}) });
    for (const score of [5, 4, 2]) await survey('csat', score, ticket.id);
    for (const score of [10, 9, 7, 3]) await survey('nps', score, ticket.id);
    await survey('csat', 1); // not about this case
    expect(await crm.cases.satisfaction(ticket.id)).toEqual({
      csat: { responses: 3, average: 11 / 3, score: 200 / 3 },
      nps: { responses: 4, promoters: 2, detractors: 1, score: 25 },
    });
    expect(await crm.cases.satisfaction('other')).toEqual({});
    await crm.close();
  });
});
