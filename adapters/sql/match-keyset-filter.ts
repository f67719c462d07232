import { isCondition, keysetFilter, type ScalarValue, type SortKey, type StorageFilter } from '../../src/storage/index.js';

/** A keyset position: the sort and the values of the last record seen (`undefined` for absent). */
export interface KeysetPosition {
  /** The order, ending with the key that decides ties. */
  readonly sort: readonly SortKey[];
  /** The last record's value of each key. */
  readonly after: readonly (ScalarValue | undefined)[];
}

/**
 * Recognises the filter the core's `keysetFilter(sort, after)` makes from a page
 * cursor (an `or` of keyset branches) and gives back the sort and position it
 * was made from, so the adapter can compile it into an index range instead of
 * an OR of branches. The guess is checked by rebuilding the filter with
 * `keysetFilter` and comparing it with the one given, so anything that is not
 * exactly such a filter yields `undefined` (and compiles the ordinary way).
 *
 * @example
 * ```ts
 * const position = matchKeysetFilter(keysetFilter(sort, ['Ada', '01J…']));
 * // { sort, after: ['Ada', '01J…'] }
 * ```
 */
export function matchKeysetFilter(filter: StorageFilter): KeysetPosition | undefined {
  if (isCondition(filter) || !('or' in filter) || filter.or.length === 0) return undefined;
  const branches = filter.or;
  const last = branches.at(-1)!;
  // The last branch holds the longest equal prefix: `eq` (or `exists: false`) on every earlier key.
  const parts = !isCondition(last) && 'and' in last ? last.and : [last];
  if (parts.length === 0) return undefined;
  const sort: SortKey[] = [];
  const after: (ScalarValue | undefined)[] = [];
  for (const part of parts.slice(0, -1)) {
    if (!isCondition(part)) return undefined;
    if (part.op === 'eq') after.push(part.value as ScalarValue);
    else if (part.op === 'exists' && part.value === false) after.push(undefined);
    else return undefined;
    sort.push({ field: part.field, direction: 'asc' });
  }
  const tail = beyondOf(parts.at(-1)!);
  if (tail === undefined) return undefined;
  sort.push({ field: tail.field, direction: tail.direction });
  after.push(tail.value);
  // Earlier keys: a branch of its own tells the direction; a key without one is `desc` after an absent value.
  const byField = new Map<string, SortKey['direction']>();
  for (const branch of branches.slice(0, -1)) {
    const own = !isCondition(branch) && 'and' in branch ? branch.and.at(-1) : branch;
    const beyond = own === undefined ? undefined : beyondOf(own);
    if (beyond === undefined) return undefined;
    byField.set(beyond.field, beyond.direction);
  }
  for (let i = 0; i < sort.length - 1; i++) sort[i] = { field: sort[i]!.field, direction: byField.get(sort[i]!.field) ?? 'desc' };
  if (new Set(sort.map((key) => key.field)).size !== sort.length) return undefined;
  return sameFilter(keysetFilter(sort, after), filter) ? { sort, after } : undefined;
}

function beyondOf(filter: StorageFilter): { field: string; direction: SortKey['direction']; value: ScalarValue | undefined } | undefined {
  if (isCondition(filter)) {
    if (filter.op === 'gt') return { field: filter.field, direction: 'asc', value: filter.value as ScalarValue };
    if (filter.op === 'exists' && filter.value === true) return { field: filter.field, direction: 'asc', value: undefined };
    return undefined;
  }
  if ('or' in filter && filter.or.length === 2) {
    const [less] = filter.or;
    if (less !== undefined && isCondition(less) && less.op === 'lt') return { field: less.field, direction: 'desc', value: less.value as ScalarValue };
  }
  return undefined;
}

function sameFilter(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameFilter(item, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && sameFilter((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  return Object.is(a, b);
}
