import { campaignCostModel, type CampaignCost, type CampaignCostInput } from '../../schema/campaign-cost.js';
import { campaignMemberModel } from '../../schema/campaign-member.js';
import { campaignModel } from '../../schema/campaign.js';
import { defineModule, serviceFactory, type ServiceTypes } from '../define-module.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { CampaignMemberService } from './campaign-member-service.js';
import { CampaignService } from './campaign-service.js';
import { campaignTrackingHook } from './campaign-tracking-hook.js';

export { CampaignService, type CampaignSiblings } from './campaign-service.js';
export { CampaignMemberService, type SetMemberStatusOptions } from './campaign-member-service.js';
export { campaignTrackingHook } from './campaign-tracking-hook.js';
export { campaignRefusals, type CampaignRefusal } from './campaign-refusals.js';
export { campaignIssueCodes, type CampaignIssueCode } from './campaign-issue-codes.js';
export { launchSkipReasons, type LaunchSkipReason } from './launch-skip-reasons.js';
export type { LaunchOptions, LaunchResult, LaunchSkip } from './campaign-launch.js';
export type { DispatchOptions, DispatchResult, SendFunction, SendRequest } from './campaign-dispatch.js';
export {
  variantMetrics,
  type AttributionFunction,
  type CampaignReport,
  type CampaignReportOptions,
  type CampaignTouch,
  type CurrencyRoi,
  type VariantComparison,
  type VariantMetric,
  type VariantRow,
} from './campaign-report.js';
export { funnelStatuses, memberMove, statusTimeFields } from './member-status-order.js';
export { assignVariant, seededFraction } from './variant-assignment.js';

/** The type of `crm.campaigns` for the host's campaign custom fields. */
export interface CampaignServiceTypes extends ServiceTypes {
  readonly service: CampaignService<this['custom']>;
}

/** The type of `crm.campaignMembers` for the host's membership custom fields. */
export interface CampaignMemberServiceTypes extends ServiceTypes {
  readonly service: CampaignMemberService<this['custom']>;
}

/** The type of `crm.campaignCosts` for the host's cost custom fields. */
export interface CampaignCostServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<CampaignCost<this['custom']>>, CampaignCostInput<this['customInput']>>;
}

/**
 * Marketing: campaigns (`crm.campaigns`: launch to an audience with consent,
 * caps and suppressions enforced, dispatch through the host's sender, the
 * report with attribution and A/B verdicts), customers' memberships of them
 * (`crm.campaignMembers`, statuses forward only, moved by tracked
 * interactions too) and their actual costs (`crm.campaignCosts`). See
 * `docs/campaigns.md`.
 *
 * @example
 * ```ts
 * const spring = await crm.campaigns.create({ name: 'Spring sale', channel: 'email', audience: { tags: ['newsletter'] } });
 * await crm.campaigns.launch(spring.id);
 * await crm.campaigns.dispatch(spring.id, send);
 * ```
 */
export const campaignsModule = defineModule({
  name: 'campaigns',
  models: { campaigns: campaignModel, campaignMembers: campaignMemberModel, campaignCosts: campaignCostModel },
  services: {
    campaigns: serviceFactory<CampaignServiceTypes>((context, model, schema) => new CampaignService(context, model, schema)),
    campaignMembers: serviceFactory<CampaignMemberServiceTypes>((context, model, schema) => new CampaignMemberService(context, model, schema)),
    campaignCosts: serviceFactory<CampaignCostServiceTypes>((context, model, schema) => new ModelService(context, model, schema)),
  },
  writeHooks: [campaignTrackingHook],
});
