import type { CrmAdapter, StorageOperations } from '../storage/adapter.js';
import type { StoredRecord } from '../storage/stored-record.js';
import { storeSettingsModel } from './access/store-settings.js';

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
  /**
   * Run it until it has completed once on a store, then never again: for a
   * migration that has to read every record (no index finds what is left).
   * The crm records its completion by name in `storeSettings`
   * (`migration:<name>`); a later version of the rewrite takes a new name.
   */
  readonly once?: boolean;
}

/**
 * Runs `migrations` in order on the adapter's own storage, as `createCrm` does
 * right after `open`: each one every time, but a `once` migration only until
 * its completion is recorded. A migration that throws stops the open and is
 * not recorded, so it runs again at the next open.
 *
 * @example
 * ```ts
 * await runDataMigrations(adapter, [caseStatusMigration, searchKeysMigration], new Date());
 * ```
 */
export async function runDataMigrations(adapter: CrmAdapter, migrations: readonly DataMigration[], now: Date): Promise<void> {
  for (const migration of migrations) {
    const id = `migration:${migration.name}`;
    if (migration.once === true && (await adapter.getMany(storeSettingsModel.collection, [id]))[0] !== undefined) continue;
    await migration.run(adapter, { now });
    if (migration.once !== true) continue;
    const record = { id, createdAt: now, updatedAt: now, version: 1, completedAt: now, custom: {} };
    // Another process may record it at the same moment: its id_taken conflict is as good as success.
    await adapter.insertMany(storeSettingsModel.collection, [record as unknown as StoredRecord]);
  }
}
