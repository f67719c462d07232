import type { FieldDefinition, IndexDefinition } from './collection-schema.js';
import type { CrmIssue } from './errors.js';
import { isScalarFieldType } from './field-type.js';

/**
 * The name of the unique index over one field: `<collection>_unique_<path>`,
 * every character other than a letter, digit or `_` written as `_` (so SQL
 * adapters can use it as an identifier as it is).
 *
 * @example
 * ```ts
 * uniqueIndexName('customers', 'custom.shopifyId'); // 'customers_unique_custom_shopifyId'
 * ```
 */
export function uniqueIndexName(collection: string, field: string): string {
  return `${collection}_unique_${field}`.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The unique indexes a host declares for one collection (`createCrm({ unique })`),
 * one per field. A path that is not a scalar field of the collection, or is
 * declared twice, adds an issue at `['unique', collection, i]` instead.
 *
 * @example
 * ```ts
 * hostUniqueIndexes('customers', fields, ['custom.shopifyId'], issues);
 * // [{ name: 'customers_unique_custom_shopifyId', fields: ['custom.shopifyId'], unique: true }]
 * ```
 */
export function hostUniqueIndexes(
  collection: string,
  fields: Readonly<Record<string, FieldDefinition>>,
  declared: readonly string[] | undefined,
  issues: CrmIssue[],
): IndexDefinition[] {
  if (declared === undefined) return [];
  if (!Array.isArray(declared)) {
    issues.push({ code: 'invalid_type', path: ['unique', collection], message: `unique.${collection} must be an array of field paths` });
    return [];
  }
  const indexes: IndexDefinition[] = [];
  const seen = new Set<string>();
  declared.forEach((field: unknown, i) => {
    const definition = typeof field === 'string' && Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (definition === undefined || !isScalarFieldType(definition.type) || field === 'id') {
      issues.push({ code: 'unknown_field', path: ['unique', collection, i], message: `${collection} has no scalar field ${JSON.stringify(field)} to make unique` });
    } else if (seen.has(field as string)) {
      issues.push({ code: 'duplicate_field', path: ['unique', collection, i], message: `${collection}.${String(field)} is declared unique twice` });
    } else {
      seen.add(field as string);
      indexes.push({ name: uniqueIndexName(collection, field as string), fields: [field as string], unique: true });
    }
  });
  return indexes;
}

/**
 * The unique index over exactly `field` in a collection's indexes, if there is one.
 *
 * @example
 * ```ts
 * uniqueIndexOn(schema.collections.customers.indexes, 'custom.shopifyId')?.name;
 * ```
 */
export function uniqueIndexOn(indexes: readonly IndexDefinition[], field: string): IndexDefinition | undefined {
  return indexes.find((index) => index.unique === true && index.fields.length === 1 && index.fields[0] === field);
}
