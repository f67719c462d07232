import type { CollectionSchema, IndexDefinition, StorageSchema } from '../../storage/collection-schema.js';
import { tenantIdMaxLength } from './tenant-id.js';

/**
 * The field every record carries when the crm is multi-tenant: the id of the
 * tenant it belongs to, stamped by the tenant middleware on every write.
 *
 * @example
 * ```ts
 * tenantField; // 'tenantId'
 * ```
 */
export const tenantField = 'tenantId';

/**
 * The suffix of a tenant-led index's name. A tenant-led index has other columns
 * than the index of the same model without tenancy, so it gets its own name:
 * adapters then create it instead of refusing a changed index, and the crm's
 * tenancy check (`tenancy_changed`) says what happened.
 */
const tenantIndexSuffix = '_t';

/**
 * A collection's schema under tenancy: a required `tenantId` string field
 * (at most {@link tenantIdMaxLength} characters, declared so adapters can size its column);
 * every index over scalar fields led by `tenantId` (so a unique key is unique
 * per tenant, and every indexed read of one tenant ranges over its own rows
 * only); an index `<collection>_tenant` over `(tenantId, id)` for reads in
 * id order. An index over a `string[]` field stays as it is: adapters keep
 * those per element (SQL's value table, IndexedDB's multi-entry indexes),
 * where a compound key with the tenant is not possible.
 *
 * @example
 * ```ts
 * tenantCollectionSchema(schema.collections.customers).indexes[0]; // { name: 'customers_emails', fields: ['emails'] }
 * ```
 */
export function tenantCollectionSchema(collection: CollectionSchema): CollectionSchema {
  const indexes: IndexDefinition[] = [{ name: `${collection.name}_tenant`, fields: [tenantField, 'id'] }];
  for (const index of collection.indexes) {
    const overList = index.fields.some((field) => collection.fields[field]?.type === 'string[]');
    indexes.push(overList ? index : { ...index, name: `${index.name}${tenantIndexSuffix}`, fields: [tenantField, ...index.fields] });
  }
  return {
    ...collection,
    fields: { ...collection.fields, [tenantField]: { type: 'string', optional: false, maxLength: tenantIdMaxLength } },
    indexes,
  };
}

/**
 * The storage schema under tenancy: {@link tenantCollectionSchema} of every
 * collection but those in `global` (the crm's own bookkeeping of the store).
 *
 * @example
 * ```ts
 * const schema = tenantStorageSchema(storageSchema, new Set(['storeSettings']));
 * ```
 */
export function tenantStorageSchema(schema: StorageSchema, global: ReadonlySet<string>): StorageSchema {
  return {
    collections: Object.fromEntries(
      Object.entries(schema.collections).map(([name, collection]) => [name, global.has(name) ? collection : tenantCollectionSchema(collection)]),
    ),
  };
}
