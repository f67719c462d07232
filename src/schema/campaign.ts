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

/**
 * Who a campaign targets, kept as data and resolved by `crm.campaigns.launch`:
 * a saved segment (`segmentId`), a static list of customers (`customerIds`),
 * customers carrying all of `tags`, or several of these (the audience is their
 * intersection: a segment narrowed to the listed tags). A static list holds up to
 * 1,000 ids (a stored list's limit); a larger one is a segment snapshot. `suppressionSegmentIds`
 * names segments whose members are never targeted.
 *
 * @example
 * ```ts
 * const audience: Audience = { segmentId: vips.id, suppressionSegmentIds: [complainedRecently.id] };
 * ```
 */
export const audienceSchema = z.strictObject({
  segmentId: z.string().min(1).max(128).optional(),
  customerIds: z.array(z.string().min(1).max(128)).max(1000).optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  suppressionSegmentIds: z.array(z.string().min(1).max(128)).max(100).optional(),
});

/**
 * A campaign's audience (see {@link audienceSchema}).
 *
 * @example
 * ```ts
 * const audience: Audience = { customerIds: [ada.id, grace.id] };
 * ```
 */
export type Audience = z.output<typeof audienceSchema>;

/**
 * At most `touches` campaign touches per customer in any `days` days, over all
 * campaigns: launch skips a customer who already has that many.
 *
 * @example
 * ```ts
 * const cap: FrequencyCap = { touches: 3, days: 30 };
 * ```
 */
export const frequencyCapSchema = z.strictObject({
  touches: z.number().int().positive().max(1000),
  days: z.number().int().positive().max(3660),
});

/**
 * A campaign's frequency cap (see {@link frequencyCapSchema}).
 *
 * @example
 * ```ts
 * const cap: FrequencyCap = { touches: 1, days: 7 };
 * ```
 */
export type FrequencyCap = z.output<typeof frequencyCapSchema>;

/**
 * One A/B variant: members are split among the variants in proportion to
 * their weights, deterministically from the campaign's `seed` and the customer id.
 *
 * @example
 * ```ts
 * const variants: CampaignVariant[] = [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }];
 * ```
 */
export const campaignVariantSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  weight: z.number().positive().max(1_000_000),
});

/**
 * A campaign variant (see {@link campaignVariantSchema}).
 *
 * @example
 * ```ts
 * const control: CampaignVariant = { name: 'control', weight: 9 };
 * ```
 */
export type CampaignVariant = z.output<typeof campaignVariantSchema>;

/** The fields of a campaign that users set, before custom fields. */
export const campaignShape = {
  name: z.string().trim().min(1).max(300),
  channel: channelSchema,
  /** What the campaign's messages are for, as the consent ledger names it (`marketing` unless set). */
  purpose: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a purpose is a lower-case slug such as marketing')
    .default('marketing'),
  budget: moneySchema.optional(),
  startsAt: z.date().optional(),
  endsAt: z.date().optional(),
  audience: audienceSchema.default({}),
  ownerId: z.string().min(1).max(128).optional(),
  /** A code purchases quote (a coupon): a purchase whose `purchase.couponCode` equals it converts the member. */
  code: z.string().trim().min(1).max(100).optional(),
  frequencyCap: frequencyCapSchema.optional(),
  /** A/B variants; absent for a campaign without a test. Names are unique. */
  variants: z.array(campaignVariantSchema).min(2).max(26).optional(),
  /** The seed of the variant split (the campaign id unless set), so a split can be reproduced. */
  seed: z.string().min(1).max(128).optional(),
  /** How long after a touch a purchase is attributed to it, in days. */
  attributionWindowDays: z.number().int().positive().max(3660).default(30),
};

/** The fields of a campaign only crmkit writes: its status, moved by `launch`, `pause`, `resume`, `complete` and `cancel`. */
export const campaignManagedShape = {
  status: z.enum(campaignStatuses),
  /** When the campaign was first launched. */
  launchedAt: z.date().optional(),
};

/** The schema of a stored campaign, custom fields as free JSON. */
export const campaignSchema = z.strictObject({
  ...recordBaseShape,
  ...campaignShape,
  ...campaignManagedShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/** Rules across fields: a campaign ends after it starts; variant names are unique. */
export function checkCampaign(record: { startsAt?: Date; endsAt?: Date; variants?: readonly { name: string }[] }, ctx: z.RefinementCtx): void {
  if (record.startsAt && record.endsAt && record.endsAt.getTime() < record.startsAt.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt is before startsAt' });
  }
  const seen = new Set<string>();
  record.variants?.forEach((variant, index) => {
    if (seen.has(variant.name)) ctx.addIssue({ code: 'custom', path: ['variants', index, 'name'], message: `variant ${JSON.stringify(variant.name)} is named twice` });
    seen.add(variant.name);
  });
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
  managedShape: campaignManagedShape,
  check: checkCampaign,
  indexes: [
    { name: 'campaigns_status', fields: ['status'] },
    { name: 'campaigns_code', fields: ['code'] },
  ],
});
