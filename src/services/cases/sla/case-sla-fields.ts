import type { CaseSlaState } from '../../../schema/case-sla-state.js';
import { evaluateSla, nextSlaCheckAt } from './evaluate-sla.js';
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
export function applySlaFields(target: SlaFields, policy: SlaClockPolicy, state: CaseSlaState, now: Date): void {
  target.slaPolicyId = policy.id;
  target.sla = state;
  const next = nextSlaCheckAt(policy, state);
  if (next === undefined) delete target.slaNextCheckAt;
  else target.slaNextCheckAt = next;
  const statuses = evaluateSla(policy, state, now);
  for (const [kind, field] of [
    ['first_response', 'firstResponseDueAt'],
    ['resolution', 'resolutionDueAt'],
  ] as const) {
    const status = statuses.find((s) => s.kind === kind);
    if (status?.dueAt !== undefined && status.clock === 'running') target[field] = status.dueAt;
    else if (status !== undefined) delete target[field];
  }
}
