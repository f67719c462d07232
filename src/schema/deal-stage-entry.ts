import * as z from 'zod';
import { actorSchema } from '../services/actor.js';
import { currencyCodeSchema, nonNegativeMinorUnitsSchema } from './currency-code.js';
import { defineModel } from './define-model.js';
import { stageOutcomes } from './pipeline.js';
import type { ModelRecord } from './define-model.js';

/**
 * One stay of a deal in one stage: when it entered and by whom, the deal's amount and the stage's
 * probability at that moment, and, once it moved on, when it left, by whom, for which stage and
 * after how long. The deal service writes these rows in the atomic block of every write that
 * creates a deal or changes its stage; they are read through `crm.deals.stageHistory(id)` and are
 * not written through `crm.dealStageHistory` (its writes are refused).
 */
export const dealStageEntryShape = {
  dealId: z.string().min(1).max(128),
  /** The deal's customer when it entered, so stage changes are queryable by customer and time. */
  customerId: z.string().min(1).max(128),
  pipelineId: z.string().min(1).max(128),
  stageId: z.string().min(1).max(64),
  /** The stage's outcome when the deal entered. */
  outcome: z.enum(stageOutcomes),
  /** The stage's win probability when the deal entered. */
  probability: z.number().min(0).max(1),
  /** The deal's amount when it entered (minor units of `currency`). */
  amount: nonNegativeMinorUnitsSchema.optional(),
  currency: currencyCodeSchema.optional(),
  /** The deal's owner when it entered. */
  ownerId: z.string().min(1).max(128).optional(),
  /** The stage it came from; absent for the stage a deal was created in. */
  fromStageId: z.string().min(1).max(64).optional(),
  enteredAt: z.date(),
  enteredBy: actorSchema,
  /** True for the deal's first stay in this stage (a deal moved back and forth has later stays too). */
  firstEntry: z.boolean(),
  /** 1 for the stage a deal was created in, then 2, 3, … */
  sequence: z.number().int().positive(),
  /** Absent while the deal is still in the stage. */
  leftAt: z.date().optional(),
  leftBy: actorSchema.optional(),
  /** The stage it moved on to. */
  toStageId: z.string().min(1).max(64).optional(),
  /** `leftAt − enteredAt` in milliseconds, once it left. */
  durationMs: z.number().int().min(0).optional(),
  /**
   * How the deal ended, on every stay of a deal that is won or lost now (cleared when it is
   * reopened): what the win-probability model learns "won deals that reached this stage" from.
   */
  dealOutcome: z.enum(['won', 'lost']).optional(),
};

/**
 * The model of the deal stage history: collection `dealStageHistory`, one row per stay of a deal
 * in a stage (Salesforce's OpportunityHistory, with the time in stage kept).
 *
 * @example
 * ```ts
 * const stays = await crm.deals.stageHistory(deal.id);
 * stays.map((s) => [s.stageId, s.enteredAt, s.leftAt, s.enteredBy.id, s.amount, s.probability]);
 * ```
 */
export const dealStageEntryModel = defineModel({
  collection: 'dealStageHistory',
  entity: 'dealStageEntry',
  shape: dealStageEntryShape,
  indexes: [
    { name: 'deal_stage_history_deal', fields: ['dealId', 'sequence'] },
    { name: 'deal_stage_history_customer_time', fields: ['customerId', 'enteredAt'] },
    { name: 'deal_stage_history_stage', fields: ['pipelineId', 'stageId'] },
    { name: 'deal_stage_history_entered', fields: ['enteredAt'] },
  ],
});

/**
 * One stored stay of a deal in a stage.
 *
 * @example
 * ```ts
 * const [first]: DealStageEntry[] = await crm.deals.stageHistory(deal.id);
 * first.fromStageId; // undefined: the stage the deal was created in
 * ```
 */
export type DealStageEntry = ModelRecord<typeof dealStageEntryModel>;
