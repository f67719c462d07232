import { searchKeysMigration } from './search-keys-migration.js';
import { customerModel } from '../../schema/customer.js';
import { interactionModel, type Interaction, type InteractionInput } from '../../schema/interaction.js';
import { defineModule, eventTypes, facadeFactory, serviceFactory, type ServiceFactory, type ServiceTypes } from '../define-module.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { CustomerService } from './customer-service.js';
import { customerRelationshipModel } from './relationship.js';
import { customerMergeModel } from './customer-merge.js';
import { ConsentFacade } from './consent-facade.js';
import { consentRecordModel } from './consent-record.js';
import { erasureModel } from './erasure.js';
import { PrivacyFacade } from './privacy-facade.js';
import { unsubscribeHook } from './unsubscribe-hook.js';
import type { CustomerMergedEvent, CustomerUnmergedEvent } from './merge-events.js';
import { RelationshipService } from './relationship-service.js';

export {
  CustomerService,
  maxSearchCandidates,
  type DuplicateCandidate,
  type DuplicateOptions,
  type DuplicatePair,
  type MergeOptions,
  type TimelineOptions,
  type TimelinePage,
  type SearchHit,
  type SearchOptions,
  type SearchPage,
} from './customer-service.js';
export * from './duplicate-features.js';
export * from './duplicate-score.js';
export { nicknameOf } from './nicknames.js';
export * from './relationship.js';
export * from './customer-merge.js';
export * from './consent-record.js';
export * from './consent-facade.js';
export { contactPermission } from './contact-permission.js';
export * from './erasure.js';
export * from './timeline-source.js';
export * from './privacy-facade.js';
export { personalFields, erasedName } from './personal-fields.js';
export { unsubscribeHook } from './unsubscribe-hook.js';
export type { CustomerMergedEvent, CustomerUnmergedEvent } from './merge-events.js';
export { mergedFields, userFields, unionByDefault } from './merge-fields.js';
export { sameValue } from './same-value.js';
export * from './relationship-service.js';
export { foldText, foldedWords } from './fold-text.js';
export { phoneToE164, phoneSearchDigits, isPhoneRegion } from './phone-normalization.js';
export { searchKeysOf, maxSearchKeys, type SearchableCustomer } from './search-keys.js';
export { searchKeysMigration } from './search-keys-migration.js';
export { searchTerms, searchScore, searchTermKinds, type SearchTerm, type SearchTermKind } from './search-query.js';

/** The type of `crm.customers` for the host's customer custom fields. */
export interface CustomerServiceTypes extends ServiceTypes {
  readonly service: CustomerService<this['custom'], this['customInput']>;
}

/** The type of `crm.relationships` for the host's relationship custom fields. */
export interface RelationshipServiceTypes extends ServiceTypes {
  readonly service: RelationshipService<this['custom'], this['customInput']>;
}

/** The type of `crm.interactions` for the host's interaction custom fields. */
export interface InteractionServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<Interaction<this['custom']>>, InteractionInput<this['customInput']>>;
}

const plain: ServiceFactory['create'] = (context, model, schema) => new ModelService(context, model, schema);

/**
 * The core module: people and organizations (`crm.customers`, events
 * `customer.*`) and their timeline of messages, calls, visits and purchases
 * (`crm.interactions`, events `interaction.*`), typed relationships between
 * customers (`crm.relationships`, events `relationship.*`), search
 * (`crm.customers.search`) and the rest of customer data management.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ adapter }); // customerDataModule is built in
 * await crm.customers.create({ name: 'Ada Lovelace' });
 * ```
 */
export const customerDataModule = defineModule({
  name: 'customer-data',
  models: { customers: customerModel, interactions: interactionModel, relationships: customerRelationshipModel, customerMerges: customerMergeModel, consentRecords: consentRecordModel, erasures: erasureModel },
  services: {
    customers: serviceFactory<CustomerServiceTypes>((context, model, schema) => new CustomerService(context, model, schema)),
    interactions: serviceFactory<InteractionServiceTypes>(plain),
    relationships: serviceFactory<RelationshipServiceTypes>((context, model, schema) => new RelationshipService(context, model, schema)),
  },
  events: eventTypes<{ 'customer.merged': CustomerMergedEvent; 'customer.unmerged': CustomerUnmergedEvent }>(),
  writeHooks: [unsubscribeHook],
  migrations: [searchKeysMigration],
  facades: {
    consent: facadeFactory((context) => new ConsentFacade(context)),
    privacy: facadeFactory((context) => new PrivacyFacade(context)),
  },
});
