import type { ModelDefinition } from '../../schema/model-definition.js';
import { recordBaseFields } from '../../schema/record-base.js';
import type { CollectionSchema } from '../../storage/collection-schema.js';

/**
 * Which dotted paths name a field of a collection, for import mappings and
 * export field lists: a field of the catalogue (`purchase.amount`), an object
 * holding some (`purchase`), a path inside a field the catalogue does not
 * flatten (`addresses`, `purchase.lineItems`), and `custom.<name>` when the
 * host declared no custom schema. `isReadonly`: base and managed fields
 * (`createdAt`, `version`, `searchKeys`, `churn`), which imports never write.
 *
 * @internal
 * @example
 * ```ts
 * knownFields(crm.schema.collections.customers, customerModel).isKnown('custom.shopifyId'); // true
 * ```
 */
export function knownFields(
  collection: CollectionSchema,
  model: Pick<ModelDefinition, 'shape' | 'managedShape'> | undefined,
): { isKnown(field: string): boolean; isReadonly(field: string): boolean; topLevel: readonly string[] } {
  const fields = collection.fields;
  const paths = Object.keys(fields);
  const readonlyFields = new Set<string>([...recordBaseFields.filter((field) => field !== 'id'), ...Object.keys(model?.managedShape ?? {})]);
  const topLevel = [...new Set<string>([...recordBaseFields, ...Object.keys(model?.shape ?? {}), ...Object.keys(model?.managedShape ?? {}), ...paths.map((path) => path.split('.')[0]!), 'custom'])];
  const customDeclared = paths.some((path) => path.startsWith('custom.'));
  const isKnown = (field: string): boolean => {
    if (typeof field !== 'string' || field === '') return false;
    if (Object.hasOwn(fields, field)) return true;
    if (paths.some((path) => path.startsWith(`${field}.`))) return true;
    const parts = field.split('.');
    if (parts[0] === 'custom') return !customDeclared || parts.length === 1;
    // Inside a field the catalogue does not flatten: the longest catalogued prefix must be an object, not a scalar.
    for (let length = parts.length - 1; length >= 1; length--) {
      const prefix = parts.slice(0, length).join('.');
      if (Object.hasOwn(fields, prefix)) return false;
      if (length === 1) return topLevel.includes(prefix);
      if (paths.some((path) => path.startsWith(`${prefix}.`))) return true;
    }
    return topLevel.includes(field);
  };
  return { isKnown, isReadonly: (field) => readonlyFields.has(field.split('.')[0]!), topLevel };
}
