import { dealModel } from '../../schema/deal.js';
import { pipelineModel, type Pipeline, type PipelineInput } from '../../schema/pipeline.js';
import { defineModule, eventTypes, serviceFactory, type ServiceTypes } from '../define-module.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import type { DealStageChangedEvent } from './deal-stage-changed-event.js';
import { DealService } from './deal-service.js';

export { DealService } from './deal-service.js';
export type { DealStageChangedEvent } from './deal-stage-changed-event.js';

/** The type of `crm.pipelines` for the host's pipeline custom fields. */
export interface PipelineServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<Pipeline<this['custom']>>, PipelineInput<this['customInput']>>;
}

/** The type of `crm.deals` for the host's deal custom fields. */
export interface DealServiceTypes extends ServiceTypes {
  readonly service: DealService<this['custom']>;
}

/**
 * Sales: pipelines and their stages (`crm.pipelines`), deals moving through
 * them (`crm.deals`, with the stage rules of {@link DealService}), and the
 * domain event `deal.stageChanged`.
 *
 * @example
 * ```ts
 * crm.events.on('deal.stageChanged', ({ deal, toStageId }) => notify(deal.ownerId, toStageId));
 * ```
 */
export const pipelinesModule = defineModule({
  name: 'pipelines',
  models: { pipelines: pipelineModel, deals: dealModel },
  services: {
    pipelines: serviceFactory<PipelineServiceTypes>((context, model, schema) => new ModelService(context, model, schema)),
    deals: serviceFactory<DealServiceTypes>((context, model, schema) => new DealService(context, model, schema)),
  },
  events: eventTypes<{ 'deal.stageChanged': DealStageChangedEvent }>(),
});
