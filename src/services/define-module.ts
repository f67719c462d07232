import type * as z from 'zod';
import type { ModelDefinition } from '../schema/model-definition.js';
import type { RecordBase } from '../schema/record-base.js';
import type { DefinedModel, ModelInput, ModelRecord } from '../schema/define-model.js';
import type { CreatedEvent, DeletedEvent, UpdatedEvent } from './crud-events.js';
import type { ModelService } from './model-service.js';
import type { ReadonlyRecord } from './readonly-record.js';
import type { ServiceContext } from './service-context.js';
import type { DataMigration } from './data-migration.js';
import type { WriteHook } from './write-hook.js';

/**
 * A service type with the custom field types left open, so a module can say
 * "my `deals` service is `DealService<C>`" for whatever custom fields `C` the
 * host declares (a type-level function: `this['custom']` is filled in later).
 *
 * @example
 * ```ts
 * interface DealServiceTypes extends ServiceTypes {
 *   readonly service: DealService<this['custom']>;
 * }
 * ```
 */
export interface ServiceTypes {
  /** The host's custom fields of the collection, as stored. */
  readonly custom: unknown;
  /** The host's custom fields of the collection, as create accepts them. */
  readonly customInput: unknown;
  /** The service type, in terms of `this['custom']` and `this['customInput']`. */
  readonly service: unknown;
}

/** The service type `L` gives for custom fields `C` (stored) and `CI` (input). */
export type ApplyServiceTypes<L extends ServiceTypes, C, CI> = (L & { readonly custom: C; readonly customInput: CI })['service'];

/**
 * Makes one collection's service. `context` is bound to the storage the
 * service runs on (the adapter, or an open transaction) and carries the
 * sibling services bound to the same storage (`context.services`).
 *
 * @example
 * ```ts
 * const factory: ServiceFactory = { create: (context, model, schema) => new ModelService(context, model, schema) };
 * ```
 */
export interface ServiceFactory<L extends ServiceTypes = ServiceTypes> {
  /** Makes the service. */
  create(context: ServiceContext, model: DefinedModel, schema: z.ZodType): ModelService<any, any>;
  /** Type only: the service's type as a function of the custom fields. */
  readonly types?: L;
}

/**
 * A {@link ServiceFactory} with its service type: `create` makes the
 * service, `L` says its type for any custom fields.
 *
 * @example
 * ```ts
 * const deals = serviceFactory<DealServiceTypes>((context, model, schema) => new DealService(context, model, schema));
 * ```
 */
export function serviceFactory<L extends ServiceTypes>(create: ServiceFactory['create']): ServiceFactory<L> {
  return { create };
}

/**
 * Type only: the domain events a module emits, beyond `<entity>.created` / `.updated` / `.deleted`.
 *
 * @example
 * ```ts
 * const events: EventTypes<{ 'note.pinned': { id: string } }> = eventTypes();
 * ```
 */
export interface EventTypes<E> {
  /** Never set; carries `E`. */
  readonly events?: E;
}

/**
 * Declares a module's domain events for the crm's event map.
 *
 * @example
 * ```ts
 * defineModule({ name: 'pipelines', models, events: eventTypes<{ 'deal.stageChanged': DealStageChangedEvent }>() });
 * ```
 */
export function eventTypes<E extends object>(): EventTypes<E> {
  return {};
}

/**
 * Makes one of a module's crm-level properties that is not a collection
 * (`crm.consent`, `crm.privacy`, `crm.imports`): an object built from the
 * crm's root context, whose `services` are every service of the crm (a call
 * inside `crm.transaction` joins it). It is made once per actor
 * (`crm.withActor`), so what it writes records that actor.
 *
 * @example
 * ```ts
 * const consent: FacadeFactory<ConsentFacade> = facadeFactory((context) => new ConsentFacade(context));
 * ```
 */
export interface FacadeFactory<T = unknown> {
  /** Makes the property's value. */
  create(context: ServiceContext): T;
}

/**
 * A {@link FacadeFactory} from its `create` function.
 *
 * @example
 * ```ts
 * defineModule({ name: 'consent', models, facades: { consent: facadeFactory((context) => new ConsentFacade(context)) } });
 * ```
 */
export function facadeFactory<T>(create: (context: ServiceContext) => T): FacadeFactory<T> {
  return { create };
}

/**
 * A module: the models it contributes (keyed by collection name, which is also
 * the crm's property), a service per collection where the plain
 * {@link ModelService} is not enough, its domain events, and write hooks run in
 * the atomic block of every write. `createCrm` composes the built-in modules
 * and the host's (`createCrm({ modules })`). See `docs/modules.md`.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ adapter, modules: [notesModule] }); // crm.notes, 'note.*' events
 * ```
 */
export interface CrmModule<
  Models extends Readonly<Record<string, DefinedModel<any>>> = Readonly<Record<string, DefinedModel<any>>>,
  Services extends { readonly [K in keyof Models]?: ServiceFactory<any> } = {},
  Events extends object = {},
  Facades extends { readonly [name: string]: FacadeFactory<any> } = {},
> {
  /** The module's name, unique among the crm's modules: `pipelines`. */
  readonly name: string;
  /** The models, keyed by their collection name. */
  readonly models: Models;
  /** Services for some of the collections; the others get a plain {@link ModelService}. */
  readonly services?: Services;
  /** Type only: the module's domain events (see {@link eventTypes}). */
  readonly events?: EventTypes<Events>;
  /** Run in the atomic block of every write of every collection (see {@link WriteHook}). */
  readonly writeHooks?: readonly WriteHook[];
  /** crm-level properties that are not collections (`crm.consent`), by name (see {@link FacadeFactory}). */
  readonly facades?: Facades;
  /** Rewrites of stored data run when the crm opens (see {@link DataMigration}). */
  readonly migrations?: readonly DataMigration[];
}

