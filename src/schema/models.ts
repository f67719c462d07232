import { campaignMemberModel } from './campaign-member.js';
import { campaignModel } from './campaign.js';
import { caseModel } from './case.js';
import { customerModel } from './customer.js';
import { dealModel } from './deal.js';
import { interactionModel } from './interaction.js';
import { pipelineModel } from './pipeline.js';

/** Every model crmkit ships, keyed by collection name. */
export const models = {
  customers: customerModel,
  interactions: interactionModel,
  pipelines: pipelineModel,
  deals: dealModel,
  cases: caseModel,
  campaigns: campaignModel,
  campaignMembers: campaignMemberModel,
} as const;

/** The collections crmkit stores. */
export const collectionNames = Object.keys(models) as (keyof typeof models)[];

/** One of {@link collectionNames}. */
export type CollectionName = keyof typeof models;
