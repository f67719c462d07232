import mitt, { type Emitter } from 'mitt';
import type { z } from 'zod';
import type { CampaignMember, CampaignMemberInput } from './schema/campaign-member.js';
import type { Campaign, CampaignInput } from './schema/campaign.js';
import type { Case, CaseInput } from './schema/case.js';
import type { Customer, CustomerInput } from './schema/customer.js';
import { fieldCatalogue } from './schema/field-catalogue.js';
import type { Interaction, InteractionInput } from './schema/interaction.js';
import { buildRecordSchema, type CustomFieldsSchema, type ModelDefinition } from './schema/model-definition.js';
import { models, type CollectionName } from './schema/models.js';
import type { Pipeline, PipelineInput } from './schema/pipeline.js';
import type { CrmAdapter, StorageOperations } from './storage/adapter.js';
import type { CollectionSchema, StorageSchema } from './storage/collection-schema.js';
import { UnsupportedError, ValidationError } from './storage/errors.js';
import { AnalyticsService } from './services/analytics-service.js';
import { systemClock, type Clock } from './services/clock.js';
import type { CrmEventName, CrmEvents } from './services/crm-events.js';
import { DealService } from './services/deal-service.js';
import { uuidV7Ids, type IdGenerator } from './services/id-generator.js';
import { ModelService } from './services/model-service.js';
import type { ServiceContext } from './services/service-context.js';

/**
 * Custom field schemas per collection, declared by the host. They are
 * validated on every write, stored, and filterable as `custom.<field>`.
 *
 * @example
 * ```ts
 * const customFields = {
 *   customers: z.object({ loyaltyTier: z.enum(['bronze', 'silver', 'gold']).optional(), shopifyId: z.string().optional() }),
 * };
 * ```
 */
export type CustomFieldSchemas = { readonly [K in CollectionName]?: CustomFieldsSchema };

/** The custom fields type of collection `K` under the host's schemas `S` (free JSON when undeclared). */
export type CustomOf<S extends CustomFieldSchemas, K extends CollectionName> = S[K] extends z.ZodType
  ? z.output<S[K]>
  : Record<string, unknown>;

/** Options of {@link createCrm}. */
export interface CrmOptions<S extends CustomFieldSchemas = CustomFieldSchemas> {
  /** Where the data lives: `memoryAdapter()`, `sqlAdapter(…)`, `indexedDbAdapter(…)` or a plugin's. */
  readonly adapter: CrmAdapter;
  /** Where the crm reads the time; the system clock by default. */
  readonly clock?: Clock;
  /** Makes record ids; time-sortable UUIDv7 by default. */
  readonly ids?: IdGenerator;
  /** The host's custom fields per collection. */
  readonly customFields?: S;
  /**
   * Called when an event listener throws. The write has committed by then; by
   * default the error is rethrown asynchronously so it surfaces as uncaught.
   */
  readonly onListenerError?: (error: unknown, event: CrmEventName) => void;
}

/** The model services, the same inside and outside a transaction. */
export interface CrmServices<S extends CustomFieldSchemas = CustomFieldSchemas> {
  /** People and organizations. */
  readonly customers: ModelService<Customer<CustomOf<S, 'customers'>>, CustomerInput<CustomOf<S, 'customers'>>>;
  /** The timeline: messages, calls, visits, purchases, survey answers. */
  readonly interactions: ModelService<Interaction<CustomOf<S, 'interactions'>>, InteractionInput<CustomOf<S, 'interactions'>>>;
  /** Sales pipelines and their stages. */
  readonly pipelines: ModelService<Pipeline<CustomOf<S, 'pipelines'>>, PipelineInput<CustomOf<S, 'pipelines'>>>;
  /** Deals moving through pipelines. */
  readonly deals: DealService<CustomOf<S, 'deals'>>;
  /** Support cases. */
  readonly cases: ModelService<Case<CustomOf<S, 'cases'>>, CaseInput<CustomOf<S, 'cases'>>>;
  /** Marketing campaigns. */
  readonly campaigns: ModelService<Campaign<CustomOf<S, 'campaigns'>>, CampaignInput<CustomOf<S, 'campaigns'>>>;
  /** Customers' memberships of campaigns. */
  readonly campaignMembers: ModelService<
    CampaignMember<CustomOf<S, 'campaignMembers'>>,
    CampaignMemberInput<CustomOf<S, 'campaignMembers'>>
  >;
}

