import type { CaseSlaState } from '../../../schema/case-sla-state.js';
import { instantClockReaches, nextSlaCheckAt } from './evaluate-sla.js';
import type { SlaClockPolicy } from './sla-clock.js';

/** The case fields that follow its SLA clocks. */
interface SlaFields {
  slaPolicyId?: string | undefined;
  sla?: CaseSlaState | undefined;
  slaNextCheckAt?: Date | undefined;
  firstResponseDueAt?: Date | undefined;
  resolutionDueAt?: Date | undefined;
}

/**
 * Writes `state` and what follows from it onto a case (a record being built
 * or an immer draft): `sla`, `slaPolicyId`, the indexed `slaNextCheckAt`, and
 * the due times of the running first-response and resolution clocks
 * (`firstResponseDueAt`, `resolutionDueAt`; absent while paused or stopped).
 */
export function applySlaFields(target: SlaFields, policy: SlaClockPolicy, state: CaseSlaState, _now: Date): void {
  target.slaPolicyId = policy.id;
  target.sla = state;
  const next = nextSlaCheckAt(policy, state);
  if (next === undefined) delete target.slaNextCheckAt;
  else target.slaNextCheckAt = next;
  for (const [kind, field] of [
    ['first_response', 'firstResponseDueAt'],
    ['resolution', 'resolutionDueAt'],
  ] as const) {
    const clock = state.targets.find((c) => c.kind === kind);
    if (clock === undefined) continue;
    const running = clock.countedTo !== undefined && clock.stoppedAt === undefined;
    const dueAt = running ? (clock.dueAt ?? instantClockReaches(policy, clock, clock.minutes)) : undefined;
    if (dueAt !== undefined) target[field] = dueAt;
    else delete target[field];
  }
}
