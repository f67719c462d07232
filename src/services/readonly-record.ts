import type { Immutable } from 'immer';

/**
 * A record as the services hand it out: deeply readonly (arrays become
 * `readonly` arrays, nested objects get `readonly` properties; `Date`s stay
 * `Date`s). Change a record with an update recipe, whose immer `Draft` is
 * mutable again. The memory adapter returns frozen records, so mutating one
 * would throw there; the types say so for every adapter.
 *
 * @example
 * ```ts
 * const ada = await crm.customers.get(id); // ReadonlyRecord<Customer>
 * ada.tags.push('vip'); // compile error: 'push' does not exist on readonly string[]
 * await crm.customers.update(id, (draft) => { draft.tags.push('vip') }); // the draft is mutable
 * ```
 */
export type ReadonlyRecord<R> = Immutable<R>;
