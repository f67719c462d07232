import type { DefinedModel } from '../schema/define-model.js';
import { recordBaseFields } from '../schema/record-base.js';
import type { CollectionSchema } from '../storage/collection-schema.js';

/**
 * The storage schema of a collection the crm keeps for itself (history, the
 * change feed): the model's collection with only the base fields and the
 * `queried` ones filterable. The other fields live in the stored document
 * only, so an adapter keeps no column, list table or index entry for them,
 * which keeps every write's extra rows cheap.
 *
 * @example
 * ```ts
 * systemCollection(changeFeedEntryModel, ['sequence', 'at']).fields; // id, createdAt, updatedAt, version, sequence, at
 * ```
 */
export function systemCollection(model: DefinedModel, queried: readonly string[]): CollectionSchema {
  const schema = model.collectionSchema();
  const keep = new Set<string>([...recordBaseFields, ...queried]);
  const fields = Object.fromEntries(Object.entries(schema.fields).filter(([path]) => keep.has(path)));
  return { ...schema, fields };
}
