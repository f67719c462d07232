import { fromBase64Url, toBase64Url } from './base64-url.js';
import type { FieldDefinition } from './collection-schema.js';
import { InvalidQueryError } from './errors.js';
import type { FieldType } from './field-type.js';
import type { ScalarValue, StorageFilter } from './filter.js';
import { readPath } from './read-path.js';
import { isWellFormedString } from './well-formed-string.js';
import type { SortKey } from './sort.js';

type EncodedValue = string | number | boolean | null | { readonly d: number };

/**
 * Encodes the position just after `record` in the order `sort` as an opaque
 * string. A cursor is bound to its sort: used with another, it is rejected.
 *
 * @example
 * ```ts
 * const cursor = encodeCursor(sort, page.at(-1)!);
 * ```
 */
export function encodeCursor(sort: readonly SortKey[], record: object): string {
  const values: EncodedValue[] = sort.map(({ field }) => {
    const value = readPath(record, field);
    if (value === undefined) return null;
    return value instanceof Date ? { d: value.getTime() } : (value as EncodedValue);
  });
  return toBase64Url(JSON.stringify({ s: sortSignature(sort), v: values }));
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same sort into the sort
 * values it holds (`undefined` for absent). Given the collection's `fields`,
 * each value must also have its field's type, so a tampered cursor cannot slip
 * a value of another type past the filter checks. Throws {@link InvalidQueryError}
 * with code `invalid_cursor` for anything else.
 *
 * @example
 * ```ts
 * const after = decodeCursor(cursor, sort, schema.collections.customers.fields);
 * ```
 */
export function decodeCursor(
  cursor: string,
  sort: readonly SortKey[],
  fields?: Readonly<Record<string, FieldDefinition>>,
): (ScalarValue | undefined)[] {
  const invalid = (why: string) =>
    new InvalidQueryError(`Invalid cursor: ${why}`, [{ code: 'invalid_cursor', path: ['cursor'], message: why }]);
  let parsed: unknown;
  try {
    if (typeof cursor !== 'string') throw new TypeError('not a string');
    parsed = JSON.parse(fromBase64Url(cursor));
  } catch (cause) {
    throw Object.assign(invalid('it is not a cursor crmkit made'), { cause });
  }
  const { s, v } = (parsed ?? {}) as { s?: unknown; v?: unknown };
  if (s !== sortSignature(sort)) throw invalid('it was made for another sort');
  if (!Array.isArray(v) || v.length !== sort.length) throw invalid('it is malformed');
  return v.map((value: unknown, i) => {
    if (value === null) return undefined;
    let decoded: ScalarValue;
    if (typeof value === 'object') {
      const time = (value as { d?: unknown }).d;
      if (typeof time !== 'number' || Number.isNaN(new Date(time).getTime())) throw invalid('it is malformed');
      decoded = new Date(time);
    } else if (typeof value === 'string' ? isWellFormedString(value) : typeof value === 'boolean') {
      decoded = value as string | boolean;
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      decoded = value === 0 ? 0 : value; // -0 is 0
    } else throw invalid('it is malformed');
    const type = fields !== undefined && Object.hasOwn(fields, sort[i]!.field) ? fields[sort[i]!.field]!.type : undefined;
    if (type !== undefined && !hasType(decoded, type)) throw invalid('it is malformed');
    return decoded;
  });
}

function hasType(value: ScalarValue, type: FieldType): boolean {
  switch (type) {
    case 'string':
    case 'string[]':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return value instanceof Date;
  }
}

/**
 * The filter that selects records strictly after the position `after` in the
 * order `sort` (which ends with `id`). The core adds it to a query's filter, so
 * adapters paginate without knowing about cursors: records inserted between two
 * pages neither repeat nor shift the pages.
 *
 * @example
 * ```ts
 * keysetFilter([{ field: 'name', direction: 'asc' }, { field: 'id', direction: 'asc' }], ['Ada', '01J…']);
 * // or: [{ name > 'Ada' }, { and: [{ name = 'Ada' }, { id > '01J…' }] }]
 * ```
 */
export function keysetFilter(sort: readonly SortKey[], after: readonly (ScalarValue | undefined)[]): StorageFilter {
  const branches: StorageFilter[] = [];
  for (let i = 0; i < sort.length; i++) {
    const equalPrefix = sort.slice(0, i).map(({ field }, j) => equalTo(field, after[j]));
    const { field, direction } = sort[i]!;
    const value = after[i];
    let beyond: StorageFilter;
    if (direction === 'asc') {
      beyond = value === undefined ? { field, op: 'exists', value: true } : { field, op: 'gt', value };
    } else {
      if (value === undefined) continue; // nothing orders after an absent value in desc
      beyond = { or: [{ field, op: 'lt', value }, { field, op: 'exists', value: false }] };
    }
    branches.push(equalPrefix.length === 0 ? beyond : { and: [...equalPrefix, beyond] });
  }
  return { or: branches };
}

function equalTo(field: string, value: ScalarValue | undefined): StorageFilter {
  return value === undefined ? { field, op: 'exists', value: false } : { field, op: 'eq', value };
}

function sortSignature(sort: readonly SortKey[]): string {
  return sort.map(({ field, direction }) => `${field}:${direction}`).join(',');
}
