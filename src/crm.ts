import mitt, { type Emitter } from 'mitt';
import type * as z from 'zod';
import { customFieldsSchemaIssues } from './schema/custom-fields-schema.js';
import type { DefinedModel } from './schema/define-model.js';
import { fieldCatalogue } from './schema/field-catalogue.js';
import type { CustomFieldsSchema } from './schema/model-definition.js';
import { hostUniqueIndexes } from './storage/unique-indexes.js';
import type { CrmAdapter, StorageOperations } from './storage/adapter.js';
import type { CollectionSchema, StorageSchema } from './storage/collection-schema.js';
import { UnsupportedError, ValidationError, type CrmIssue } from './storage/errors.js';
import { canonicalTimeZone, defaultTimeZone } from './storage/time-zone.js';
import type { CountryCode } from 'libphonenumber-js/min';
import { AnalyticsService } from './services/analytics-service.js';
import { isPhoneRegion } from './services/customer-data/phone-normalization.js';
import { parseActor, systemActor, type Actor } from './services/actor.js';
import { asyncScope } from './services/async-scope.js';
import { ChangeFeed } from './services/change-feed/change-feed.js';
import { changeFeedConsumerModel, changeFeedEntryModel, changeFeedSequenceModel } from './services/change-feed/change-feed-entry.js';
import { changeFeedHook } from './services/change-feed/change-feed-hook.js';
import { ensureFeedSequence } from './services/change-feed/feed-sequence.js';
import { historyEntryModel } from './services/history/history-entry.js';
import { historyHook } from './services/history/history-hook.js';
import { resolveHistoryOptions, type HistoryOptions } from './services/history/history-options.js';
import { builtinModules, type BuiltinModules, type CollectionName } from './services/builtin-modules.js';
import { systemClock, type Clock } from './services/clock.js';
import type { CrmEventName, CrmEvents } from './services/crm-events.js';
import type { AnyCrmModule, EventsOfModules, FacadeFactory, FacadesOfModules, ServiceFactory, ServiceOfModules, ServicesOfModules } from './services/define-module.js';
import { uuidV7Ids, type IdGenerator } from './services/id-generator.js';
import { ModelService } from './services/model-service.js';
import type { ServiceContext } from './services/service-context.js';
import { systemCollection } from './services/system-collection.js';
import { runDataMigrations } from './services/data-migration.js';
import { checkTenancy, storeSettingsModel } from './services/access/store-settings.js';
import { parseTenantId } from './services/access/tenant-id.js';
import { tenantMiddleware } from './services/access/tenant-middleware.js';
import { accessMiddleware } from './services/access/access-middleware.js';
import { parseAccessSubject, type AccessSubject, type AccessSubjectInput } from './services/access/role-definition.js';
import { tenantStorageSchema } from './services/access/tenant-schema.js';
import { composeStorageMiddleware, type StorageMiddleware } from './services/storage-middleware.js';
import { freezeRecords } from './services/freeze-records.js';
import { relatedFilterFallback } from './services/related-filter-fallback.js';
import type { WriteHook } from './services/write-hook.js';

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
export interface CrmOptions<S extends CustomFieldSchemas = CustomFieldSchemas, M extends readonly AnyCrmModule[] = []> {
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
   * The host's own modules, composed after the built-in ones: their
   * collections become crm properties, their events join `crm.events`. A
   * collection or entity name already taken is a `ValidationError`.
   */
  readonly modules?: M;
  /** Run inside the atomic block of every write of every collection, after the modules' hooks (see {@link WriteHook}). */
  readonly writeHooks?: readonly WriteHook[];
  /**
   * Layers every read and write passes through, outside and inside
   * transactions (see {@link StorageMiddleware}); the first is the outermost.
   */
  readonly storageMiddleware?: StorageMiddleware | readonly StorageMiddleware[];
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
  /**
   * Record history per collection (see `docs/history.md`): on for every
   * collection by default; `false` turns it off everywhere, `{ interactions:
   * false }` for one collection, `{ customers: { exclude: ['custom.passwordHash'] } }`
   * keeps a field's values out of it. A collection it does not know is a `ValidationError`.
   */
  readonly history?: HistoryOptions;
  /**
   * The durable change feed (`crm.changes`, see `docs/change-feed.md`): on by
   * default; `false` turns it off (writes append nothing, and take no lock).
   */
  readonly changeFeed?: boolean;
  /**
   * Who the crm's writes are made by unless `crm.withActor` says otherwise;
   * {@link systemActor} by default. An invalid actor is a `ValidationError`.
   */
  readonly actor?: Actor;
  /**
   * The ISO 3166-1 region (`'GB'`) phone numbers without a country code are read in, on
   * writes (`'020 7946 0018'` is stored as `+442079460018`), in filters on `phones` and in
   * `crm.customers.search`. Without it such numbers are refused. An unknown region is a `ValidationError`.
   */
  readonly defaultRegion?: string;
  /**
   * Makes the crm multi-tenant and scopes it to this tenant (1–128
   * characters); `crm.forTenant(id)` gives the same crm scoped to another. Every
   * record carries its tenant (`tenantId`, stamped by the crm, never returned),
   * every index leads with it, and every read and write (reference checks,
   * aggregates, history and the change feed included) reaches only the
   * tenant's records; see `docs/access.md`. A store made without tenancy
   * cannot be opened with it, nor one made with it without it (`MigrationError`, `tenancy_changed`).
   */
  readonly tenant?: string;
}

