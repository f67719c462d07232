import { caseModel } from '../../schema/case.js';
import { caseEventModel } from '../../schema/case-event.js';
import { caseMessageModel } from '../../schema/case-message.js';
import { slaPolicyModel } from '../../schema/sla-policy.js';
import { supportTeamModel } from '../../schema/support-team.js';
import { defineModule, eventTypes, serviceFactory, type ServiceTypes } from '../define-module.js';
import type { CaseEscalatedEvent, CaseSlaEvent, CaseStatusChangedEvent } from './case-domain-events.js';
import { CaseService } from './case-service.js';
import { caseStatusMigration } from './case-status-migration.js';
import { SupportTeamService } from './support-team-service.js';

export * from './business-calendar/index.js';
export * from './case-issue-codes.js';
export * from './sla/index.js';
export type { CaseEscalatedEvent, CaseSlaEvent, CaseStatusChangedEvent } from './case-domain-events.js';
export { buildCaseReport, type BacklogBand, type CaseReport, type CaseReportOptions, type DurationSummary, type RepeatComplainer, type SlaComplianceRow } from './case-report.js';
export { satisfactionOf, type CaseSatisfaction } from './case-satisfaction.js';
export {
  CaseService,
  type AssignTarget,
  type CaseMessageOptions,
  type CaseOpeningRule,
  type CheckSlaResult,
  type TransitionOptions,
} from './case-service.js';
export { assertCaseTransition, canTransitionCase, caseTransitions } from './case-status-machine.js';
export { caseStatusMigration, legacyCaseStatuses } from './case-status-migration.js';
export { SupportTeamService } from './support-team-service.js';

/** The type of `crm.cases` for the host's case custom fields. */
export interface CaseServiceTypes extends ServiceTypes {
  readonly service: CaseService<this['custom']>;
}

/** The type of `crm.supportTeams` for the host's team custom fields. */
export interface SupportTeamServiceTypes extends ServiceTypes {
  readonly service: SupportTeamService<this['custom']>;
}

/**
 * Support: cases (tickets) with a status machine and their history
 * (`crm.cases`, `crm.caseEvents`), their conversation (`crm.caseMessages`),
 * SLA policies on business calendars (`crm.slaPolicies`) and support teams
 * (`crm.supportTeams`); events `case.*`, including `case.statusChanged`,
 * `case.slaWarning`, `case.slaBreached` and `case.escalated`.
 *
 * @example
 * ```ts
 * const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Invoice missing', priority: 'high' });
 * await crm.cases.transition(ticket.id, 'open');
 * ```
 */
export const casesModule = defineModule({
  name: 'cases',
  models: { cases: caseModel, caseEvents: caseEventModel, caseMessages: caseMessageModel, slaPolicies: slaPolicyModel, supportTeams: supportTeamModel },
  services: {
    cases: serviceFactory<CaseServiceTypes>((context, model, schema) => new CaseService(context, model, schema)),
    supportTeams: serviceFactory<SupportTeamServiceTypes>((context, model, schema) => new SupportTeamService(context, model, schema)),
  },
  events: eventTypes<{
    'case.statusChanged': CaseStatusChangedEvent;
    'case.slaWarning': CaseSlaEvent;
    'case.slaBreached': CaseSlaEvent;
    'case.escalated': CaseEscalatedEvent;
  }>(),
  migrations: [caseStatusMigration],
});