/** A crm: the services, the event emitter, transactions. Made by {@link createCrm}. */
export interface Crm<S extends CustomFieldSchemas = CustomFieldSchemas> extends CrmServices<S> {
  /** Churn, lifetime value and transaction summaries over the stored purchases. */
  readonly analytics: AnalyticsService;
  /** The typed event emitter; events fire after their write committed. */
  readonly events: Emitter<CrmEvents>;
  /** The adapter underneath. */
  readonly adapter: CrmAdapter;
  /** The collections and filterable fields the adapter was opened with. */
  readonly schema: StorageSchema;
  /** The crm's clock. */
  readonly clock: Clock;
  /**
   * Runs `fn` with services whose writes commit together when it resolves and
   * roll back together when it throws; events fire after the commit. Throws
   * `UnsupportedError` on adapters without the `transactions` capability.
   *
   * @example
   * ```ts
   * await crm.transaction(async (tx) => {
   *   const acme = await tx.customers.create({ kind: 'organization', name: 'Acme' });
   *   await tx.deals.create({ pipelineId, stageId: 'qualify', customerId: acme.id, title: 'Acme pilot' });
   * });
   * ```
   */
  transaction<T>(fn: (tx: CrmServices<S>) => Promise<T>): Promise<T>;
  /** Closes the adapter. */
  close(): Promise<void>;
}

/**
 * Makes a crm over an adapter: builds the models' schemas (with the host's
 * custom fields), opens the adapter with them, and wires clock, ids, events
 * and services.
 *
 * @example
 * ```ts
 * import { createCrm, where } from 'crmkit';
 * import { memoryAdapter } from 'crmkit/memory';
 *
 * const crm = await createCrm({ adapter: memoryAdapter() });
 * const ada = await crm.customers.create({ name: 'Ada Lovelace', emails: ['ada@example.com'] });
 * await crm.customers.update(ada.id, (draft) => { draft.tags.push('vip') });
 * const vips = await crm.customers.find({ where: where('tags', 'contains', 'vip') });
 * ```
 */
export async function createCrm<S extends CustomFieldSchemas = CustomFieldSchemas>(options: CrmOptions<S>): Promise<Crm<S>> {
  const { adapter } = options;
  if (adapter === undefined || typeof adapter.open !== 'function') {
    throw new ValidationError('createCrm needs an adapter', [{ code: 'invalid_type', path: ['adapter'], message: 'adapter is required' }]);
  }
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? uuidV7Ids;
  const recordSchemas = new Map<string, z.ZodType>();
  const collections: Record<string, CollectionSchema> = {};
  for (const [name, model] of Object.entries(models) as [CollectionName, ModelDefinition][]) {
    const schema = buildRecordSchema(model, options.customFields?.[name]);
    recordSchemas.set(name, schema);
    collections[name] = { name, fields: fieldCatalogue(schema), indexes: model.indexes };
  }
  const storageSchema: StorageSchema = { collections };
  const referencesTo = new Map<string, { collection: string; field: string }[]>();
  for (const model of Object.values(models) as ModelDefinition[]) {
    for (const reference of model.references ?? []) {
      const list = referencesTo.get(reference.collection) ?? [];
      list.push({ collection: model.collection, field: reference.field });
      referencesTo.set(reference.collection, list);
    }
  }

  await adapter.open(storageSchema);
  const events = mitt<CrmEvents>();
  const deliver = <K extends CrmEventName>(name: K, payload: CrmEvents[K]): void => {
    try {
      events.emit(name, payload);
    } catch (error) {
      if (options.onListenerError) options.onListenerError(error, name);
      else queueMicrotask(() => {
        throw error;
      });
    }
  };

  const makeServices = (context: ServiceContext): CrmServices<S> => {
    const service = (name: CollectionName) => new ModelService(context, models[name], recordSchemas.get(name)!);
    return {
      customers: service('customers'),
      interactions: service('interactions'),
      pipelines: service('pipelines'),
      deals: new DealService(context, models.deals, recordSchemas.get('deals')!),
      cases: service('cases'),
      campaigns: service('campaigns'),
      campaignMembers: service('campaignMembers'),
    } as unknown as CrmServices<S>;
  };

  const baseContext = {
    adapter,
    schema: storageSchema,
    clock,
    ids,
    referencesTo: (collection: string) => referencesTo.get(collection) ?? [],
  };
  const rootContext: ServiceContext = {
    ...baseContext,
    storage: adapter,
    inTransaction: false,
    emit: deliver,
    atomically: (fn) => (adapter.capabilities.transactions ? adapter.transaction(fn) : fn(adapter)),
  };

  const transaction = async <T>(fn: (tx: CrmServices<S>) => Promise<T>): Promise<T> => {
    if (!adapter.capabilities.transactions) {
      throw new UnsupportedError(`the ${adapter.name} adapter does not support transactions`);
    }
    const queued: [CrmEventName, unknown][] = [];
    const result = await adapter.transaction((storage: StorageOperations) => {
      queued.length = 0; // an adapter may retry the function; keep only the last run's events
      const context: ServiceContext = {
        ...baseContext,
        storage,
        inTransaction: true,
        emit: (name, payload) => void queued.push([name, payload]),
        atomically: (inner) => inner(storage),
      };
      return fn(makeServices(context));
    });
    for (const [name, payload] of queued) deliver(name, payload as CrmEvents[typeof name]);
    return result;
  };

  const services = makeServices(rootContext);
  return {
    ...services,
    analytics: new AnalyticsService(services.interactions as never, () => clock.now(), services.customers as never),
    events,
    adapter,
    schema: storageSchema,
    clock,
    transaction,
    close: () => adapter.close(),
  };
}