/**
 * The model services, the same inside and outside a transaction, derived from
 * the built-in modules (`crm.customers`, `crm.deals`, …). The records they
 * return are deeply readonly ({@link ReadonlyRecord}); queries are checked
 * against each model's fields, custom fields of `S` included.
 *
 * @example
 * ```ts
 * async function vipCount(services: CrmServices) {
 *   return services.customers.count(where('tags', 'contains', 'vip'));
 * }
 * ```
 */
export type CrmServices<S extends CustomFieldSchemas = CustomFieldSchemas> = {
  readonly [K in CollectionName]: ServiceOfModules<BuiltinModules, K, CustomOf<S, K>, CustomInputOf<S, K>>;
};

/**
 * The services inside `crm.transaction`: the built-in ones and those of the host's modules `M`.
 *
 * @example
 * ```ts
 * await crm.transaction(async (tx: TransactionServices) => tx.customers.create({ name: 'Ada' }));
 * ```
 */
export type TransactionServices<S extends CustomFieldSchemas = CustomFieldSchemas, M extends readonly AnyCrmModule[] = []> = CrmServices<S> &
  ServicesOfModules<M>;

/**
 * A crm: the services of every module, the event emitter, transactions. Made by {@link createCrm}.
 *
 * @example
 * ```ts
 * const crm: Crm = await createCrm({ adapter: memoryAdapter() });
 * ```
 */
export type Crm<S extends CustomFieldSchemas = CustomFieldSchemas, M extends readonly AnyCrmModule[] = []> = CrmBase<S, M> &
  TransactionServices<S, M> &
  FacadesOfModules<BuiltinModules> &
  FacadesOfModules<M>;

