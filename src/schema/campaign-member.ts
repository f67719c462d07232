import * as z from 'zod';
import type { CreateInput, WithCustom } from './custom-fields.js';
import { defineModel } from './define-model.js';
import { recordBaseShape } from './record-base.js';

/** Where a customer stands in a campaign, from targeted to converted (or bounced, unsubscribed). */
export const campaignMemberStatuses = [
  'targeted',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'responded',
  'converted',
  'bounced',
  'unsubscribed',
] as const;

/** One of {@link campaignMemberStatuses}. */
export type CampaignMemberStatus = (typeof campaignMemberStatuses)[number];

/** The fields of a campaign member that users set, before custom fields. */
export const campaignMemberShape = {
  campaignId: z.string().min(1).max(128),
  customerId: z.string().min(1).max(128),
  /** The A/B variant (launch assigns it, for a campaign with variants). */
  variant: z.string().trim().min(1).max(100).optional(),
};

/**
 * The fields of a campaign member only crmkit writes: the status (it moves
 * forward only, through `crm.campaignMembers.setStatus`, a dispatch or a
 * tracked interaction), the time each status was first reached, the A/B
 * variant, and the dispatch bookkeeping.
 */
export const campaignMemberManagedShape = {
  status: z.enum(campaignMemberStatuses),
  /** When the member reached its current status. */
  statusChangedAt: z.date(),
  sentAt: z.date().optional(),
  deliveredAt: z.date().optional(),
  openedAt: z.date().optional(),
  clickedAt: z.date().optional(),
  respondedAt: z.date().optional(),
  convertedAt: z.date().optional(),
  bouncedAt: z.date().optional(),
  unsubscribedAt: z.date().optional(),
  /** How often `dispatch` called the host's `send` for this member and it failed. */
  failedAttempts: z.number().int().nonnegative().default(0),
  /** When a failed send is retried (absent: due now, or never again once `failedAt` is set). */
  nextAttemptAt: z.date().optional(),
  /** The last send failure's message. */
  lastError: z.string().max(2000).optional(),
  /** When dispatch gave up on the member after its last allowed attempt. */
  failedAt: z.date().optional(),
  /** Until when a running dispatch holds the member (another dispatch skips it). */
  claimedUntil: z.date().optional(),
};

/** The schema of a stored campaign member, custom fields as free JSON. */
export const campaignMemberSchema = z.strictObject({
  ...recordBaseShape,
  ...campaignMemberShape,
  ...campaignMemberManagedShape,
  custom: z.record(z.string(), z.json()).default({}),
});

/**
 * One customer's membership of one campaign.
 *
 * @example
 * ```ts
 * await crm.campaignMembers.create({ campaignId: spring.id, customerId: ada.id });
 * ```
 */
export type CampaignMember<C = Record<string, unknown>> = WithCustom<z.output<typeof campaignMemberSchema>, C>;

/** What `crm.campaignMembers.create()` accepts: a new member is `targeted`; `crm.campaigns.launch` adds members in bulk. */
export type CampaignMemberInput<C = Record<string, unknown>> = CreateInput<typeof campaignMemberShape, C>;

/** The campaign member model: collection `campaignMembers`, events `campaignMember.*`. */
export const campaignMemberModel = defineModel({
  collection: 'campaignMembers',
  entity: 'campaignMember',
  shape: campaignMemberShape,
  references: [
    { field: 'campaignId', collection: 'campaigns' },
    { field: 'customerId', collection: 'customers' },
  ],
  managedShape: campaignMemberManagedShape,
  indexes: [
    { name: 'campaign_members_one_per_campaign', fields: ['campaignId', 'customerId'], unique: true },
    { name: 'campaign_members_campaign_status', fields: ['campaignId', 'status'] },
    { name: 'campaign_members_customer_sent', fields: ['customerId', 'sentAt'] },
  ],
});
