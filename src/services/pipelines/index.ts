import { dealModel } from '../../schema/deal.js';
import { dealStageEntryModel } from '../../schema/deal-stage-entry.js';
import { pipelineModel } from '../../schema/pipeline.js';
import { defineModule, eventTypes, serviceFactory, type ServiceTypes } from '../define-module.js';
import type { DealLostEvent, DealReopenedEvent, DealWonEvent } from './deal-outcome-events.js';
import type { DealStageChangedEvent } from './deal-stage-changed-event.js';
import { DealService } from './deal-service.js';
import { PipelineService } from './pipeline-service.js';
import { StageHistoryService } from './stage-history-service.js';

export { DealService, type LoseOptions, type WinOptions } from './deal-service.js';
export { PipelineService, type AddStageOptions, type RemoveStageOptions } from './pipeline-service.js';
export { StageHistoryService } from './stage-history-service.js';
export {
  reportGroupings,
  reportPeriods,
  type ForecastRow,
  type ReportGrouping,
  type ReportKey,
  type ReportPeriod,
  type ReportScope,
  type SlippedRow,
  type StageMetricsRow,
  type VelocityRow,
  type WinMetricsRow,
} from './deal-reports.js';
export { amountBands, defaultMinClosedDeals, winFeatures, type ScoredDeal, type WinFeature, type WinProbability, type WinReason } from './win-probability.js';
export { dealMoveRefusals, pipelineEditRefusals, type DealMoveRefusal, type PipelineEditRefusal } from './move-refusals.js';
export type { DealStageChangedEvent } from './deal-stage-changed-event.js';
export type { DealLostEvent, DealReopenedEvent, DealWonEvent } from './deal-outcome-events.js';

/** The type of `crm.pipelines` for the host's pipeline custom fields. */
export interface PipelineServiceTypes extends ServiceTypes {
  readonly service: PipelineService<this['custom']>;
}

/** The type of `crm.deals` for the host's deal custom fields. */
export interface DealServiceTypes extends ServiceTypes {
  readonly service: DealService<this['custom']>;
}

/** The type of `crm.dealStageHistory`. */
export interface StageHistoryServiceTypes extends ServiceTypes {
  readonly service: StageHistoryService;
}

/**
 * Sales: pipelines and their stages (`crm.pipelines`, with the validated edits of
 * {@link PipelineService}), deals moving through them (`crm.deals`, with the moves and rules of
 * {@link DealService}), the deal stage history (`crm.dealStageHistory`, read-only), and the domain
 * events `deal.stageChanged`, `deal.won`, `deal.lost` and `deal.reopened`.
 *
 * @example
 * ```ts
 * crm.events.on('deal.stageChanged', ({ deal, toStageId }) => notify(deal.ownerId, toStageId));
 * ```
 */
export const pipelinesModule = defineModule({
  name: 'pipelines',
  models: { pipelines: pipelineModel, deals: dealModel, dealStageHistory: dealStageEntryModel },
  services: {
    pipelines: serviceFactory<PipelineServiceTypes>((context, model, schema) => new PipelineService(context, model, schema)),
    deals: serviceFactory<DealServiceTypes>((context, model, schema) => new DealService(context, model, schema)),
    dealStageHistory: serviceFactory<StageHistoryServiceTypes>((context, model, schema) => new StageHistoryService(context, model, schema)),
  },
  events: eventTypes<{
    'deal.stageChanged': DealStageChangedEvent;
    'deal.won': DealWonEvent;
    'deal.lost': DealLostEvent;
    'deal.reopened': DealReopenedEvent;
  }>(),
});
