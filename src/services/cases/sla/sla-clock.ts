import type { CaseStatus } from '../../../schema/case.js';
import type { CaseSlaState, SlaTargetClock } from '../../../schema/case-sla-state.js';
import type { SlaPolicy } from '../../../schema/sla-policy.js';
import { addBusinessMinutes } from '../business-calendar/add-business-minutes.js';
import { businessMinutesBetween } from '../business-calendar/business-minutes-between.js';
import { defineBusinessCalendar } from '../business-calendar/define-business-calendar.js';

/** What SLA clocks need of a policy. */
export type SlaClockPolicy = Pick<SlaPolicy, 'id' | 'calendar' | 'targets' | 'pausedStatuses'>;

/**
 * Something that moves SLA clocks: the case's status changed, an agent sent
 * a public reply, or the customer wrote.
 *
 * @example
 * ```ts
 * const moves: SlaClockEvent[] = [{ kind: 'status', to: 'pending_customer' }, { kind: 'customer_message' }, { kind: 'agent_reply' }];
 * ```
 */
export type SlaClockEvent = { readonly kind: 'status'; readonly to: CaseStatus } | { readonly kind: 'agent_reply' } | { readonly kind: 'customer_message' };

const stoppedStatuses: readonly CaseStatus[] = ['solved', 'closed'];

/** The share of a target at which it is at risk when the policy does not say. */
export const defaultAtRiskShare = 0.2;

/** Whether the clocks run in `status` under `policy`. */
export function clockRunsIn(policy: SlaClockPolicy, status: CaseStatus): boolean {
  return !policy.pausedStatuses.includes(status) && !stoppedStatuses.includes(status);
}

/**
 * The SLA clocks of a case that opened at `openedAt` in `status`: first
 * response and resolution start then (running unless the status pauses
 * them); next response starts with the first customer message after a reply.
 *
 * @example
 * ```ts
 * const state = startSlaClocks(policy, ticket.openedAt, 'new');
 * ```
 */
export function startSlaClocks(policy: SlaClockPolicy, openedAt: Date, status: CaseStatus): CaseSlaState {
  const runs = clockRunsIn(policy, status);
  return {
    policyId: policy.id,
    targets: policy.targets.map((target): SlaTargetClock => {
      const clock: SlaTargetClock = {
        kind: target.kind,
        minutes: target.minutes,
        atRiskMinutes: target.atRiskMinutes ?? target.minutes * defaultAtRiskShare,
        usedMinutes: 0,
      };
      if (target.kind === 'next_response') return clock;
      return runs ? { ...clock, startedAt: openedAt, countedTo: openedAt } : { ...clock, startedAt: openedAt };
    }),
  };
}

/**
 * `clock` with the business time up to `at` counted in (no change when it
 * does not run); the instant the minutes run out is kept as `dueAt` when it
 * falls in the span counted.
 */
function countTo(policy: SlaClockPolicy, clock: SlaTargetClock, at: Date): SlaTargetClock {
  if (clock.countedTo === undefined || at.getTime() <= clock.countedTo.getTime()) return clock;
  const calendar = calendarOfPolicy(policy);
  const used = clock.usedMinutes + businessMinutesBetween(calendar, clock.countedTo, at);
  const counted = { ...clock, usedMinutes: used, countedTo: at };
  if (clock.dueAt === undefined && clock.usedMinutes < clock.minutes && used >= clock.minutes) {
    return { ...counted, dueAt: addBusinessMinutes(calendar, clock.countedTo, clock.minutes - clock.usedMinutes) };
  }
  return counted;
}

function paused(clock: SlaTargetClock): SlaTargetClock {
  const { countedTo: _dropped, ...rest } = clock;
  return rest;
}

