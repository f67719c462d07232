import * as z from 'zod';
import { channelSchema } from './channel.js';
import { moneySchema } from './currency-code.js';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** The states of a marketing campaign. */
export const campaignStatuses = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;

/** One of {@link campaignStatuses}. */
export type CampaignStatus = (typeof campaignStatuses)[number];

/** Who a campaign targets: a saved segment, or tags. Kept as data; the campaigns module resolves it. */
export const audienceSchema = z.strictObject({
  segmentId: z.string().min(1).max(128).optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
});

/** The fields of a campaign that users set, before custom fields. */
export const campaignShape = {
  name: z.string().trim().min(1).max(300),
  channel: channelSchema,
  status: z.enum(campaignStatuses).default('draft'),
  budget: moneySchema.optional(),
  startsAt: z.date().optional(),
  endsAt: z.date().optional(),
  audience: audienceSchema.default({}),
  ownerId: z.string().min(1).max(128).optional(),
};

/** The schema of a stored campaign, custom fields as free JSON. */
export const campaignSchema = z.strictObject({
  ...recordBaseShape,
  ...campaignShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/** Rules across fields: a campaign ends after it starts. */
export function checkCampaign(record: { startsAt?: Date; endsAt?: Date }, ctx: z.RefinementCtx): void {
  if (record.startsAt && record.endsAt && record.endsAt.getTime() < record.startsAt.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt is before startsAt' });
  }
}

/**
 * A marketing campaign.
 *
 * @example
 * ```ts
 * await crm.campaigns.create({ name: 'Spring sale', channel: 'email', budget: { amount: 500_00, currency: 'EUR' } });
 * ```
 */
export type Campaign<C = Record<string, unknown>> = WithCustom<z.output<typeof campaignSchema>, C>;

/** What `crm.campaigns.create()` accepts. */
export type CampaignInput<C = Record<string, unknown>> = CreateInput<typeof campaignShape, C>;

/** The campaign model: collection `campaigns`, events `campaign.*`. */
export const campaignModel = defineModel({
  collection: 'campaigns',
  entity: 'campaign',
  shape: campaignShape,
  check: checkCampaign,
  indexes: [{ name: 'campaigns_status', fields: ['status'] }],
});
