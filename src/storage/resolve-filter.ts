import type { CollectionSchema, FieldDefinition, StorageSchema } from './collection-schema.js';
import { InvalidQueryError, type CrmIssue } from './errors.js';
import { filterOperators, operatorsByFieldType, type FilterOperator } from './filter-operator.js';
import type { Filter, ScalarValue, StorageFilter, StorageValue } from './filter.js';
import { havingOperators, relatedFunctions, type HavingOperator, type RelatedFunction } from './related-filter.js';
import { isRelativeDate, resolveRelativeDate } from './relative-date.js';
import { defaultTimeZone } from './time-zone.js';
import { isWellFormedString } from './well-formed-string.js';

/** What a value check answers for a string that is not well-formed UTF-16. */
const malformed = Symbol('malformed string');

/** Filters nested deeper than this are rejected, so hostile input cannot exhaust the stack. */
export const maxFilterDepth = 32;

/** `in` / `nin` lists longer than this are rejected. */
export const maxInListLength = 10_000;

/**
 * Checks a user's filter against a collection's fields and returns the filter an
 * adapter receives: every field known, every operator allowed for the field's
 * type, every value of that type, relative dates resolved against `now` by
 * calendar arithmetic in `timeZone` (UTC by default), `-0` made `0`. Throws
 * {@link InvalidQueryError} listing every problem found; a string value that is
 * not well-formed UTF-16 (a lone surrogate) is the issue `malformed_string`.
 * A related node ({@link RelatedFilter}) needs `schema`: its collection must
 * refer to this one (its `via` is derived from the references), its `where` is
 * resolved against that collection, and its `having` checked (the issue codes
 * are {@link relatedFilterIssueCodes}).
 *
 * @example
 * ```ts
 * resolveFilter(where('occurredAt', 'gte', ago({ days: 30 })), schema.collections.interactions, clock.now(), 'Europe/Berlin');
 * ```
 */
export function resolveFilter(
  filter: Filter,
  collection: CollectionSchema,
  now: Date,
  timeZone: string = defaultTimeZone,
  schema?: StorageSchema,
): StorageFilter {
  const issues: CrmIssue[] = [];
  const resolved = resolveNode(filter, collection, { now, timeZone, schema }, [], 0, issues);
  if (issues.length > 0) {
    throw new InvalidQueryError(
      `Invalid filter on ${collection.name}: ${issues.map((i) => `${i.message}${i.path.length ? ` at ${i.path.join('.')}` : ''}`).join('; ')}`,
      issues,
    );
  }
  return resolved;
}

/** The moment and zone relative dates are resolved against. */
interface ResolveClock {
  readonly now: Date;
  readonly timeZone: string;
  /** Every collection, for related nodes. */
  readonly schema?: StorageSchema | undefined;
}

function resolveNode(
  node: unknown,
  collection: CollectionSchema,
  now: ResolveClock,
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
  if (kind === 'related') return resolveRelated((node as { related: unknown }).related, collection, now, [...path, 'related'], depth, issues);
  if (kind !== 'field') {
    return fail('invalid_filter', `a filter needs "field", "and", "or", "not" or "related"; got keys [${keys.join(', ')}]`);
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
  if (resolvedValue === malformed) {
    return fail('malformed_string', `value for "${field}" ${op} is not a well-formed string (it holds a lone surrogate)`, [...path, 'value']);
  }
  if (resolvedValue === undefined) {
    return fail('invalid_value', `value for "${field}" ${op} must be ${expectedValue(op as FilterOperator, definition)}`, [
      ...path,
      'value',
    ]);
  }
  return { field, op: op as FilterOperator, value: resolvedValue };
}

/** The one place a related node is checked and resolved: its collection, link, `where` and `having`. */
function resolveRelated(
  node: unknown,
  collection: CollectionSchema,
  now: ResolveClock,
  path: PropertyKey[],
  depth: number,
  issues: CrmIssue[],
): StorageFilter {
  const fail = (code: string, message: string, at: PropertyKey[] = path): StorageFilter => {
    issues.push({ code, path: at, message });
    return { and: [] };
  };
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    return fail('invalid_filter', 'a related filter takes { collection, where?, having?, via? }');
  }
  const spec = node as Record<string, unknown>;
  const extra = Object.keys(spec).filter((key) => !['collection', 'via', 'where', 'having'].includes(key));
  if (extra.length > 0) return fail('invalid_filter', `a related filter has only collection, via, where and having; got ${extra.join(', ')}`);
  if (now.schema === undefined) return fail('related_unavailable', 'related filters need the storage schema');
  const name = spec.collection;
  const related = typeof name === 'string' && Object.hasOwn(now.schema.collections, name) ? now.schema.collections[name] : undefined;
  if (related === undefined) return fail('unknown_collection', `unknown collection ${JSON.stringify(name)}`, [...path, 'collection']);
  const links = (related.references ?? []).filter(
    (reference) => reference.collection === collection.name && (spec.via === undefined || reference.field === spec.via),
  );
  if (links.length === 0) {
    return spec.via === undefined
      ? fail('no_reference', `${related.name} has no reference to ${collection.name}`, [...path, 'collection'])
      : fail('no_reference', `${related.name}.${String(spec.via)} is not a reference to ${collection.name}`, [...path, 'via']);
  }
  if (links.length > 1) {
    return fail('ambiguous_reference', `${related.name} refers to ${collection.name} through ${links.map((l) => l.field).join(' and ')}: give via`, [
      ...path,
      'via',
    ]);
  }
  const via = links[0]!.field;
  const where = spec.where === undefined ? undefined : resolveNode(spec.where, related, now, [...path, 'where'], depth + 1, issues);
  const having = resolveHaving(spec.having ?? { fn: 'count', op: 'gte', value: 1 }, related, now, [...path, 'having'], issues);
  if (having === undefined) return { and: [] };
  return { related: { collection: related.name, via, ...(where === undefined ? {} : { where }), having } };
}

