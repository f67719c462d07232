import type { CaseSlaState, SlaTargetClock, SlaTargetKind } from '../../../schema/case-sla-state.js';
import { addBusinessMinutes } from '../business-calendar/add-business-minutes.js';
import { businessMinutesBetween } from '../business-calendar/business-minutes-between.js';
import { calendarOfPolicy, type SlaClockPolicy } from './sla-clock.js';

/**
 * Whether a target's clock runs, is paused (a paused status), has stopped
 * (the reply was sent, the case solved) or has not started (no customer
 * message awaits a next response).
 *
 * @example
 * ```ts
 * slaClockStates.includes('paused'); // true
 * ```
 */
export const slaClockStates = ['running', 'paused', 'stopped', 'not_started'] as const;

/** One of {@link slaClockStates}. */
export type SlaClockState = (typeof slaClockStates)[number];

/**
 * How a target stands: `met` (stopped within the target), `breached` (the
 * target's minutes are used up, stopped or not), `at_risk` (still running or
 * paused with `atRiskMinutes` or fewer left), `on_track`, or `pending` (not
 * started).
 *
 * @example
 * ```ts
 * slaOutcomes.includes('at_risk'); // true
 * ```
 */
export const slaOutcomes = ['met', 'breached', 'at_risk', 'on_track', 'pending'] as const;

/** One of {@link slaOutcomes}. */
export type SlaOutcome = (typeof slaOutcomes)[number];

/**
 * One target of a case's SLA at an instant, as `crm.cases.sla(id)` reports it.
 *
 * @example
 * ```ts
 * const [firstResponse] = await crm.cases.sla(id); // { kind: 'first_response', dueAt, usedMinutes: 42, remainingMinutes: 18, clock: 'running', outcome: 'at_risk', … }
 * ```
 */
export interface SlaTargetStatus {
  readonly kind: SlaTargetKind;
  /** The target, in business minutes. */
  readonly targetMinutes: number;
  /** Business minutes used so far (until it stopped, for a stopped clock). */
  readonly usedMinutes: number;
  /** Business minutes left before the target is breached; 0 once it is. */
  readonly remainingMinutes: number;
  /** When it is (or was) due: absent while paused before the target ran out (the due time moves) or not started. */
  readonly dueAt?: Date;
  readonly startedAt?: Date;
  readonly stoppedAt?: Date;
  readonly clock: SlaClockState;
  readonly outcome: SlaOutcome;
}

/** Business minutes used by `clock` at `now`. */
export function usedMinutesAt(policy: SlaClockPolicy, clock: SlaTargetClock, now: Date): number {
  if (clock.countedTo === undefined || now.getTime() <= clock.countedTo.getTime()) return clock.usedMinutes;
  return clock.usedMinutes + businessMinutesBetween(calendarOfPolicy(policy), clock.countedTo, now);
}

/**
 * The instant a running clock reaches `minutes` used (the due time for the
 * target's minutes, the warning time for minutes less the at-risk margin),
 * or `undefined` when the clock does not run. An instant already past comes
 * out as the instant it was reached only if it was reached after
 * `countedTo`; otherwise `countedTo` itself.
 */
export function instantClockReaches(policy: SlaClockPolicy, clock: SlaTargetClock, minutes: number): Date | undefined {
  if (clock.countedTo === undefined) return undefined;
  const left = Math.max(0, minutes - clock.usedMinutes);
  return addBusinessMinutes(calendarOfPolicy(policy), clock.countedTo, left);
}

/**
 * The state of every target of a case's SLA at `now`: due time, business
 * minutes used and remaining, the clock (running, paused, stopped, not
 * started) and the outcome (met, breached, at risk, on track, pending). Pure.
 *
 * @example
 * ```ts
 * evaluateSla(policy, ticket.sla!, new Date()).map((t) => `${t.kind}: ${t.outcome}`); // ['first_response: met', 'resolution: at_risk']
 * ```
 */
export function evaluateSla(policy: SlaClockPolicy, state: CaseSlaState, now: Date): SlaTargetStatus[] {
  return state.targets.map((clock) => {
    const used = usedMinutesAt(policy, clock, now);
    const remaining = Math.max(0, clock.minutes - used);
    const state: SlaClockState =
      clock.startedAt === undefined ? 'not_started' : clock.stoppedAt !== undefined ? 'stopped' : clock.countedTo !== undefined ? 'running' : 'paused';
    const outcome: SlaOutcome =
      state === 'not_started'
        ? 'pending'
        : state === 'stopped'
          ? used <= clock.minutes
            ? 'met'
            : 'breached'
          : used >= clock.minutes
            ? 'breached'
            : remaining <= clock.atRiskMinutes
              ? 'at_risk'
              : 'on_track';
    const dueAt = clock.dueAt ?? (state === 'running' ? instantClockReaches(policy, clock, clock.minutes) : undefined);
    return {
      kind: clock.kind,
      targetMinutes: clock.minutes,
      usedMinutes: used,
      remainingMinutes: remaining,
      ...(dueAt === undefined ? {} : { dueAt }),
      ...(clock.startedAt === undefined ? {} : { startedAt: clock.startedAt }),
      ...(clock.stoppedAt === undefined ? {} : { stoppedAt: clock.stoppedAt }),
      clock: state,
      outcome,
    };
  });
}

/**
 * The next instant `checkSla` has something to report for these clocks: the
 * earliest, over the running targets, of the warning time (not yet warned)
 * or else the due time (not yet breached). `undefined` when no clock runs or
 * everything was reported. `crm.cases` stores it (`slaNextCheckAt`, indexed),
 * so `checkSla` finds the cases to look at with one range query.
 *
 * @example
 * ```ts
 * nextSlaCheckAt(policy, ticket.sla!); // the instant the first response comes at risk
 * ```
 */
export function nextSlaCheckAt(policy: SlaClockPolicy, state: CaseSlaState): Date | undefined {
  let next: Date | undefined;
  for (const clock of state.targets) {
    if (clock.countedTo === undefined || clock.stoppedAt !== undefined || clock.breachedAt !== undefined) continue;
    const at = clock.warnedAt === undefined ? instantClockReaches(policy, clock, clock.minutes - clock.atRiskMinutes) : instantClockReaches(policy, clock, clock.minutes);
    if (at !== undefined && (next === undefined || at.getTime() < next.getTime())) next = at;
  }
  return next;
}
