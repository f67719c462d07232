import { campaignMemberModel, type CampaignMember, type CampaignMemberInput } from '../../schema/campaign-member.js';
import { campaignModel, type Campaign, type CampaignInput } from '../../schema/campaign.js';
import { defineModule, serviceFactory, type ServiceTypes } from '../define-module.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

/** The type of `crm.campaigns` for the host's campaign custom fields. */
export interface CampaignServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<Campaign<this['custom']>>, CampaignInput<this['customInput']>>;
}

/** The type of `crm.campaignMembers` for the host's membership custom fields. */
export interface CampaignMemberServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<CampaignMember<this['custom']>>, CampaignMemberInput<this['customInput']>>;
}

/**
 * Marketing: campaigns (`crm.campaigns`) and customers' memberships of them
 * (`crm.campaignMembers`).
 *
 * @example
 * ```ts
 * const spring = await crm.campaigns.create({ name: 'Spring sale', channel: 'email' });
 * await crm.campaignMembers.create({ campaignId: spring.id, customerId: ada.id });
 * ```
 */
export const campaignsModule = defineModule({
  name: 'campaigns',
  models: { campaigns: campaignModel, campaignMembers: campaignMemberModel },
  services: {
    campaigns: serviceFactory<CampaignServiceTypes>((context, model, schema) => new ModelService(context, model, schema)),
    campaignMembers: serviceFactory<CampaignMemberServiceTypes>((context, model, schema) => new ModelService(context, model, schema)),
  },
});
