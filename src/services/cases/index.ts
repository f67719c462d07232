import { caseModel, type Case, type CaseInput } from '../../schema/case.js';
import { defineModule, serviceFactory, type ServiceTypes } from '../define-module.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

export * from './business-calendar/index.js';
export * from './case-issue-codes.js';

/** The type of `crm.cases` for the host's case custom fields. */
export interface CaseServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<Case<this['custom']>>, CaseInput<this['customInput']>>;
}

/**
 * Support: cases (tickets) with their SLA timestamps (`crm.cases`, events `case.*`).
 *
 * @example
 * ```ts
 * await crm.cases.create({ customerId: ada.id, subject: 'Invoice missing', priority: 'high' });
 * ```
 */
export const casesModule = defineModule({
  name: 'cases',
  models: { cases: caseModel },
  services: { cases: serviceFactory<CaseServiceTypes>((context, model, schema) => new ModelService(context, model, schema)) },
});
