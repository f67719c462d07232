import * as z from 'zod';
import { defineModel, type ModelRecord } from '../../schema/define-model.js';
import type { CrmAdapter } from '../../storage/adapter.js';
import { MigrationError } from '../../storage/errors.js';
import type { StoredRecord } from '../../storage/stored-record.js';

/**
 * The model of the `storeSettings` collection: what the crm records about the
 * store itself, whatever the tenant: whether the store was made multi-tenant
 * (`id: 'tenancy'`), and each run-once data migration that completed
 * (`id: 'migration:<name>'`, with `completedAt`).
 *
 * @example
 * ```ts
 * storeSettingsModel.collection; // 'storeSettings'
 * ```
 */
export const storeSettingsModel = defineModel({
  collection: 'storeSettings',
  entity: 'storeSetting',
  shape: { tenancy: z.boolean().optional(), completedAt: z.date().optional() },
  indexes: [],
});

/** The stored record of {@link storeSettingsModel}. */
export type StoreSetting = ModelRecord<typeof storeSettingsModel>;

/** The id of the settings record saying whether the store is multi-tenant. */
const tenancySettingId = 'tenancy';

/**
 * Checks that the store's tenancy is the crm's: a store made multi-tenant
 * (`createCrm({ tenant })`) opens only multi-tenant, and one made without
 * tenancy only without (its records carry no tenant, so turning it on would
 * hide them all; turning it off would mix every tenant's). A store made before
 * this record existed, with records in it, was made without tenancy. Refused
 * with `MigrationError` (`tenancy_changed`) before any record is read or
 * written; on a new store it records the crm's tenancy. Reads the adapter
 * directly, after `open`.
 *
 * @example
 * ```ts
 * await checkTenancy(adapter, Object.keys(schema.collections), true, clock.now());
 * ```
 */
export async function checkTenancy(adapter: CrmAdapter, collections: readonly string[], tenancy: boolean, now: Date): Promise<void> {
  const [stored] = await adapter.getMany(storeSettingsModel.collection, [tenancySettingId]);
  let recorded = (stored as unknown as StoreSetting | undefined)?.tenancy;
  if (recorded === undefined) {
    for (const collection of collections) {
      if (collection === storeSettingsModel.collection) continue;
      const [any] = await adapter.find(collection, { sort: [{ field: 'id', direction: 'asc' }], limit: 1 });
      if (any !== undefined) {
        recorded = false;
        break;
      }
    }
  }
  if (recorded !== undefined && recorded !== tenancy) {
    throw new MigrationError(
      'tenancy_changed',
      recorded
        ? 'the store is multi-tenant: open it with createCrm({ tenant }), a crm without a tenant would see every tenant\'s records'
        : 'the store was made without tenancy: its records belong to no tenant, so it cannot be opened with createCrm({ tenant }); copy them into a new multi-tenant store',
    );
  }
  if (stored === undefined) {
    const record: StoreSetting = { id: tenancySettingId, createdAt: now, updatedAt: now, version: 1, tenancy, custom: {} };
    // Another process may record it at the same moment: its id_taken conflict is as good as success.
    await adapter.insertMany(storeSettingsModel.collection, [record as unknown as StoredRecord]);
  }
}
