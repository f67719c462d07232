import type { Customer } from '../../schema/customer.js';
import type { Actor } from '../actor.js';

/**
 * The payload of `customer.merged`: the merge's id (for `unmerge`), the
 * survivor as it is after the merge, the losers' ids, and who merged.
 *
 * @example
 * ```ts
 * crm.events.on('customer.merged', ({ mergeId, survivor, loserIds }) => audit(mergeId, survivor.id, loserIds));
 * ```
 */
export interface CustomerMergedEvent {
  readonly mergeId: string;
  readonly survivor: Customer;
  readonly loserIds: readonly string[];
  readonly actor: Actor;
}

/**
 * The payload of `customer.unmerged`: the merge undone, the survivor and the restored losers' ids.
 *
 * @example
 * ```ts
 * crm.events.on('customer.unmerged', ({ mergeId, loserIds }) => audit(mergeId, loserIds));
 * ```
 */
export interface CustomerUnmergedEvent {
  readonly mergeId: string;
  readonly survivorId: string;
  readonly loserIds: readonly string[];
  readonly actor: Actor;
}
