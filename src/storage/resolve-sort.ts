import type { CollectionSchema } from './collection-schema.js';
import { InvalidQueryError, type CrmIssue } from './errors.js';
import { isScalarFieldType } from './field-type.js';
import { sortDirections, type SortKey } from './sort.js';

/** What a user may pass as a sort: keys with an optional direction (`asc` by default). */
export type SortInput = readonly { readonly field: string; readonly direction?: SortKey['direction'] }[];

/**
 * Checks a user's sort against a collection's fields and completes it so the
 * order is total: it ends with `id` in the direction of the last key (`asc`
 * when there is none). Keys after an `id` key are dropped, since `id` is unique.
 *
 * @example
 * ```ts
 * resolveSort([{ field: 'occurredAt', direction: 'desc' }], schema.collections.interactions);
 * // [{ field: 'occurredAt', direction: 'desc' }, { field: 'id', direction: 'desc' }]
 * ```
 */
export function resolveSort(sort: SortInput | undefined, collection: CollectionSchema): SortKey[] {
  const issues: CrmIssue[] = [];
  const keys: SortKey[] = [];
  if (sort !== undefined && !Array.isArray(sort)) {
    throw new InvalidQueryError('sort must be an array of { field, direction }', [
      { code: 'invalid_sort', path: ['sort'], message: 'sort must be an array' },
    ]);
  }
  for (const [i, key] of (sort ?? []).entries()) {
    const field = (key as { field?: unknown } | null)?.field;
    const direction = (key as { direction?: unknown } | null)?.direction ?? 'asc';
    const definition = typeof field === 'string' && Object.hasOwn(collection.fields, field) ? collection.fields[field] : undefined;
    if (definition === undefined) {
      issues.push({ code: 'unknown_field', path: ['sort', i, 'field'], message: `unknown field ${JSON.stringify(field)} on ${collection.name}` });
      continue;
    }
    if (!isScalarFieldType(definition.type)) {
      issues.push({ code: 'invalid_sort', path: ['sort', i, 'field'], message: `cannot sort on ${definition.type} field "${field}"` });
      continue;
    }
    if (!(sortDirections as readonly unknown[]).includes(direction)) {
      issues.push({ code: 'invalid_sort', path: ['sort', i, 'direction'], message: `direction must be "asc" or "desc"` });
      continue;
    }
    if (keys.some((existing) => existing.field === field)) continue;
    keys.push({ field: field as string, direction: direction as SortKey['direction'] });
    if (field === 'id') break;
  }
  if (issues.length > 0) {
    throw new InvalidQueryError(`Invalid sort on ${collection.name}: ${issues.map((i) => i.message).join('; ')}`, issues);
  }
  if (keys.at(-1)?.field !== 'id') keys.push({ field: 'id', direction: keys.at(-1)?.direction ?? 'asc' });
  return keys;
}