/**
 * Defines a module (see {@link CrmModule}). Adding a model to the crm is one
 * module folder under `src/services/` and one line in `builtin-modules.ts`, or
 * one `createCrm({ modules: [...] })` entry for a host's own.
 *
 * @example
 * ```ts
 * export const notesModule = defineModule({
 *   name: 'notes',
 *   models: { notes: noteModel },
 *   services: { notes: serviceFactory<NoteServiceTypes>((context, model, schema) => new NoteService(context, model, schema)) },
 *   events: eventTypes<{ 'note.pinned': { id: string } }>(),
 * });
 * ```
 */
export function defineModule<
  const Models extends Readonly<Record<string, DefinedModel<any>>>,
  const Services extends { readonly [K in keyof Models]?: ServiceFactory<any> } = {},
  Events extends object = {},
  const Facades extends { readonly [name: string]: FacadeFactory<any> } = {},
>(module: CrmModule<Models, Services, Events, Facades>): CrmModule<Models, Services, Events, Facades> {
  return module;
}

/**
 * Any module.
 *
 * @example
 * ```ts
 * const modules: readonly AnyCrmModule[] = [...builtinModules, notesModule];
 * ```
 */
export type AnyCrmModule = CrmModule<any, any, any, any>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * Every model of the modules `M`, keyed by collection.
 *
 * @example
 * ```ts
 * type Note = ModelsOfModules<[typeof notesModule]>['notes'];
 * ```
 */
export type ModelsOfModules<M extends readonly AnyCrmModule[]> = UnionToIntersection<M[number]['models']>;

/**
 * The collections of the modules `M`.
 *
 * @example
 * ```ts
 * type Names = CollectionsOfModules<BuiltinModules>; // 'customers' | 'interactions' | …
 * ```
 */
export type CollectionsOfModules<M extends readonly AnyCrmModule[]> = Extract<keyof ModelsOfModules<M>, string>;

type ServiceFactoriesOf<M extends readonly AnyCrmModule[]> = UnionToIntersection<
  M[number] extends infer U ? (U extends AnyCrmModule ? NonNullable<U['services']> : never) : never
>;

type ModelOf<M extends readonly AnyCrmModule[], K> = Extract<ModelsOfModules<M>[K & keyof ModelsOfModules<M>], ModelDefinition>;

/**
 * The service of collection `K` of the modules `M` for custom fields `C` / `CI`:
 * the module's own service type, else a {@link ModelService} over the model's
 * derived record and input types.
 */
export type ServiceOfModules<M extends readonly AnyCrmModule[], K extends string, C, CI> = K extends keyof ServiceFactoriesOf<M>
  ? ServiceFactoriesOf<M>[K] extends { readonly types?: infer L extends ServiceTypes }
    ? ApplyServiceTypes<L, C, CI>
    : never
  : ReadonlyRecord<ModelRecord<ModelOf<M, K>, C>> extends infer R extends RecordBase
    ? ModelService<R, ModelInput<ModelOf<M, K>, CI>>
    : never;

/**
 * The services of the modules `M`, custom fields as free JSON.
 *
 * @example
 * ```ts
 * type Notes = ServicesOfModules<[typeof notesModule]>['notes']; // NoteService
 * ```
 */
export type ServicesOfModules<M extends readonly AnyCrmModule[]> = {
  readonly [K in CollectionsOfModules<M>]: ServiceOfModules<M, K, Record<string, unknown>, Record<string, unknown>>;
};

/** The record type per entity name of the modules `M`, as events carry them. */
export type EntityRecordsOfModules<M extends readonly AnyCrmModule[]> = {
  [K in CollectionsOfModules<M> as ModelOf<M, K>['entity']]: ModelRecord<ModelOf<M, K>>;
};

/** `<entity>.created`, `.updated`, `.deleted` for every entity of `E`. */
export type CrudEventsOf<E> = { [K in Extract<keyof E, string> as `${K}.created`]: CreatedEvent<E[K]> } & {
  [K in Extract<keyof E, string> as `${K}.updated`]: UpdatedEvent<E[K]>;
} & { [K in Extract<keyof E, string> as `${K}.deleted`]: DeletedEvent<E[K]> };

/** The domain events the modules `M` declare. */
export type DomainEventsOfModules<M extends readonly AnyCrmModule[]> = UnionToIntersection<
  M[number] extends infer U ? (U extends CrmModule<any, any, infer E> ? E : never) : never
>;

/**
 * The crm-level properties the modules `M` contribute beside their collections, by name.
 *
 * @example
 * ```ts
 * type Consent = FacadesOfModules<BuiltinModules>['consent']; // ConsentFacade
 * ```
 */
export type FacadesOfModules<M extends readonly AnyCrmModule[]> = UnionToIntersection<
  M[number] extends infer U
    ? U extends CrmModule<any, any, any, infer F>
      ? { readonly [K in keyof F]: F[K] extends FacadeFactory<infer T> ? T : never }
      : never
    : never
>;

/**
 * Every event of the modules `M`: the CRUD events of their entities and their domain events.
 *
 * @example
 * ```ts
 * type Pinned = EventsOfModules<[typeof notesModule]>['note.pinned'];
 * ```
 */
export type EventsOfModules<M extends readonly AnyCrmModule[]> = CrudEventsOf<EntityRecordsOfModules<M>> & DomainEventsOfModules<M>;
