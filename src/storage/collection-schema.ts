import type { FieldType } from './field-type.js';

/** A field a filter or sort may name, keyed in {@link CollectionSchema.fields} by its dotted path. */
export interface FieldDefinition {
  /** The field's type. */
  readonly type: FieldType;
  /** True when the field may be absent (missing or null) in a stored record. */
  readonly optional: boolean;
  /**
   * For a `string` field: the most UTF-16 code units its values have, when the core bounds them
   * (a tenant id is at most 128). Adapters may size an indexed column by it; an adapter that
   * ignores it stays correct. Optional: absent means no declared bound.
   */
  readonly maxLength?: number;
}

/**
 * An index the core asks adapters to keep. Adapters that cannot index ignore
 * it; the answers must be the same either way.
 */
export interface IndexDefinition {
  /** A name unique within the collection, for example `interactions_customer_time`. */
  readonly name: string;
  /** The dotted paths indexed, in order. A `string[]` field is indexed per element. */
  readonly fields: readonly string[];
  /**
   * No two records may share the values of these fields (all present). Records
   * where any of the fields is absent never conflict, as in SQL. An insert or
   * update that would break it fails with `{ ok: false, code: 'conflict',
   * reason: 'unique', index: name }` and writes nothing for that item. Unique
   * indexes hold scalar fields only. Optional: absent means not unique.
   */
  readonly unique?: boolean;
}

/**
 * A field whose value is the id of a record of another (or the same)
 * collection: an interaction's `customerId`. The core checks references on
 * every write; an adapter may also keep a foreign key (SQL does).
 */
export interface ReferenceDefinition {
  /** The dotted path holding the id, for example `customerId`. */
  readonly field: string;
  /** The collection whose record it names, for example `customers`. */
  readonly collection: string;
}

/**
 * What an adapter is told about one collection when it opens: the fields that
 * filters and sorts may name, and the indexes worth keeping. Records may hold
 * more than these fields (addresses, line items); adapters store them as they are.
 */
export interface CollectionSchema {
  /** The collection's name, for example `customers`. */
  readonly name: string;
  /** Every filterable path, including `id`, `createdAt`, `updatedAt` and `version`. */
  readonly fields: Readonly<Record<string, FieldDefinition>>;
  /** Indexes worth keeping, beyond the primary key on `id`; the unique ones must be enforced. */
  readonly indexes: readonly IndexDefinition[];
  /** Fields that hold ids of other records. Optional, for adapters written before it. */
  readonly references?: readonly ReferenceDefinition[];
}

/** Every collection the core will use, handed to {@link CrmAdapter.open}. */
export interface StorageSchema {
  /** The collections, keyed by name. */
  readonly collections: Readonly<Record<string, CollectionSchema>>;
}
