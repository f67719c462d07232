import type { Patch } from 'immer';
import type { CampaignMember } from '../schema/campaign-member.js';
import type { Campaign } from '../schema/campaign.js';
import type { Case } from '../schema/case.js';
import type { Customer } from '../schema/customer.js';
import type { Deal } from '../schema/deal.js';
import type { Interaction } from '../schema/interaction.js';
import type { Pipeline } from '../schema/pipeline.js';

/** Emitted after a record was created and the write committed. */
export interface CreatedEvent<R> {
  /** The record as stored. */
  readonly record: R;
}

/** Emitted after a record was updated and the write committed. */
export interface UpdatedEvent<R> {
  /** The record as stored now. */
  readonly record: R;
  /** The record as it was. */
  readonly previous: R;
  /** The immer patches the recipe produced (paths into the record); drive audit history from these. */
  readonly patches: readonly Patch[];
  /** The patches that undo the change. */
  readonly inversePatches: readonly Patch[];
}

/** Emitted after a record was deleted and the write committed. */
export interface DeletedEvent<R> {
  /** The id of the deleted record. */
  readonly id: string;
  /** The record as it was. */
  readonly previous: R;
}

/** Emitted after a deal moved to another stage. */
export interface DealStageChangedEvent {
  /** The deal as stored now. */
  readonly deal: Deal;
  /** The stage it left. */
  readonly fromStageId: string;
  /** The stage it entered. */
  readonly toStageId: string;
}

/** The record type of each entity, as events carry them. */
export interface EntityRecords {
  customer: Customer;
  interaction: Interaction;
  pipeline: Pipeline;
  deal: Deal;
  case: Case;
  campaign: Campaign;
  campaignMember: CampaignMember;
}

/** One of the entity names events are prefixed with. */
export type EntityName = keyof EntityRecords;

/**
 * Every event `crm.events` emits, with its payload: `<entity>.created`,
 * `<entity>.updated`, `<entity>.deleted` for every model, and domain events
 * such as `deal.stageChanged`. Events are emitted only after the write
 * committed; inside `crm.transaction` they wait for the commit.
 *
 * @example
 * ```ts
 * crm.events.on('customer.updated', ({ record, patches }) => audit.write(record.id, patches));
 * crm.events.on('deal.stageChanged', ({ deal, toStageId }) => notify(deal.ownerId, toStageId));
 * ```
 */
export type CrmEvents = { [K in EntityName as `${K}.created`]: CreatedEvent<EntityRecords[K]> } & {
  [K in EntityName as `${K}.updated`]: UpdatedEvent<EntityRecords[K]>;
} & { [K in EntityName as `${K}.deleted`]: DeletedEvent<EntityRecords[K]> } & {
  'deal.stageChanged': DealStageChangedEvent;
};

/** The name of one of {@link CrmEvents}. */
export type CrmEventName = keyof CrmEvents;