function resolveHaving(
  node: unknown,
  related: CollectionSchema,
  now: ResolveClock,
  path: PropertyKey[],
  issues: CrmIssue[],
): { fn: RelatedFunction; field?: string; op: HavingOperator; value: ScalarValue } | undefined {
  const fail = (code: string, message: string, at: PropertyKey[] = path): undefined => {
    issues.push({ code, path: at, message });
    return undefined;
  };
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return fail('invalid_having', 'having takes { fn, field?, op, value }');
  const { fn, field, op, value } = node as Record<string, unknown>;
  const extra = Object.keys(node).filter((key) => !['fn', 'field', 'op', 'value'].includes(key));
  if (extra.length > 0) return fail('invalid_having', `having has only fn, field, op and value; got ${extra.join(', ')}`);
  if (typeof fn !== 'string' || !(relatedFunctions as readonly string[]).includes(fn)) {
    return fail('unknown_function', `unknown aggregate function ${JSON.stringify(fn)}: use ${relatedFunctions.join(', ')}`, [...path, 'fn']);
  }
  if (typeof op !== 'string' || !(havingOperators as readonly string[]).includes(op)) {
    return fail('unknown_operator', `having compares with ${havingOperators.join(', ')}; got ${JSON.stringify(op)}`, [...path, 'op']);
  }
  let definition: FieldDefinition = { type: 'number', optional: false };
  if (fn === 'count') {
    if (field !== undefined) return fail('invalid_having', 'count counts records and takes no field', [...path, 'field']);
  } else {
    if (typeof field !== 'string' || !Object.hasOwn(related.fields, field)) {
      return fail('unknown_field', `${fn} needs a field of ${related.name}; got ${JSON.stringify(field)}`, [...path, 'field']);
    }
    definition = related.fields[field]!;
    const allowed = fn === 'sum' ? ['number'] : ['number', 'date'];
    if (!allowed.includes(definition.type)) {
      return fail('invalid_having', `${fn} takes a ${allowed.join(' or ')} field; ${field} is ${definition.type}`, [...path, 'field']);
    }
  }
  const resolved = resolveScalar(value, definition, now);
  if (resolved === undefined || resolved === malformed) {
    return fail('invalid_value', `having ${fn} ${op} needs ${definition.type === 'date' ? 'a valid Date or a relative date' : 'a finite number'}`, [
      ...path,
      'value',
    ]);
  }
  return { fn: fn as RelatedFunction, ...(field === undefined ? {} : { field: field as string }), op: op as HavingOperator, value: resolved };
}

function resolveValue(
  op: FilterOperator,
  value: unknown,
  definition: FieldDefinition,
  now: ResolveClock,
): StorageValue | typeof malformed | undefined {
  if (op === 'exists') return typeof value === 'boolean' ? value : undefined;
  if (op === 'in' || op === 'nin') {
    if (!Array.isArray(value) || value.length > maxInListLength) return undefined;
    const list: ScalarValue[] = [];
    let malformedItem = false;
    for (const item of value) {
      const resolved = resolveScalar(item, definition, now);
      if (resolved === undefined) return undefined;
      if (resolved === malformed) malformedItem = true;
      else list.push(resolved);
    }
    return malformedItem ? malformed : list;
  }
  return resolveScalar(value, definition, now);
}

function resolveScalar(value: unknown, definition: FieldDefinition, now: ResolveClock): ScalarValue | typeof malformed | undefined {
  switch (definition.type) {
    case 'string':
    case 'string[]':
      if (typeof value !== 'string') return undefined;
      return isWellFormedString(value) ? value : malformed;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      return value === 0 ? 0 : value; // -0 is 0
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value.getTime());
      if (isRelativeDate(value)) {
        const resolved = resolveRelativeDate(value, now.now, now.timeZone);
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
