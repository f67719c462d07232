import { describe, expect, it } from 'vitest';
import {
  advanceSlaClocks,
  evaluateSla,
  matchSlaPolicy,
  nextSlaCheckAt,
  slaPolicyModel,
  startSlaClocks,
  weekdays,
  type CaseSlaState,
  type CaseStatus,
  type SlaClockEvent,
  type SlaClockPolicy,
} from 'crmkit';

const at = (iso: string) => new Date(iso);
const nineToFive = [{ start: '09:00', end: '17:00' }];
const office: SlaClockPolicy = {
  id: 'office',
  calendar: {
    timeZone: 'Europe/Berlin',
    hours: { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive },
    holidays: [],
    closures: [],
  } as never,
  targets: [
    { kind: 'first_response', minutes: 60 },
    { kind: 'resolution', minutes: 960 },
  ],
  pausedStatuses: ['pending_customer', 'on_hold'],
};
const allDay = Object.fromEntries(weekdays.map((day) => [day, [{ start: '00:00', end: '24:00' }]]));
const roundTheClock = (targets: SlaClockPolicy['targets']): SlaClockPolicy => ({
  id: 'always',
  calendar: { timeZone: 'UTC', hours: allDay, holidays: [], closures: [] } as never,
  targets,
  pausedStatuses: ['pending_customer', 'on_hold'],
});

/** Folds a case's timeline into its clocks, the way crm.cases does on each write. */
function fold(policy: SlaClockPolicy, openedAt: Date, steps: readonly [string, SlaClockEvent][]): { state: CaseSlaState; status: CaseStatus } {
  let status: CaseStatus = 'new';
  let state = startSlaClocks(policy, openedAt, status);
  for (const [when, event] of steps) {
    if (event.kind === 'status') status = event.to;
    state = advanceSlaClocks(policy, state, event, at(when), status);
  }
  return { state, status };
}

const target = (policy: SlaClockPolicy, state: CaseSlaState, now: string, kind: string) => evaluateSla(policy, state, at(now)).find((t) => t.kind === kind)!;