/** The clock stopped at `at` (already counted to it); a running clock keeps its due time as it stood. */
function stopped(policy: SlaClockPolicy, clock: SlaTargetClock, at: Date): SlaTargetClock {
  const dueAt = clock.dueAt ?? (clock.countedTo === undefined ? undefined : addBusinessMinutes(calendarOfPolicy(policy), at, Math.max(0, clock.minutes - clock.usedMinutes)));
  return { ...paused(clock), stoppedAt: at, ...(dueAt === undefined ? {} : { dueAt }) };
}

/**
 * The SLA clocks after `event` at `at`, the case being in `status` after it
 * (for a status event, the new status). Pure: the clocks count business time
 * on the policy's calendar up to `at`, then
 *
 * - a move into a paused status pauses every running clock, a move out of
 *   one resumes them; `solved` and `closed` stop them all; `reopened`
 *   restarts the resolution clock where it stopped (its minutes keep counting);
 * - an agent's public reply stops the first-response clock and a running
 *   next-response clock;
 * - a customer message after the first response starts a new next-response
 *   cycle (minutes from 0, warnings cleared) unless one is running.
 *
 * @example
 * ```ts
 * let state = startSlaClocks(policy, openedAt, 'new');
 * state = advanceSlaClocks(policy, state, { kind: 'status', to: 'pending_customer' }, friday1600, 'pending_customer');
 * ```
 */
export function advanceSlaClocks(policy: SlaClockPolicy, state: CaseSlaState, event: SlaClockEvent, at: Date, status: CaseStatus): CaseSlaState {
  const runs = clockRunsIn(policy, status);
  const firstResponded = state.targets.some((clock) => clock.kind === 'first_response' && clock.stoppedAt !== undefined);
  const targets = state.targets.map((before) => {
    const clock = countTo(policy, before, at);
    const started = clock.startedAt !== undefined;
    const ended = clock.stoppedAt !== undefined;
    switch (event.kind) {
      case 'status': {
        if (clock.kind === 'resolution' && event.to === 'reopened' && ended) {
          // Worked again: the clock goes on from its minutes; a due time already passed stays, one not reached moves.
          const { stoppedAt: _reopened, dueAt, ...rest } = clock;
          const kept = rest.usedMinutes >= rest.minutes && dueAt !== undefined ? { dueAt } : {};
          return runs ? { ...rest, ...kept, countedTo: at } : { ...rest, ...kept };
        }
        if (!started || ended) return clock;
        if (stoppedStatuses.includes(event.to)) return stopped(policy, clock, at);
        if (!runs) return paused(clock);
        return clock.countedTo === undefined ? { ...clock, countedTo: at } : clock;
      }
      case 'agent_reply':
        if ((clock.kind === 'first_response' || clock.kind === 'next_response') && started && !ended) return stopped(policy, clock, at);
        return clock;
      case 'customer_message': {
        if (clock.kind !== 'next_response' || (started && !ended) || !(firstResponded || !hasTarget(state, 'first_response'))) return clock;
        const cycle: SlaTargetClock = { kind: clock.kind, minutes: clock.minutes, atRiskMinutes: clock.atRiskMinutes, usedMinutes: 0, startedAt: at };
        return runs ? { ...cycle, countedTo: at } : cycle;
      }
    }
  });
  return { policyId: state.policyId, targets };
}

function hasTarget(state: CaseSlaState, kind: SlaTargetClock['kind']): boolean {
  return state.targets.some((clock) => clock.kind === kind);
}

const policyCalendars = new WeakMap<object, ReturnType<typeof defineBusinessCalendar>>();

/**
 * The policy's calendar, validated once per policy object (a policy read
 * once and used for many cases, as `checkSla` and `createMany` do, pays for
 * the validation once).
 *
 * @internal
 */
export function calendarOfPolicy(policy: SlaClockPolicy): ReturnType<typeof defineBusinessCalendar> {
  let calendar = policyCalendars.get(policy);
  if (calendar === undefined) {
    calendar = defineBusinessCalendar(policy.calendar);
    policyCalendars.set(policy, calendar);
  }
  return calendar;
}
