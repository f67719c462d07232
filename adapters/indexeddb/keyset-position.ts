import {
  isCondition,
  keysetFilter,
  type ScalarValue,
  type SortKey,
  type StorageFilter,
} from '../../src/storage/index.js';

/**
 * Recognizes the filter the core adds for a cursor (see `keysetFilter` in the
 * contract) and gives back the position it starts after: the sort values of the
 * last record of the previous page. With it an index walk starts right there
 * instead of reading the earlier pages again. Returns `undefined` for any other
 * filter; answers are the same either way, because the filter still runs as a
 * predicate.
 *
 * @example
 * ```ts
 * const sort = [{ field: 'id', direction: 'asc' }] as const;
 * keysetPosition(keysetFilter(sort, ['01J']), sort); // ['01J']
 * ```
 */
export function keysetPosition(
  filter: StorageFilter,
  sort: readonly SortKey[],
): (ScalarValue | undefined)[] | undefined {
  if (isCondition(filter) || !('or' in filter) || sort.length === 0) return undefined;
  const last = filter.or.at(-1);
  if (last === undefined) return undefined;
  let prefix: readonly StorageFilter[] = [];
  let beyond: StorageFilter = last;
  if (sort.length > 1) {
    if (isCondition(last) || !('and' in last) || last.and.length !== sort.length) return undefined;
    prefix = last.and.slice(0, -1);
    beyond = last.and.at(-1)!;
  }
  const after: (ScalarValue | undefined)[] = [];
  for (const part of prefix) {
    if (!isCondition(part)) return undefined;
    if (part.op === 'eq') after.push(part.value as ScalarValue);
    else if (part.op === 'exists' && part.value === false) after.push(undefined);
    else return undefined;
  }
  const idBound = isCondition(beyond) ? beyond : 'or' in beyond ? beyond.or[0] : undefined;
  if (idBound === undefined || !isCondition(idBound)) return undefined;
  after.push(idBound.value as ScalarValue);
  return sameFilter(keysetFilter(sort, after), filter) ? after : undefined;
}

function sameFilter(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.hasOwn(b, key) && sameFilter((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
