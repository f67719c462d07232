import type { StorageOperations } from '../storage/adapter.js';

/**
 * A module's rewrite of stored data for a change of its model that the
 * storage layout cannot express: a renamed value of a closed vocabulary, say.
 * `createCrm` runs every module's migrations, in order, right after the
 * adapter opened and before any service is used, on the adapter's own storage
 * (no storage middleware, no validation, no events, no write hooks). A
 * migration must be idempotent and cheap when there is nothing left to do
 * (find the records still to rewrite through an index): it runs at every
 * open, on every adapter. It returns how many records it rewrote.
 *
 * @example
 * ```ts
 * const renameStatus: DataMigration = {
 *   name: 'cases: pending → pending_customer',
 *   async run(storage) {
 *     const stale = await storage.find('cases', { filter: { field: 'status', op: 'eq', value: 'pending' }, sort: [{ field: 'id', direction: 'asc' }] });
 *     const outcomes = await storage.updateMany('cases', stale.map((r) => ({ record: { ...r, status: 'pending_customer', version: r.version + 1 }, expectedVersion: r.version })));
 *     return outcomes.filter((o) => o.ok).length;
 *   },
 * };
 * ```
 */
export interface DataMigration {
  /** What it does, for people reading logs. */
  readonly name: string;
  /** Rewrites what needs it; returns the number of records rewritten. */
  run(storage: StorageOperations, context: { readonly now: Date }): Promise<number>;
}
