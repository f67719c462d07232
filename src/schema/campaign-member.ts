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
  status: z.enum(campaignMemberStatuses).default('targeted'),
  /** When the member reached its current status; defaults to now. */
  statusChangedAt: z.date(),
};

/** The schema of a stored campaign member, custom fields as free JSON. */
export const campaignMemberSchema = z.strictObject({
  ...recordBaseShape,
  ...campaignMemberShape,
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

/** What `crm.campaignMembers.create()` accepts; `statusChangedAt` defaults to now. */
export type CampaignMemberInput<C = Record<string, unknown>> = Omit<CreateInput<typeof campaignMemberShape, C>, 'statusChangedAt'> & {
  statusChangedAt?: Date;
};

/** The campaign member model: collection `campaignMembers`, events `campaignMember.*`. */
export const campaignMemberModel = defineModel({
  collection: 'campaignMembers',
  entity: 'campaignMember',
  shape: campaignMemberShape,
  references: [
    { field: 'campaignId', collection: 'campaigns' },
    { field: 'customerId', collection: 'customers' },
  ],
  defaultsToNow: ['statusChangedAt'],
  indexes: [
    { name: 'campaign_members_campaign_customer', fields: ['campaignId', 'customerId'] },
    { name: 'campaign_members_customer', fields: ['customerId'] },
  ],
});
