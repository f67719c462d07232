import type { CollectionSchema, FieldDefinition, IndexDefinition, ReferenceDefinition, StorageSchema, StoredRecord } from '../../src/storage/index.js';

/**
 * A storage schema with one `customers` collection whose catalogue is given
 * field by field, so a test can declare a field required and store records
 * without it (data written before a schema change), straight through the adapter.
 */
export function customersSchema(
  fields: Record<string, FieldDefinition>,
  name = 'customers',
  extra: { indexes?: readonly IndexDefinition[]; references?: readonly ReferenceDefinition[] } = {},
): StorageSchema {
  const collection: CollectionSchema = {
    name,
    fields: {
      id: { type: 'string', optional: false },
      createdAt: { type: 'date', optional: false },
      updatedAt: { type: 'date', optional: false },
      version: { type: 'number', optional: false },
      name: { type: 'string', optional: false },
      ...fields,
    },
    indexes: extra.indexes ?? [],
    ...(extra.references === undefined ? {} : { references: extra.references }),
  };
  return { collections: { [name]: collection } };
}

/** A stored customer with the given data. */
export function storedCustomer(id: string, data: Record<string, unknown>): StoredRecord {
  return { id, createdAt: new Date(0), updatedAt: new Date(0), version: 1, name: id, ...data } as StoredRecord;
}
