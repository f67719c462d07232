import mitt, { type Emitter } from 'mitt';
import type { z } from 'zod';
import type { CampaignMember, CampaignMemberInput } from './schema/campaign-member.js';
import type { Campaign, CampaignInput } from './schema/campaign.js';
import type { Case, CaseInput } from './schema/case.js';
import type { Customer, CustomerInput } from './schema/customer.js';
import { fieldCatalogue } from './schema/field-catalogue.js';
import { hostUniqueIndexes } from './storage/unique-indexes.js';
import type { Interaction, InteractionInput } from './schema/interaction.js';
import { buildRecordSchema, type CustomFieldsSchema, type ModelDefinition } from './schema/model-definition.js';
import { models, type CollectionName } from './schema/models.js';
import type { Pipeline, PipelineInput } from './schema/pipeline.js';
import type { CrmAdapter, StorageOperations } from './storage/adapter.js';
import type { CollectionSchema, StorageSchema } from './storage/collection-schema.js';
import { UnsupportedError, ValidationError, type CrmIssue } from './storage/errors.js';
import { canonicalTimeZone, defaultTimeZone } from './storage/time-zone.js';
import { customFieldsSchemaIssues } from './schema/custom-fields-schema.js';
import { AnalyticsService } from './services/analytics-service.js';
import { systemClock, type Clock } from './services/clock.js';
import type { CrmEventName, CrmEvents } from './services/crm-events.js';
import { DealService } from './services/deal-service.js';
import { uuidV7Ids, type IdGenerator } from './services/id-generator.js';
import { ModelService } from './services/model-service.js';
import { asyncScope } from './services/async-scope.js';
import type { ReadonlyRecord } from './services/readonly-record.js';
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

/**
 * What create methods accept as collection `K`'s custom fields under the host's
 * schemas `S`: the schema's input type, so fields with a default may be left out
 * (free JSON when undeclared).
 *
 * @example
 * ```ts
 * const customFields = { customers: z.object({ tier: z.string(), visits: z.number().default(0) }) };
 * const custom: CustomInputOf<typeof customFields, 'customers'> = { tier: 'gold' }; // visits defaults to 0
 * ```
 */
export type CustomInputOf<S extends CustomFieldSchemas, K extends CollectionName> = S[K] extends z.ZodType
  ? z.input<S[K]>
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
   * The crm's IANA time zone (`'Europe/Berlin'`), `'UTC'` by default, never the
   * host process's zone. Relative dates (`ago`, `fromNow`) are calendar
   * arithmetic in it, and aggregates' `day` and `week` buckets are its local
   * days and ISO weeks. An unknown zone is a `ValidationError`.
   */
  readonly timeZone?: string;
  /**
   * Called when an event listener throws. The write has committed by then; by
   * default the error is rethrown asynchronously so it surfaces as uncaught.
   */
  readonly onListenerError?: (error: unknown, event: CrmEventName) => void;
  /**
   * Fields the host declares unique per collection, by dotted path:
   * `{ customers: ['custom.shopifyId'], interactions: ['purchase.orderId'] }`.
   * Each becomes a unique index (`<collection>_unique_<path>`, dots and other signs as `_`) that every adapter
   * enforces: a write that would share a present value with another record is a
   * `ConflictError` with `reason: 'unique'`; absent values never conflict. A
   * path that is not a scalar field of the collection is a `ValidationError`.
   * `upsertMany(items, { by })` takes such a field as its key.
   */
  readonly unique?: Partial<Record<CollectionName, readonly string[]>>;
}

/**
 * The model services, the same inside and outside a transaction. The records
 * they return are deeply readonly ({@link ReadonlyRecord}); queries are checked
 * against each model's fields, custom fields of `S` included.
 */
