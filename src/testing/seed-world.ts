import type { Crm } from '../crm.js';
import type { CampaignMember } from '../schema/campaign-member.js';
import type { Campaign } from '../schema/campaign.js';
import type { Case } from '../schema/case.js';
import type { Deal } from '../schema/deal.js';
import type { Interaction } from '../schema/interaction.js';
import type { Pipeline } from '../schema/pipeline.js';
import type { ReadonlyRecord } from '../services/readonly-record.js';
import type { conformanceCustomFields, ConformanceCustomer } from './conformance-fixtures.js';

/** One record of every model, linked together: what the bad-input and transaction tests write around. */
export interface World {
  /** An organization customer. */
  readonly acme: ConformanceCustomer;
  /** A person customer. */
  readonly ada: ConformanceCustomer;
  /** A pipeline with stages `qualify`, `proposal`, `won` and `lost`. */
  readonly pipeline: ReadonlyRecord<Pipeline>;
  /** An open deal of Acme in stage `qualify`. */
  readonly deal: ReadonlyRecord<Deal>;
  /** A support case of Ada, opened at the clock's start. */
  readonly supportCase: ReadonlyRecord<Case>;
  /** An email campaign. */
  readonly campaign: ReadonlyRecord<Campaign>;
  /** Ada's membership of the campaign. */
  readonly member: CampaignMember;
  /** A purchase by Ada. */
  readonly purchase: ReadonlyRecord<Interaction>;
}

/** The stages of {@link World.pipeline}. */
export const worldStages = [
  { id: 'qualify', name: 'Qualify', probability: 0.1 },
  { id: 'proposal', name: 'Proposal', probability: 0.5 },
  { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
  { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
] as const;

/**
 * Creates one record of every model, linked together.
 *
 * @example
 * ```ts
 * const { ada, deal } = await seedWorld(crm);
 * ```
 */
export async function seedWorld(crm: Crm<typeof conformanceCustomFields>): Promise<World> {
  const acme = await crm.customers.create({ kind: 'organization', name: 'Acme', tags: ['b2b'] });
  const ada = await crm.customers.create({ name: 'Ada Lovelace', organizationId: acme.id, emails: ['ada@example.com'] });
  const pipeline = await crm.pipelines.create({ name: 'New business', stages: worldStages.map((stage) => ({ ...stage })), currency: 'EUR' });
  const deal = await crm.deals.create({ pipelineId: pipeline.id, stageId: 'qualify', customerId: acme.id, title: 'Pilot', amount: 12_000_00, currency: 'EUR' });
  const supportCase = await crm.cases.create({ customerId: ada.id, subject: 'Invoice missing', priority: 'high' });
  const campaign = await crm.campaigns.create({ name: 'Spring', channel: 'email' });
  const member = await crm.campaignMembers.create({ campaignId: campaign.id, customerId: ada.id });
  const purchase = await crm.interactions.create({
    customerId: ada.id,
    channel: 'web',
    kind: 'purchase',
    purchase: { orderId: 'A-1', amount: 4999, currency: 'EUR', lineItems: [{ sku: 'BK-1', quantity: 1, unitPrice: 4999 }] },
  });
  return { acme, ada, pipeline, deal, supportCase, campaign, member, purchase };
}
