export { advanceSlaClocks, clockRunsIn, defaultAtRiskShare, startSlaClocks, type SlaClockEvent, type SlaClockPolicy } from './sla-clock.js';
export { evaluateSla, nextSlaCheckAt, slaClockStates, slaOutcomes, type SlaClockState, type SlaOutcome, type SlaTargetStatus } from './evaluate-sla.js';
export { matchSlaPolicy, type SlaPolicySubject } from './match-sla-policy.js';