describe('SLA evaluation (pure)', () => {
  // Friday 2025-03-07, Berlin at +01:00: opened 15:00, replied 15:30, waiting on the customer from 16:00 over the weekend, worked again Monday 11:00.
  const friday = fold(office, at('2025-03-07T14:00:00Z'), [
    ['2025-03-07T14:30:00Z', { kind: 'agent_reply' }],
    ['2025-03-07T15:00:00Z', { kind: 'status', to: 'pending_customer' }],
  ]);
  const monday = fold(office, at('2025-03-07T14:00:00Z'), [
    ['2025-03-07T14:30:00Z', { kind: 'agent_reply' }],
    ['2025-03-07T15:00:00Z', { kind: 'status', to: 'pending_customer' }],
    ['2025-03-10T10:00:00Z', { kind: 'status', to: 'open' }],
  ]);

  it('meets a first response given within its business minutes', () => {
    expect(target(office, friday.state, '2025-03-08T12:00:00Z', 'first_response')).toEqual({
      kind: 'first_response',
      targetMinutes: 60,
      usedMinutes: 30,
      remainingMinutes: 30,
      dueAt: at('2025-03-07T15:00:00Z'),
      startedAt: at('2025-03-07T14:00:00Z'),
      stoppedAt: at('2025-03-07T14:30:00Z'),
      clock: 'stopped',
      outcome: 'met',
    });
  });

  it('pauses the resolution clock across a weekend while the case waits on the customer', () => {
    expect(target(office, friday.state, '2025-03-08T12:00:00Z', 'resolution')).toMatchObject({
      usedMinutes: 60,
      remainingMinutes: 900,
      clock: 'paused',
      outcome: 'on_track',
    });
    expect(target(office, friday.state, '2025-03-08T12:00:00Z', 'resolution').dueAt).toBeUndefined();
    expect(nextSlaCheckAt(office, friday.state)).toBeUndefined();
    // Monday 12:00 local: 60 on Friday + 60 on Monday; 840 left: Monday 12-17 (300), Tuesday (480), Wednesday 09:00-10:00 (60).
    expect(target(office, monday.state, '2025-03-10T11:00:00Z', 'resolution')).toMatchObject({
      usedMinutes: 120,
      remainingMinutes: 840,
      clock: 'running',
      outcome: 'on_track',
      dueAt: at('2025-03-12T09:00:00Z'),
    });
  });

  it('is at risk with 20 % of the target left, and breached once it is used up', () => {
    // Tuesday 16:00 local: 120 + 300 + 420 = 840 used, 120 ≤ 192 left.
    expect(target(office, monday.state, '2025-03-11T15:00:00Z', 'resolution')).toMatchObject({ usedMinutes: 840, outcome: 'at_risk' });
    // The warning is due at 768 used: from Monday 11:00 local (60 used), 360 on Monday, then 348 on Tuesday: 14:48 local.
    expect(nextSlaCheckAt(office, monday.state)).toEqual(at('2025-03-11T13:48:00Z'));
    expect(target(office, monday.state, '2025-03-12T10:00:00Z', 'resolution')).toMatchObject({
      usedMinutes: 1020,
      remainingMinutes: 0,
      outcome: 'breached',
      dueAt: at('2025-03-12T09:00:00Z'),
    });
    // Once warned, the next check is the due time; once breached, nothing is left to report.
    const warned = { ...monday.state, targets: monday.state.targets.map((t) => (t.kind === 'resolution' ? { ...t, warnedAt: at('2025-03-11T13:48:00Z') } : t)) };
    expect(nextSlaCheckAt(office, warned)).toEqual(at('2025-03-12T09:00:00Z'));
    const breached = { ...warned, targets: warned.targets.map((t) => (t.kind === 'resolution' ? { ...t, breachedAt: at('2025-03-12T09:00:00Z') } : t)) };
    expect(nextSlaCheckAt(office, breached)).toBeUndefined();
  });

  it('measures each next-response cycle from the customer message to the reply', () => {
    const policy = roundTheClock([
      { kind: 'first_response', minutes: 60 },
      { kind: 'next_response', minutes: 120 },
    ]);
    const answered = fold(policy, at('2025-01-01T00:00:00Z'), [
      ['2025-01-01T00:10:00Z', { kind: 'agent_reply' }],
      ['2025-01-01T01:00:00Z', { kind: 'customer_message' }],
    ]);
    expect(target(policy, answered.state, '2025-01-01T02:00:00Z', 'next_response')).toMatchObject({
      usedMinutes: 60,
      remainingMinutes: 60,
      dueAt: at('2025-01-01T03:00:00Z'),
      clock: 'running',
      outcome: 'on_track', // 60 left is more than 20 % of 120
    });
    const replied = fold(policy, at('2025-01-01T00:00:00Z'), [
      ['2025-01-01T00:10:00Z', { kind: 'agent_reply' }],
      ['2025-01-01T01:00:00Z', { kind: 'customer_message' }],
      ['2025-01-01T02:30:00Z', { kind: 'agent_reply' }],
      ['2025-01-01T04:00:00Z', { kind: 'customer_message' }],
    ]);
    // The second cycle starts at 04:00 with its minutes from 0: due 06:00, breached by 07:00.
    expect(target(policy, replied.state, '2025-01-01T07:00:00Z', 'next_response')).toMatchObject({
      usedMinutes: 180,
      startedAt: at('2025-01-01T04:00:00Z'),
      dueAt: at('2025-01-01T06:00:00Z'),
      outcome: 'breached',
    });
    // A customer message before the first response starts no cycle.
    const early = fold(policy, at('2025-01-01T00:00:00Z'), [['2025-01-01T00:05:00Z', { kind: 'customer_message' }]]);
    expect(target(policy, early.state, '2025-01-01T01:00:00Z', 'next_response')).toMatchObject({ clock: 'not_started', outcome: 'pending' });
  });

  it('lets a reopened case go on with its resolution minutes, and keeps the breach instant', () => {
    const policy = roundTheClock([{ kind: 'resolution', minutes: 100 }]);
    const steps: [string, SlaClockEvent][] = [
      ['2025-01-01T01:00:00Z', { kind: 'status', to: 'solved' }],
      ['2025-01-01T05:00:00Z', { kind: 'status', to: 'reopened' }],
    ];
    const solved = fold(policy, at('2025-01-01T00:00:00Z'), steps.slice(0, 1));
    expect(target(policy, solved.state, '2025-01-01T03:00:00Z', 'resolution')).toMatchObject({ usedMinutes: 60, outcome: 'met', clock: 'stopped', dueAt: at('2025-01-01T01:40:00Z') });
    const reopened = fold(policy, at('2025-01-01T00:00:00Z'), steps);
    expect(target(policy, reopened.state, '2025-01-01T05:30:00Z', 'resolution')).toMatchObject({ usedMinutes: 90, dueAt: at('2025-01-01T05:40:00Z'), clock: 'running', outcome: 'at_risk' });
    const late = fold(policy, at('2025-01-01T00:00:00Z'), [...steps, ['2025-01-01T06:10:00Z', { kind: 'status', to: 'solved' }]]);
    expect(target(policy, late.state, '2025-01-02T00:00:00Z', 'resolution')).toMatchObject({ usedMinutes: 130, dueAt: at('2025-01-01T05:40:00Z'), clock: 'stopped', outcome: 'breached' });
  });

  it('pauses on hold and stops every clock when the case is solved', () => {
    const policy = roundTheClock([
      { kind: 'first_response', minutes: 30 },
      { kind: 'resolution', minutes: 300 },
    ]);
    const held = fold(policy, at('2025-01-01T00:00:00Z'), [
      ['2025-01-01T00:10:00Z', { kind: 'status', to: 'on_hold' }],
      ['2025-01-01T05:00:00Z', { kind: 'status', to: 'open' }],
      ['2025-01-01T05:05:00Z', { kind: 'status', to: 'solved' }],
    ]);
    expect(evaluateSla(policy, held.state, at('2025-01-02T00:00:00Z')).map((t) => [t.kind, t.usedMinutes, t.clock, t.outcome])).toEqual([
      ['first_response', 15, 'stopped', 'met'],
      ['resolution', 15, 'stopped', 'met'],
    ]);
  });
});

