import type { Patch } from 'immer';
import type { Actor } from './actor.js';

/**
 * Emitted after a record was created and the write committed.
 *
 * @example
 * ```ts
 * crm.events.on('customer.created', ({ record }: CreatedEvent<Customer>) => welcome(record));
 * ```
 */
export interface CreatedEvent<R> {
  /** The record as stored. */
  readonly record: R;
  /** Who created it. */
  readonly actor: Actor;
}

/**
 * Emitted after a record was updated and the write committed.
 *
 * @example
 * ```ts
 * crm.events.on('deal.updated', ({ patches }) => audit(patches));
 * ```
 */
export interface UpdatedEvent<R> {
  /** The record as stored now. */
  readonly record: R;
  /** The record as it was. */
  readonly previous: R;
  /** The immer patches the recipe produced (paths into the record); drive audit history from these. */
  readonly patches: readonly Patch[];
  /** The patches that undo the change. */
  readonly inversePatches: readonly Patch[];
  /** Who updated it. */
  readonly actor: Actor;
}

/**
 * Emitted after a record was deleted and the write committed.
 *
 * @example
 * ```ts
 * crm.events.on('case.deleted', ({ id }) => forget(id));
 * ```
 */
export interface DeletedEvent<R> {
  /** The id of the deleted record. */
  readonly id: string;
  /** The record as it was. */
  readonly previous: R;
  /** Who deleted it. */
  readonly actor: Actor;
}
