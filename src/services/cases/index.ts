import { caseModel } from '../../schema/case.js';
import { caseEventModel } from '../../schema/case-event.js';
import { slaPolicyModel } from '../../schema/sla-policy.js';
import { defineModule, serviceFactory, type ServiceTypes } from '../define-module.js';
import { CaseService } from './case-service.js';
import { caseStatusMigration } from './case-status-migration.js';

export * from './business-calendar/index.js';
export * from './case-issue-codes.js';
export * from './sla/index.js';
export { CaseService, type TransitionOptions } from './case-service.js';
export { assertCaseTransition, canTransitionCase, caseTransitions } from './case-status-machine.js';
export { caseStatusMigration, legacyCaseStatuses } from './case-status-migration.js';

/** The type of `crm.cases` for the host's case custom fields. */
export interface CaseServiceTypes extends ServiceTypes {
  readonly service: CaseService<this['custom']>;
}

/**
 * Support: cases (tickets) with a status machine, their history
 * (`crm.caseEvents`) and SLA clocks (`crm.cases`, events `case.*`).
 *
 * @example
 * ```ts
 * const ticket = await crm.cases.create({ customerId: ada.id, subject: 'Invoice missing', priority: 'high' });
 * await crm.cases.transition(ticket.id, 'open');
 * ```
 */
export const casesModule = defineModule({
  name: 'cases',
  models: { cases: caseModel, caseEvents: caseEventModel, slaPolicies: slaPolicyModel },
  services: { cases: serviceFactory<CaseServiceTypes>((context, model, schema) => new CaseService(context, model, schema)) },
  migrations: [caseStatusMigration],
});
