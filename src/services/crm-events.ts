import type { BuiltinModules } from './builtin-modules.js';
import type { EntityRecordsOfModules, EventsOfModules } from './define-module.js';

export type { CreatedEvent, DeletedEvent, UpdatedEvent } from './crud-events.js';
export type { DealStageChangedEvent } from './pipelines/deal-stage-changed-event.js';

/**
 * The record type of each entity of the built-in modules, as events carry them.
 *
 * @example
 * ```ts
 * type Stored = EntityRecords['customer']; // a customer record
 * ```
 */
export type EntityRecords = EntityRecordsOfModules<BuiltinModules>;

/** One of the entity names events are prefixed with. */
export type EntityName = keyof EntityRecords;

/**
 * Every event `crm.events` emits, with its payload, derived from the modules:
 * `<entity>.created`, `<entity>.updated`, `<entity>.deleted` for every model,
 * and the modules' domain events such as `deal.stageChanged`. Events are
 * emitted only after the write committed; inside `crm.transaction` they wait
 * for the commit.
 *
 * @example
 * ```ts
 * crm.events.on('customer.updated', ({ record, patches }) => audit.write(record.id, patches));
 * crm.events.on('deal.stageChanged', ({ deal, toStageId }) => notify(deal.ownerId, toStageId));
 * ```
 */
export type CrmEvents = EventsOfModules<BuiltinModules>;

/** The name of one of {@link CrmEvents}. */
export type CrmEventName = keyof CrmEvents;
