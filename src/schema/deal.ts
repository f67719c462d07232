import * as z from 'zod';
import { currencyCodeSchema, nonNegativeMinorUnitsSchema } from './currency-code.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { stageOutcomes } from './pipeline.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** The fields of a deal that users set, before custom fields. */
export const dealShape = {
  pipelineId: z.string().min(1).max(128),
  stageId: z.string().min(1).max(64),
  customerId: z.string().min(1).max(128),
  title: z.string().trim().min(1).max(300),
  /** Expected value in integer minor units of `currency`. */
  amount: nonNegativeMinorUnitsSchema.optional(),
  currency: currencyCodeSchema.optional(),
  expectedCloseDate: z.date().optional(),
  ownerId: z.string().min(1).max(128).optional(),
  /** Why the deal was lost, once it is. */
  lostReason: z.string().trim().max(1000).optional(),
};

/** The schema of a stored deal. `status` and `closedAt` follow the stage; the core maintains them. */
export const dealSchema = z.strictObject({
  ...recordBaseShape,
  ...dealShape,
  /** The outcome of the deal's stage: open, won or lost. */
  status: z.enum(stageOutcomes),
  /** When the deal entered a won or lost stage. */
  closedAt: z.date().optional(),
  /** When the deal entered its current stage. */
  stageEnteredAt: z.date(),
  custom: z.record(z.string(), z.json()).default({}),
});

/** Rules across fields: an amount needs a currency. */
export function checkDeal(record: { amount?: number; currency?: string }, ctx: z.RefinementCtx): void {
  if (record.amount !== undefined && record.currency === undefined) {
    ctx.addIssue({ code: 'custom', path: ['currency'], message: 'an amount needs a currency' });
  }
}

/**
 * A sales opportunity moving through a pipeline's stages.
 *
 * @example
 * ```ts
 * await crm.deals.create({ pipelineId: p.id, stageId: 'qualify', customerId: acme.id, title: 'Acme renewal', amount: 1_200_000, currency: 'USD' });
 * ```
 */
export type Deal<C = Record<string, unknown>> = WithCustom<z.output<typeof dealSchema>, C>;

/** What `crm.deals.create()` accepts. */
export type DealInput<C = Record<string, unknown>> = CreateInput<typeof dealShape, C>;

/** The deal model: collection `deals`, events `deal.*`. `status`, `closedAt` and `stageEnteredAt` are managed. */
export const dealModel = defineModel({
  collection: 'deals',
  entity: 'deal',
  shape: dealShape,
  references: [
    { field: 'pipelineId', collection: 'pipelines' },
    { field: 'customerId', collection: 'customers' },
  ],
  managedShape: {
    status: dealSchema.shape.status,
    closedAt: dealSchema.shape.closedAt,
    stageEnteredAt: dealSchema.shape.stageEnteredAt,
  },
  check: checkDeal,
  indexes: [
    { name: 'deals_pipeline_stage', fields: ['pipelineId', 'stageId'] },
    { name: 'deals_customer', fields: ['customerId'] },
    { name: 'deals_owner', fields: ['ownerId'] },
    { name: 'deals_status_close', fields: ['status', 'expectedCloseDate'] },
  ],
});