export interface CrmServices<S extends CustomFieldSchemas = CustomFieldSchemas> {
  /** People and organizations. */
  readonly customers: ModelService<ReadonlyRecord<Customer<CustomOf<S, 'customers'>>>, CustomerInput<CustomInputOf<S, 'customers'>>>;
  /** The timeline: messages, calls, visits, purchases, survey answers. */
  readonly interactions: ModelService<
    ReadonlyRecord<Interaction<CustomOf<S, 'interactions'>>>,
    InteractionInput<CustomInputOf<S, 'interactions'>>
  >;
  /** Sales pipelines and their stages. */
  readonly pipelines: ModelService<ReadonlyRecord<Pipeline<CustomOf<S, 'pipelines'>>>, PipelineInput<CustomInputOf<S, 'pipelines'>>>;
  /** Deals moving through pipelines. */
  readonly deals: DealService<CustomOf<S, 'deals'>>;
  /** Support cases. */
  readonly cases: ModelService<ReadonlyRecord<Case<CustomOf<S, 'cases'>>>, CaseInput<CustomInputOf<S, 'cases'>>>;
  /** Marketing campaigns. */
  readonly campaigns: ModelService<ReadonlyRecord<Campaign<CustomOf<S, 'campaigns'>>>, CampaignInput<CustomInputOf<S, 'campaigns'>>>;
  /** Customers' memberships of campaigns. */
  readonly campaignMembers: ModelService<
    ReadonlyRecord<CampaignMember<CustomOf<S, 'campaignMembers'>>>,
    CampaignMemberInput<CustomInputOf<S, 'campaignMembers'>>
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
  /** The crm's time zone: the canonical IANA name of `options.timeZone`, `'UTC'` by default. */
  readonly timeZone: string;
  /**
   * Runs `fn` with services whose writes commit together when it resolves and
   * roll back together when it throws; events fire after the commit. Throws
   * `UnsupportedError` on adapters without the `transactions` capability.
   *
   * Calls of the crm's own services inside `fn` (`crm.customers.create(...)`
   * rather than `tx.customers.create(...)`), and a nested `crm.transaction`,
   * join the open transaction, wherever the runtime tracks async context
   * (Node, Bun, Deno); they never wait for it to end. See `docs/semantics.md`.
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
 * const crm = await createCrm({ adapter: memoryAdapter(), timeZone: 'Europe/Berlin' });
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
  const timeZone = canonicalTimeZone(options.timeZone ?? defaultTimeZone);
  const optionIssues: CrmIssue[] = [];
  if (timeZone === undefined) {
    optionIssues.push({
      code: 'invalid_time_zone',
      path: ['timeZone'],
      message: `unknown time zone ${JSON.stringify(options.timeZone)}: give an IANA name such as 'Europe/Berlin' or 'UTC'`,
    });
  }
  for (const [name, custom] of Object.entries(options.customFields ?? {})) {
    if (custom !== undefined) optionIssues.push(...customFieldsSchemaIssues(name, custom));
  }
  if (optionIssues.length > 0) {
    throw new ValidationError(`Invalid createCrm options: ${optionIssues.map((issue) => issue.message).join('; ')}`, optionIssues);
  }
  const recordSchemas = new Map<string, z.ZodType>();
  const collections: Record<string, CollectionSchema> = {};
  for (const [name, model] of Object.entries(models) as [CollectionName, ModelDefinition][]) {
    const schema = buildRecordSchema(model, options.customFields?.[name]);
    recordSchemas.set(name, schema);
    const fields = fieldCatalogue(schema);
    collections[name] = { name, fields, indexes: [...model.indexes, ...hostUniqueIndexes(name, fields, options.unique?.[name], optionIssues)] };
  }
  if (optionIssues.length > 0) {
    throw new ValidationError(`Invalid createCrm options: ${optionIssues.map((issue) => issue.message).join('; ')}`, optionIssues);
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
    timeZone: timeZone!,
    ids,
    referencesTo: (collection: string) => referencesTo.get(collection) ?? [],
  };
  const adapterContext: ServiceContext = {
    ...baseContext,
    storage: adapter,
    inTransaction: false,
    emit: deliver,
    atomically: (fn) => (adapter.capabilities.transactions ? adapter.transaction(fn) : fn(adapter)),
  };
  // The open transaction of the current async call chain, if any: a root service
  // called inside `crm.transaction` joins it rather than waiting for it to end.
  const openTransaction = asyncScope<ServiceContext>();
  const active = (): ServiceContext => openTransaction.current() ?? adapterContext;
  const rootContext: ServiceContext = {
    ...baseContext,
    get storage() {
      return active().storage;
    },
    get inTransaction() {
      return active().inTransaction;
    },
    emit: (name, payload) => active().emit(name, payload),
    atomically: (fn) => active().atomically(fn),
  };

  const transaction = async <T>(fn: (tx: CrmServices<S>) => Promise<T>): Promise<T> => {
    const joined = openTransaction.current();
    if (joined !== undefined) return fn(makeServices(joined)); // nested: part of the enclosing transaction
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
      return openTransaction.run(context, () => fn(makeServices(context)));
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
    timeZone: timeZone!,
    transaction,
    close: () => adapter.close(),
  };
}