describe('choosing an SLA policy', () => {
  const policy = (id: string, rank: number, match: object, active = true) => ({ id, rank, match, active });
  const policies = [
    policy('b-urgent', 0, { priorities: ['urgent'] }),
    policy('a-default', 10, {}),
    policy('c-gold-phone', -1, { customerTiers: ['gold'], channels: ['phone'] }),
    policy('d-off', -5, {}, false),
  ];

  it('takes the active policy of lowest rank whose lists all hold the case', () => {
    expect(matchSlaPolicy(policies, { priority: 'urgent' })?.id).toBe('b-urgent');
    expect(matchSlaPolicy(policies, { priority: 'urgent', channel: 'phone', customerTier: 'gold' })?.id).toBe('c-gold-phone');
    expect(matchSlaPolicy(policies, { priority: 'low', channel: 'phone' })?.id).toBe('a-default'); // no tier: the gold list does not hold
    expect(matchSlaPolicy(policies.slice(0, 1), { priority: 'low' })).toBeUndefined();
  });

  it('validates a policy: one target per kind, a valid calendar, no pause in solved', () => {
    const result = slaPolicyModel.inputSchema.safeParse({
      name: 'Bad',
      calendar: { timeZone: 'Mars/Base', hours: {} },
      targets: [
        { kind: 'resolution', minutes: 10 },
        { kind: 'resolution', minutes: 20 },
      ],
      pausedStatuses: ['solved'],
    });
    expect(result.success).toBe(false);
    const codes = result.error!.issues.map((issue) => (issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code ?? 'custom' : issue.code));
    expect(codes).toEqual(expect.arrayContaining(['invalid_time_zone', 'no_working_hours', 'duplicate_target', 'custom']));
  });
});