/** What a {@link Crm} has beyond its services. */
export interface CrmBase<S extends CustomFieldSchemas = CustomFieldSchemas, M extends readonly AnyCrmModule[] = []> {
  /** Churn, lifetime value and transaction summaries over the stored purchases. */
  readonly analytics: AnalyticsService;
  /** The typed event emitter; events fire after their write committed. */
  readonly events: Emitter<CrmEvents & EventsOfModules<M>>;
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
  transaction<T>(fn: (tx: TransactionServices<S, M>) => Promise<T>): Promise<T>;
  /** The durable change feed: every committed change in commit order, and named consumers. */
  readonly changes: ChangeFeed;
  /** Who this crm's writes are made by: `createCrm({ actor })`, else {@link systemActor}. */
  readonly actor: Actor;
  /**
   * The same crm (same storage, events, transactions) whose writes are made by
   * `actor`: its events, history entries and change-feed entries record it.
   * An invalid actor is a `ValidationError`.
   *
   * @example
   * ```ts
   * const asGrace = crm.withActor({ kind: 'user', id: 'u_42', name: 'Grace' });
   * await asGrace.customers.update(id, (draft) => { draft.lifecycle = 'customer' });
   * ```
   */
  withActor(actor: Actor): Crm<S, M>;
  /** The tenant this crm is scoped to (`createCrm({ tenant })`, {@link forTenant}); `undefined` without tenancy. */
  readonly tenant: string | undefined;
  /**
   * The same crm (same storage, events, actor) scoped to tenant `id`: its
   * reads see only that tenant's records, its writes make and change only
   * those, its change feed is the tenant's own. A `ValidationError` on a crm
   * made without `createCrm({ tenant })`, or for an invalid id.
   *
   * @example
   * ```ts
   * const crm = await createCrm({ adapter, tenant: 'acme' });
   * const globex = crm.forTenant('globex');
   * await globex.customers.count(); // globex's customers only
   * ```
   */
  forTenant(id: string): Crm<S, M>;
  /**
   * The same crm restricted to what `subject`'s role allows (see
   * `docs/access.md`), its writes made by `subject.actor`: which collections and
   * operations, which records (own, team's, assigned, a partner's, shared),
   * which fields (hidden, masked). The scopes run in the storage's filter, so
   * pages, counts and aggregates are of the records the role reaches; a record
   * outside them reads as not found; a write outside them is a
   * `ForbiddenError` (`forbidden`) and changes nothing. `as` on a restricted
   * crm narrows it further. An invalid subject or role is a `ValidationError`.
   *
   * @example
   * ```ts
   * const rep = crm.as({
   *   actor: { kind: 'user', id: 'u_7' },
   *   role: { name: 'sales rep', grants: [{ collection: 'customers', operations: ['read', 'update'], scopes: [{ kind: 'own' }] }] },
   * });
   * await rep.customers.count(); // the customers u_7 owns
   * ```
   */
  as(subject: AccessSubjectInput): Crm<S, M>;
  /** The subject this crm is restricted to ({@link as}), `undefined` when it is not. */
  readonly subject: AccessSubject | undefined;
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
export async function createCrm<S extends CustomFieldSchemas = CustomFieldSchemas, const M extends readonly AnyCrmModule[] = []>(
  options: CrmOptions<S, M>,
): Promise<Crm<S, M>> {
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
  if (options.defaultRegion !== undefined && !isPhoneRegion(options.defaultRegion)) {
    optionIssues.push({
      code: 'invalid_option',
      path: ['defaultRegion'],
      message: `unknown region ${JSON.stringify(options.defaultRegion)}: give an ISO 3166-1 alpha-2 code such as 'GB'`,
    });
  }
  for (const [name, custom] of Object.entries(options.customFields ?? {})) {
    if (custom !== undefined) optionIssues.push(...customFieldsSchemaIssues(name, custom));
  }
  const modules: readonly AnyCrmModule[] = [...builtinModules, ...(options.modules ?? [])];
  const composed = composeModules(modules, optionIssues);
  if (optionIssues.length > 0) {
    throw new ValidationError(`Invalid createCrm options: ${optionIssues.map((issue) => issue.message).join('; ')}`, optionIssues);
  }
  const customFields = (options.customFields ?? {}) as Readonly<Record<string, CustomFieldsSchema | undefined>>;
  const recordSchemas = new Map<string, z.ZodType>();
  const collections: Record<string, CollectionSchema> = {};
  for (const { name, model } of composed.models) {
    const schema = model.recordSchemaWith(customFields[name]);
    recordSchemas.set(name, schema);
    const fields = fieldCatalogue(schema);
    collections[name] = {
      name,
      fields,
      indexes: [...model.indexes, ...hostUniqueIndexes(name, fields, options.unique?.[name as CollectionName], optionIssues)],
      references: model.references ?? [],
    };
  }
  if (optionIssues.length > 0) {
    throw new ValidationError(`Invalid createCrm options: ${optionIssues.map((issue) => issue.message).join('; ')}`, optionIssues);
  }
  for (const { model, queried } of systemModels) collections[model.collection] = systemCollection(model, queried);
  const tenancy = options.tenant === undefined ? undefined : parseTenantId(options.tenant, ['tenant']);
  // The services check queries against the models' fields; the adapter also stores the tenant.
  const servicesSchema: StorageSchema = { collections };
  const storageSchema: StorageSchema = tenancy === undefined ? servicesSchema : tenantStorageSchema(servicesSchema, globalCollections);
  const referencesTo = new Map<string, { collection: string; field: string }[]>();
  for (const { model } of composed.models) {
    for (const reference of model.references ?? []) {
      const list = referencesTo.get(reference.collection) ?? [];
      list.push({ collection: model.collection, field: reference.field });
      referencesTo.set(reference.collection, list);
    }
  }
  const history = resolveHistoryOptions(options.history, composed.models.map(({ name }) => name));
  const feedOn = options.changeFeed !== false;
  const writeHooks: readonly WriteHook[] = [
    ...(options.history === false ? [] : [historyHook(history, ids)]),
    ...modules.flatMap((module) => module.writeHooks ?? []),
    ...(options.writeHooks ?? []),
    // Last, so the feed's sequence lock is held for as short a time as it can be.
    ...(feedOn ? [changeFeedHook(ids)] : []),
  ];
  const hostMiddleware: readonly StorageMiddleware[] =
    options.storageMiddleware === undefined ? [] : typeof options.storageMiddleware === 'function' ? [options.storageMiddleware] : options.storageMiddleware;
  // Outermost: adapters without related-filter pushdown get the core's streaming evaluation, and the layers below see no related node.
  const relatedFallback: readonly StorageMiddleware[] =
    adapter.capabilities.relatedFilters === true ? [] : [relatedFilterFallback({ keysetAfter: adapter.capabilities.keysetAfter === true, aggregate: adapter.capabilities.aggregate })];
  /**
   * The storage of a scope over `raw` (the adapter or a transaction of it): records frozen outermost (alike on every
   * adapter), then the related-filter fallback, the host's layers, the scope's innermost.
   */
  const wrap = (scope: CrmScope, raw: StorageOperations): StorageOperations =>
    composeStorageMiddleware([freezeRecords, ...relatedFallback, ...hostMiddleware, ...scope.layers])(raw);
  let subjectKeys = 0;
  /** The scope of `tenant` restricted by every one of `subjects` (`crm.as`, nested ones narrowing further). */
  const makeScope = (tenant: string | undefined, subjects: readonly { readonly key: number; readonly layer: StorageMiddleware; readonly subject: AccessSubject }[]): CrmScope => ({
    key: JSON.stringify([tenant ?? null, ...subjects.map((subject) => subject.key)]),
    tenant,
    subjects,
    layers: [...subjects.map((subject) => subject.layer), ...(tenant === undefined ? [] : [tenantMiddleware(tenant, globalCollections)])],
  });
  const rootScope: CrmScope = makeScope(tenancy, []);
  const systemCollections: ReadonlySet<string> = new Set(systemModels.map(({ model }) => model.collection));
  const derivedFields = new Map(composed.models.map(({ name, model }) => [name, Object.keys(model.managedShape ?? {})]));

  await adapter.open(storageSchema);
  await checkTenancy(adapter, Object.keys(storageSchema.collections), tenancy !== undefined, clock.now());
  await runDataMigrations(adapter, modules.flatMap((module) => module.migrations ?? []), clock.now());
  // Under tenancy each tenant's sequence record is made by its first write.
  if (feedOn && tenancy === undefined) await ensureFeedSequence(wrap(rootScope, adapter), clock.now());
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

  type AnyServices = Readonly<Record<string, ModelService<any, any>>>;
  /** The services bound to `context`, each seeing the others as `context.services`. */
  const makeServices = (context: Omit<ServiceContext, 'services'>): AnyServices => {
    const services: Record<string, ModelService<any, any>> = {};
    const bound = Object.create(context, { services: { value: services, enumerable: true } }) as ServiceContext;
    for (const { name, model, factory } of composed.models) {
      services[name] = factory.create(bound, model, recordSchemas.get(name)!);
    }
    return services;
  };

  const baseContext = {
    adapter,
    schema: servicesSchema,
    clock,
    timeZone: timeZone!,
    defaultRegion: options.defaultRegion as CountryCode | undefined,
    ids,
    writeHooks,
    referencesTo: (collection: string) => referencesTo.get(collection) ?? [],
  };
  type BoundContext = Omit<ServiceContext, 'services'>;
  /** An open transaction: its raw storage, its event queue, and the scope and services it was opened with. */
  interface OpenTransaction {
    readonly raw: StorageOperations;
    readonly scope: CrmScope;
    readonly context: BoundContext;
    readonly services: AnyServices;
    /** Contexts of other scopes (another tenant, a restricted actor) joining it, by scope key. */
    readonly joined: Map<string, BoundContext>;
  }
  // The open transaction of the current async call chain, if any: a root service
  // called inside `crm.transaction` joins it rather than waiting for it to end.
  const openTransaction = asyncScope<OpenTransaction>();

  /** The services of a transaction's context, each seeing the others and the transaction. */
  const transactionServices = (context: Omit<BoundContext, 'transaction'>): AnyServices => {
    const services = makeServices({ ...context, transaction: (inner) => inner(services) });
    return services;
  };

  /** The context of `scope` inside the open transaction `open`: its own storage over the same transaction. */
  const joinedContext = (open: OpenTransaction, scope: CrmScope): BoundContext => {
    if (open.scope.key === scope.key) return open.context;
    let context = open.joined.get(scope.key);
    if (context === undefined) {
      const storage = wrap(scope, open.raw);
      context = { ...open.context, tenant: scope.tenant, storage, atomically: (inner) => inner(storage) };
      open.joined.set(scope.key, context);
    }
    return context;
  };

  /** `crm.transaction` of `scope` for writes made by `actor`. */
  const transactionAs = async <T>(scope: CrmScope, actor: Actor, fn: (tx: AnyServices) => Promise<T>): Promise<T> => {
    const joined = openTransaction.current();
    if (joined !== undefined) {
      // Nested: part of the enclosing transaction, its writes still made by this actor, in this scope.
      if (joined.scope.key === scope.key && joined.context.actor === actor) return fn(joined.services);
      const context: BoundContext = { ...joinedContext(joined, scope), actor };
      const services = transactionServices(context);
      return openTransaction.run({ ...joined, scope, context: { ...context, transaction: (inner) => inner(services) }, services }, () => fn(services));
    }
    if (!adapter.capabilities.transactions) {
      throw new UnsupportedError(`the ${adapter.name} adapter does not support transactions`);
    }
    const queued: [CrmEventName, unknown][] = [];
    const result = await adapter.transaction((raw: StorageOperations) => {
      queued.length = 0; // an adapter may retry the function; keep only the last run's events
      const storage = wrap(scope, raw);
      const context: BoundContext = {
        ...baseContext,
        actor,
        tenant: scope.tenant,
        forActor: (other: Actor) => bindActor(scope, other).context,
        storage,
        inTransaction: true,
        emit: (name, payload) => void queued.push([name, payload]),
        atomically: (inner) => inner(storage),
        // Inside the transaction, with or without async context tracking: run in it.
        transaction: (inner) => inner(services),
      };
      const services = makeServices(context);
      return openTransaction.run({ raw, scope, context, services, joined: new Map() }, () => fn(services));
    });
    for (const [name, payload] of queued) deliver(name, payload as CrmEvents[typeof name]);
    return result;
  };

  /** The services and `transaction` of `scope` for writes made by `actor`. */
  const bindActor = (
    scope: CrmScope,
    actor: Actor,
  ): { services: AnyServices; context: ServiceContext; transaction: <T>(fn: (tx: AnyServices) => Promise<T>) => Promise<T> } => {
    const adapterStorage = wrap(scope, adapter);
    const adapterContext: BoundContext = {
      ...baseContext,
      actor,
      tenant: scope.tenant,
      forActor: (other: Actor) => bindActor(scope, other).context,
      storage: adapterStorage,
      inTransaction: false,
      emit: deliver,
      atomically: (fn) => (adapter.capabilities.transactions ? adapter.transaction((storage) => fn(wrap(scope, storage))) : fn(adapterStorage)),
      transaction: (fn) => transactionAs(scope, actor, fn),
    };
    /** Where a root service's call runs: the open transaction (in this scope, as this actor), else the adapter. */
    const active = (): BoundContext => {
      const joined = openTransaction.current();
      return joined === undefined ? adapterContext : joinedContext(joined, scope);
    };
    const rootContext: BoundContext = {
      ...baseContext,
      actor,
      tenant: scope.tenant,
      forActor: (other: Actor) => bindActor(scope, other).context,
      get storage() {
        return active().storage;
      },
      get inTransaction() {
        return active().inTransaction;
      },
      emit: (name, payload) => active().emit(name, payload),
      atomically: (fn) => active().atomically(fn),
      transaction: (fn) => transactionAs(scope, actor, fn),
    };
    const services = makeServices(rootContext);
    const context = Object.create(rootContext, { services: { value: services, enumerable: true } }) as ServiceContext;
    return { services, context, transaction: (fn) => transactionAs(scope, actor, fn) };
  };

  /**
   * The change feed of `scope`: under tenancy, the tenant's own entries and sequence. It reads and
   * appends where the scope's services do (the open transaction, else the adapter); entries carry
   * each write's own actor, so the feed is one per scope, whoever reads it.
   */
  const changesOf = (scope: CrmScope): ChangeFeed => {
    const { context } = bindActor(scope, systemActor);
    return new ChangeFeed({
      adapter,
      clock,
      ids,
      tenant: scope.tenant,
      get storage() {
        return context.storage;
      },
      atomically: (fn) => context.atomically(fn),
    });
  };
  const defaultActor = options.actor === undefined ? systemActor : parseActor(options.actor, ['actor']);
  const feeds = new Map<string, ChangeFeed>();
  const facade = (scope: CrmScope, actor: Actor): Crm<S, M> => {
    const { services, context, transaction } = bindActor(scope, actor);
    const facades = Object.fromEntries(composed.facades.map(({ name, factory }) => [name, factory.create(context)]));
    let changes = feeds.get(scope.key);
    if (changes === undefined) feeds.set(scope.key, (changes = changesOf(scope)));
    return {
      ...services,
      ...facades,
      analytics: new AnalyticsService(services.interactions as never, () => clock.now(), services.customers as never),
      events,
      adapter,
      schema: storageSchema,
      clock,
      timeZone: timeZone!,
      actor,
      tenant: scope.tenant,
      withActor: (next: unknown) => facade(scope, parseActor(next, ['actor'])),
      forTenant: (id: unknown) => {
        if (tenancy === undefined) {
          throw new ValidationError('forTenant needs a multi-tenant crm: createCrm({ tenant })', [
            { code: 'invalid_option', path: ['tenant'], message: 'this crm was made without tenancy' },
          ]);
        }
        return facade(makeScope(parseTenantId(id, ['tenant']), scope.subjects), actor);
      },
      as: (input: unknown) => {
        const subject = parseAccessSubject(input, ['subject']);
        const layer = accessMiddleware(subject, servicesSchema, systemCollections, derivedFields, () => clock.now());
        return facade(makeScope(scope.tenant, [...scope.subjects, { key: ++subjectKeys, layer, subject }]), subject.actor);
      },
      subject: scope.subjects.at(-1)?.subject,
      changes,
      transaction,
      close: () => adapter.close(),
    } as unknown as Crm<S, M>;
  };
  return facade(rootScope, defaultActor);
}

/**
 * The collections the crm keeps for itself: record history and the change
 * feed. They are in the storage schema (so every adapter stores them and
 * migrates them like any other) but have no crm service and run no write hooks.
 */
const systemModels = [
  { model: historyEntryModel, queried: ['collection', 'recordId', 'at', 'recordVersion'] },
  // collection: a restricted crm (crm.as) reads the entries of the collections its role reads whole.
  { model: changeFeedEntryModel, queried: ['sequence', 'at', 'collection'] },
  { model: changeFeedSequenceModel, queried: [] },
  { model: changeFeedConsumerModel, queried: [] },
  { model: storeSettingsModel, queried: [] },
] as const;

/** The collections that belong to the whole store, not to a tenant. */
const globalCollections: ReadonlySet<string> = new Set([storeSettingsModel.collection]);

/**
 * What a crm's services are confined to: under tenancy, one tenant. Its
 * `layers` are storage middleware installed innermost (next to the adapter);
 * two scopes with the same `key` confine the same way.
 */
interface CrmScope {
  readonly key: string;
  readonly tenant: string | undefined;
  readonly subjects: readonly { readonly key: number; readonly layer: StorageMiddleware; readonly subject: AccessSubject }[];
  readonly layers: readonly StorageMiddleware[];
}

/** The models of the modules with their service factories; name clashes go to `issues`. */
function composeModules(
  modules: readonly AnyCrmModule[],
  issues: CrmIssue[],
): { models: { name: string; model: DefinedModel; factory: ServiceFactory }[]; facades: { name: string; factory: FacadeFactory }[] } {
  const facades: { name: string; factory: FacadeFactory }[] = [];
  const plain: ServiceFactory = { create: (context, model, schema) => new ModelService(context, model, schema) };
  const models: { name: string; model: DefinedModel; factory: ServiceFactory }[] = [];
  const moduleNames = new Set<string>();
  const entities = new Map<string, string>();
  const taken = new Map<string, string>();
  const reserved = new Set([...systemModels.map(({ model }) => model.collection), 'analytics', 'events', 'adapter', 'schema', 'clock', 'timeZone', 'actor', 'withActor', 'transaction', 'close', 'changes', 'tenant', 'forTenant', 'as', 'subject']);
  modules.forEach((module, index) => {
    if (moduleNames.has(module.name)) {
      issues.push({ code: 'duplicate_module', path: ['modules', index, 'name'], message: `two modules are named ${JSON.stringify(module.name)}` });
    }
    moduleNames.add(module.name);
    for (const [name, model] of Object.entries(module.models as Record<string, DefinedModel>)) {
      const path = ['modules', index, 'models', name];
      if (model.collection !== name) {
        issues.push({ code: 'invalid_module', path, message: `module ${module.name} lists model ${model.collection} as ${JSON.stringify(name)}` });
      }
      if (reserved.has(name) || taken.has(name)) {
        issues.push({
          code: 'duplicate_collection',
          path,
          message: `collection ${JSON.stringify(name)} of module ${module.name} is taken by ${taken.get(name) ?? 'the crm itself'}`,
        });
      }
      if (entities.has(model.entity)) {
        issues.push({ code: 'duplicate_collection', path: [...path, 'entity'], message: `entity ${JSON.stringify(model.entity)} is taken by ${entities.get(model.entity)}` });
      }
      taken.set(name, `module ${module.name}`);
      entities.set(model.entity, `module ${module.name}`);
      const factory = (module.services as Record<string, ServiceFactory | undefined> | undefined)?.[name] ?? plain;
      models.push({ name, model, factory });
    }
    for (const [name, factory] of Object.entries((module.facades ?? {}) as Record<string, FacadeFactory>)) {
      if (reserved.has(name) || taken.has(name)) {
        issues.push({
          code: 'duplicate_collection',
          path: ['modules', index, 'facades', name],
          message: `crm property ${JSON.stringify(name)} of module ${module.name} is taken by ${taken.get(name) ?? 'the crm itself'}`,
        });
      }
      taken.set(name, `module ${module.name}`);
      facades.push({ name, factory });
    }
  });
  return { models, facades };
}
