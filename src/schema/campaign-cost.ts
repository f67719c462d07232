import * as z from 'zod';
import { moneySchema } from './currency-code.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** The fields of a campaign cost that users set, before custom fields. */
export const campaignCostShape = {
  campaignId: z.string().min(1).max(128),
  /** What was spent, in minor units of its currency. */
  cost: moneySchema,
  /** When it was spent (defaults to now). */
  incurredAt: z.date(),
  description: z.string().trim().max(1000).optional(),
};

/** The schema of a stored campaign cost, custom fields as free JSON. */
export const campaignCostSchema = z.strictObject({
  ...recordBaseShape,
  ...campaignCostShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/**
 * An actual cost of a campaign (media, production, sending fees), summed
 * against its budget and its attributed revenue by `crm.campaigns.report`.
 *
 * @example
 * ```ts
 * await crm.campaignCosts.create({ campaignId: spring.id, cost: { amount: 120_00, currency: 'EUR' }, description: 'Mail provider' });
 * ```
 */
export type CampaignCost<C = Record<string, unknown>> = WithCustom<z.output<typeof campaignCostSchema>, C>;

/** What `crm.campaignCosts.create()` accepts; `incurredAt` defaults to now. */
export type CampaignCostInput<C = Record<string, unknown>> = Omit<CreateInput<typeof campaignCostShape, C>, 'incurredAt'> & { incurredAt?: Date };

/** The campaign cost model: collection `campaignCosts`, events `campaignCost.*`. */
export const campaignCostModel = defineModel({
  collection: 'campaignCosts',
  entity: 'campaignCost',
  shape: campaignCostShape,
  references: [{ field: 'campaignId', collection: 'campaigns' }],
  defaultsToNow: ['incurredAt'],
  indexes: [{ name: 'campaign_costs_campaign', fields: ['campaignId'] }],
});
