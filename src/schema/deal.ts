import * as z from 'zod';
import { currencyCodeSchema, nonNegativeMinorUnitsSchema } from './currency-code.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { stageOutcomes } from './pipeline.js';
import { dealContactSchema } from './deal-contact.js';
import { dealLineItemSchema } from './deal-line-item.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** The fields of a deal that users set, before custom fields. */
export const dealShape = {
  pipelineId: z.string().min(1).max(128),
  stageId: z.string().min(1).max(64),
  customerId: z.string().min(1).max(128),
  title: z.string().trim().min(1).max(300),
  /**
   * Expected value in integer minor units of `currency`. With line items it is their exact sum,
   * kept by the core (an amount given that differs is refused with `amount_mismatch`).
   */
  amount: nonNegativeMinorUnitsSchema.optional(),
  /** What is being sold: products, quantities, unit prices and discounts, in the deal's currency. */
  lineItems: z.array(dealLineItemSchema).max(500).default([]),
  /** The people on the deal and their roles; each a customer, at most once. */
  contacts: z.array(dealContactSchema).max(200).default([]),
  currency: currencyCodeSchema.optional(),
  expectedCloseDate: z.date().optional(),
  ownerId: z.string().min(1).max(128).optional(),
  /** Why the deal was lost, once it is: one of its pipeline's `lostReasons` (cleared when reopened). */
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
  /** Once closed: milliseconds from `createdAt` to `closedAt` (the sales cycle). */
  cycleMs: z.number().int().min(0).optional(),
  /** How often `expectedCloseDate` was moved later. */
  slipCount: z.number().int().min(0).default(0),
  /** When `expectedCloseDate` was last moved later. */
  slippedAt: z.date().optional(),
  custom: z.record(z.string(), z.json()).default({}),
});

/** Rules across fields: an amount (or a line item) needs a currency; a contact appears once; one primary contact at most. */
export function checkDeal(
  record: { amount?: number; currency?: string; lineItems?: readonly unknown[]; contacts?: readonly { customerId: string; primary?: boolean }[] },
  ctx: z.RefinementCtx,
): void {
  if ((record.amount !== undefined || (record.lineItems?.length ?? 0) > 0) && record.currency === undefined) {
    ctx.addIssue({ code: 'custom', path: ['currency'], message: 'an amount needs a currency' });
  }
  const seen = new Set<string>();
  (record.contacts ?? []).forEach((contact, i) => {
    if (seen.has(contact.customerId)) ctx.addIssue({ code: 'custom', path: ['contacts', i, 'customerId'], message: `contact ${contact.customerId} appears twice` });
    seen.add(contact.customerId);
  });
  if ((record.contacts ?? []).filter((contact) => contact.primary === true).length > 1) {
    ctx.addIssue({ code: 'custom', path: ['contacts'], message: 'a deal has at most one primary contact' });
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

/** The deal model: collection `deals`, events `deal.*`. `status`, `closedAt`, `stageEnteredAt`, `cycleMs`, `slipCount` and `slippedAt` are managed. */
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
    cycleMs: dealSchema.shape.cycleMs,
    slipCount: dealSchema.shape.slipCount,
    slippedAt: dealSchema.shape.slippedAt,
  },
  check: checkDeal,
  indexes: [
    { name: 'deals_pipeline_stage', fields: ['pipelineId', 'stageId'] },
    { name: 'deals_customer', fields: ['customerId'] },
    { name: 'deals_owner', fields: ['ownerId'] },
    { name: 'deals_status_close', fields: ['status', 'expectedCloseDate'] },
    { name: 'deals_status_closed_at', fields: ['status', 'closedAt'] },
  ],
});
