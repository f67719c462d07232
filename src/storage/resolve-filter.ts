import type { CollectionSchema, FieldDefinition } from './collection-schema.js';
import { InvalidQueryError, type CrmIssue } from './errors.js';
import { filterOperators, operatorsByFieldType, type FilterOperator } from './filter-operator.js';
import type { Filter, ScalarValue, StorageFilter, StorageValue } from './filter.js';
import { isRelativeDate, resolveRelativeDate } from './relative-date.js';

/** Filters nested deeper than this are rejected, so hostile input cannot exhaust the stack. */
export const maxFilterDepth = 32;

/** `in` / `nin` lists longer than this are rejected. */
export const maxInListLength = 10_000;

/**
 * Checks a user's filter against a collection's fields and returns the filter an
 * adapter receives: every field known, every operator allowed for the field's
 * type, every value of that type, relative dates resolved against `now`.
 * Throws {@link InvalidQueryError} listing every problem found.
 *
 * @example
 * ```ts
 * resolveFilter(where('occurredAt', 'gte', ago({ days: 30 })), schema.collections.interactions, clock.now());
 * ```
 */
export function resolveFilter(filter: Filter, collection: CollectionSchema, now: Date): StorageFilter {
  const issues: CrmIssue[] = [];
  const resolved = resolveNode(filter, collection, now, [], 0, issues);
  if (issues.length > 0) {
    throw new InvalidQueryError(
      `Invalid filter on ${collection.name}: ${issues.map((i) => `${i.message}${i.path.length ? ` at ${i.path.join('.')}` : ''}`).join('; ')}`,
      issues,
    );
  }
  return resolved;
}

function resolveNode(
  node: unknown,
  collection: CollectionSchema,
  now: Date,
  path: PropertyKey[],
  depth: number,
  issues: CrmIssue[],
): StorageFilter {
  const fail = (code: string, message: string, at: PropertyKey[] = path): StorageFilter => {
    issues.push({ code, path: at, message });
    return { and: [] };
  };
  if (depth > maxFilterDepth) return fail('filter_too_deep', `filters may nest at most ${maxFilterDepth} levels`);
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    return fail('invalid_filter', 'a filter must be a condition or an and / or / not object');
  }
  const keys = Object.keys(node);
  const kind = keys.includes('field') ? 'field' : keys.length === 1 ? keys[0] : undefined;
  if (kind === 'and' || kind === 'or') {
    const list = (node as Record<string, unknown>)[kind];
    if (!Array.isArray(list)) return fail('invalid_filter', `"${kind}" takes an array of filters`, [...path, kind]);
    const parts = list.map((child, i) => resolveNode(child, collection, now, [...path, kind, i], depth + 1, issues));
    return kind === 'and' ? { and: parts } : { or: parts };
  }
  if (kind === 'not') {
    return { not: resolveNode((node as { not: unknown }).not, collection, now, [...path, 'not'], depth + 1, issues) };
  }
  if (kind !== 'field') {
    return fail('invalid_filter', `a filter needs "field", "and", "or" or "not"; got keys [${keys.join(', ')}]`);
  }
  const { field, op, value } = node as { field: unknown; op: unknown; value: unknown };
  const extra = keys.filter((key) => key !== 'field' && key !== 'op' && key !== 'value');
  if (extra.length > 0) return fail('invalid_filter', `a condition has only field, op and value; got ${extra.join(', ')}`);
  if (typeof field !== 'string' || !Object.hasOwn(collection.fields, field)) {
    return fail('unknown_field', `unknown field ${JSON.stringify(field)} on ${collection.name}`, [...path, 'field']);
  }
  if (typeof op !== 'string' || !(filterOperators as readonly string[]).includes(op)) {
    return fail('unknown_operator', `unknown operator ${JSON.stringify(op)}`, [...path, 'op']);
  }
  const definition = collection.fields[field]!;
  if (!(operatorsByFieldType[definition.type] as readonly string[]).includes(op)) {
    return fail('operator_not_allowed', `operator "${op}" does not apply to ${definition.type} field "${field}"`, [
      ...path,
      'op',
    ]);
  }
  const resolvedValue = resolveValue(op as FilterOperator, value, definition, now);
  if (resolvedValue === undefined) {
    return fail('invalid_value', `value for "${field}" ${op} must be ${expectedValue(op as FilterOperator, definition)}`, [
      ...path,
      'value',
    ]);
  }
  return { field, op: op as FilterOperator, value: resolvedValue };
}

function resolveValue(op: FilterOperator, value: unknown, definition: FieldDefinition, now: Date): StorageValue | undefined {
  if (op === 'exists') return typeof value === 'boolean' ? value : undefined;
  if (op === 'in' || op === 'nin') {
    if (!Array.isArray(value) || value.length > maxInListLength) return undefined;
    const list: ScalarValue[] = [];
    for (const item of value) {
      const resolved = resolveScalar(item, definition, now);
      if (resolved === undefined) return undefined;
      list.push(resolved);
    }
    return list;
  }
  return resolveScalar(value, definition, now);
}

function resolveScalar(value: unknown, definition: FieldDefinition, now: Date): ScalarValue | undefined {
  switch (definition.type) {
    case 'string':
    case 'string[]':
      return typeof value === 'string' ? value : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value.getTime());
      if (isRelativeDate(value)) {
        const resolved = resolveRelativeDate(value, now);
        return Number.isNaN(resolved.getTime()) ? undefined : resolved;
      }
      return undefined;
  }
}

function expectedValue(op: FilterOperator, definition: FieldDefinition): string {
  if (op === 'exists') return 'a boolean';
  const element =
    definition.type === 'date'
      ? 'a valid Date or a relative date'
      : definition.type === 'number'
        ? 'a finite number'
        : definition.type === 'boolean'
          ? 'a boolean'
          : 'a string';
  return op === 'in' || op === 'nin' ? `an array (at most ${maxInListLength}) of ${element}s` : element;
}
