import type { CountryCode } from 'libphonenumber-js/min';
import type { CrmAdapter, StorageOperations } from '../storage/adapter.js';
import type { Actor } from './actor.js';
import type { StorageSchema } from '../storage/collection-schema.js';
import type { Clock } from './clock.js';
import type { CrmEventName, CrmEvents } from './crm-events.js';
import type { IdGenerator } from './id-generator.js';
import type { ModelService } from './model-service.js';
import type { WriteHook } from './write-hook.js';

/**
 * What every service shares: the storage to use (the adapter, or a transaction
 * of it), the clock, the id generator, the storage schema, and where events go.
 * Inside a transaction `emit` holds events back until the commit.
 */
export interface ServiceContext {
  /** The adapter, for its capabilities. */
  readonly adapter: CrmAdapter;
  /** Where reads and writes go: the adapter itself or the open transaction. */
  readonly storage: StorageOperations;
  /** True inside `crm.transaction`. */
  readonly inTransaction: boolean;
  /** The collections and their filterable fields. */
  readonly schema: StorageSchema;
  /** The crm's clock. */
  readonly clock: Clock;
  /** The crm's IANA time zone (canonical name, `'UTC'` by default) for relative dates and calendar buckets. */
  readonly timeZone: string;
  /** The region phone numbers without a country code are read in (`createCrm({ defaultRegion })`), if any. */
  readonly defaultRegion?: CountryCode | undefined;
  /** The crm's id generator. */
  readonly ids: IdGenerator;
  /** Who makes this service's writes (`createCrm({ actor })`, `crm.withActor`); events, history and the change feed record it. */
  readonly actor: Actor;
  /** The tenant every read and write is scoped to (`createCrm({ tenant })`, `crm.forTenant`); `undefined` without tenancy. */
  readonly tenant?: string | undefined;
  /** The fields of other collections (or this one) that hold ids of `collection`'s records. */
  referencesTo(collection: string): readonly { readonly collection: string; readonly field: string }[];
  /** Emits (or, in a transaction, queues) an event. */
  emit<K extends CrmEventName>(name: K, payload: CrmEvents[K]): void;
  /**
   * Runs `fn` atomically when the adapter can, else directly, with the storage
   * of the block (passed through the crm's storage middleware). Used for every write.
   */
  atomically<T>(fn: (storage: StorageOperations) => Promise<T>): Promise<T>;
  /**
   * Every service of the crm, bound to the same storage as the service holding
   * this context (inside a transaction: to that transaction). A module's
   * service reaches its siblings here, so what it writes through them is
   * validated and emits events, and is atomic when run in {@link transaction}.
   */
  readonly services: Readonly<Record<string, ModelService<any, any>>>;
  /**
   * Runs `fn` with services whose writes commit together (see
   * `crm.transaction`); inside a transaction, `fn` runs in it.
   */
  transaction<T>(fn: (services: Readonly<Record<string, ModelService<any, any>>>) => Promise<T>): Promise<T>;
  /** The hooks run inside the atomic block of every write (see {@link WriteHook}). */
  readonly writeHooks: readonly WriteHook[];
  /**
   * The same crm's context for writes made by another actor (an automation
   * run writing as itself); inside a transaction it joins it.
   */
  forActor(actor: Actor): ServiceContext;
}
