import {
  isCondition,
  type Condition,
  type ScalarValue,
  type SortKey,
  type StorageFilter,
  type StorageValue,
} from '../../src/storage/index.js';
import { absentKey, encodeScalarKey, encodeStringKey, prefixSuccessor } from './index-key.js';
import type { StoreLayout } from './store-layout.js';

/** The `IDBKeyRange` class of the IndexedDB implementation in use. */
export type KeyRangeClass = typeof IDBKeyRange;

/**
 * Key ranges of one index (or of the primary key, `index` undefined) whose
 * entries are exactly the records matching one condition.
 */
export interface RangeLookup {
  readonly kind: 'lookup';
  /** The IndexedDB index, or `undefined` for the primary key. */
  readonly index: string | undefined;
  /** The ranges; an empty list matches nothing. */
  readonly ranges: readonly IDBKeyRange[];
  /** True when a record can sit in more than one range (a multi-entry index). */
  readonly overlapping: boolean;
}

/**
 * How the indexes can narrow a filter: a lookup, the most selective of several
 * (`and`), or the union of several (`or`). Candidates are a superset of the
 * matches (exactly the matches for a lookup); the filter still runs on each.
 */
export type Narrowing =
  | RangeLookup
  | { readonly kind: 'and'; readonly options: readonly Narrowing[]; readonly exact: boolean }
  | { readonly kind: 'or'; readonly parts: readonly Narrowing[]; readonly exact: boolean };

/**
 * A walk along an index (or the primary key) whose order is the query's sort
 * order, so the first `limit` matches met are the page.
 */
export interface OrderedWalk {
  /** The IndexedDB index, or `undefined` for the primary key. */
  readonly index: string | undefined;
  /** The slots of the index key (empty for the primary key); the id follows them. */
  readonly slots: readonly string[];
  /** `next` for ascending, `prev` for descending. */
  readonly direction: 'next' | 'prev';
  /** The part of the index to walk; `undefined` for all of it. */
  readonly range: IDBKeyRange | undefined;
  /** True when the range narrows (an equality prefix or a cursor position). */
  readonly narrowed: boolean;
  /** How many leading index fields equalities of the filter fix. */
  readonly prefixLength: number;
}

interface ScalarIndex {
  readonly name: string;
  readonly slots: readonly string[];
  readonly paths: readonly string[];
  /** Per field: true when records without a value there are not in the index. */
  readonly sparse: readonly boolean[];
}

/**
 * Plans reads of one collection against its store layout: which index ranges
 * narrow a filter, and which index walk yields a sort order directly. Plans are
 * only ever shortcuts: every candidate still passes the reference predicate, and
 * only walks whose order is exactly the reference order are offered.
 */
export class QueryPlanner {
  readonly #keyRange: KeyRangeClass;
  readonly #scalar: readonly ScalarIndex[];
  readonly #multi: ReadonlyMap<string, string>;

  constructor(layout: StoreLayout, keyRange: KeyRangeClass) {
    this.#keyRange = keyRange;
    const scalar: ScalarIndex[] = [];
    const multi = new Map<string, string>();
    for (const [name, index] of Object.entries(layout.indexes)) {
      const paths = index.slots.map((slot) => layout.slots[slot]!.path);
      const sparse = index.slots.map((slot) => layout.slots[slot]!.sparse === true);
      if (index.multi) multi.set(paths[0]!, name);
      else scalar.push({ name, slots: index.slots, paths, sparse });
    }
    scalar.sort((a, b) => a.paths.length - b.paths.length);
    this.#scalar = scalar;
    this.#multi = multi;
  }

  /**
   * How the indexes narrow `filter`, or `undefined` when they cannot (then
   * every record is a candidate).
   *
   * @example
   * ```ts
   * planner.narrowing({ field: 'customerId', op: 'eq', value: id }); // a lookup on interactions_customer_time
   * ```
   */
  narrowing(filter: StorageFilter): Narrowing | undefined {
    if (isCondition(filter)) return this.#lookup(filter);
    if ('and' in filter) {
      const options = filter.and.map((part) => this.narrowing(part)).filter((n): n is Narrowing => n !== undefined);
      if (options.length === 0) return undefined;
      const exact = options.length === filter.and.length && options.every(isExact);
      return options.length === 1 && filter.and.length === 1 ? options[0] : { kind: 'and', options, exact };
    }
    if ('or' in filter) {
      const parts: Narrowing[] = [];
      for (const part of filter.or) {
        const narrowed = this.narrowing(part);
        if (narrowed === undefined) return undefined;
        parts.push(narrowed);
      }
      return parts.length === 1 ? parts[0] : { kind: 'or', parts, exact: parts.every(isExact) };
    }
    return undefined;
  }

  /**
   * A walk that yields records in `sort` order, or `undefined` when no index
   * gives that order. The sort must use one direction throughout; an index
   * qualifies when its leading fields are fixed by equalities of the filter
   * and its remaining fields are the sort's (the id comes last in every index
   * key), and it holds every record the filter can match: a sparse field must
   * be fixed to a value, not absent, and cannot be a sort field. A keyset
   * position (`StorageQuery.after`) makes the walk start right after it.
   *
   * @example
   * ```ts
   * planner.orderedWalk(where('customerId', 'eq', id), [{ field: 'occurredAt', direction: 'desc' }, { field: 'id', direction: 'desc' }]);
   * ```
   */
  orderedWalk(
    filter: StorageFilter | undefined,
    sort: readonly SortKey[],
    position?: readonly (ScalarValue | null)[],
  ): OrderedWalk | undefined {
    const direction = sort[0]?.direction ?? 'asc';
    if (sort.at(-1)?.field !== 'id' || sort.some((key) => key.direction !== direction)) return undefined;
    const fields = sort.slice(0, -1).map((key) => key.field);
    const conjuncts = filter === undefined ? [] : flattenAnd(filter);
    const fixed = new Map<string, number | string>();
    const after = position?.map((value) => value ?? undefined);
    for (const part of conjuncts) {
      if (isCondition(part)) {
        const key =
          part.op === 'eq' ? encodeScalarKey(part.value) : part.op === 'exists' && part.value === false ? absentKey : undefined;
        if (key !== undefined && !fixed.has(part.field)) fixed.set(part.field, key);
      }
    }
    const idStart = after === undefined ? undefined : encodeStringKey(after.at(-1) as string);
    const cursorDirection = direction === 'asc' ? 'next' : 'prev';
    if (fields.length === 0 && (fixed.size === 0 || this.#scalar.length === 0)) {
      return this.#walk(undefined, [], [], cursorDirection, idStart);
    }
    let best: OrderedWalk | undefined;
    let bestPrefix = -1;
    for (const index of this.#scalar) {
      const prefixLength = index.paths.length - fields.length;
      if (prefixLength < 0 || prefixLength <= bestPrefix) continue;
      if (!fields.every((field, i) => index.paths[prefixLength + i] === field)) continue;
      if (index.sparse.some((sparse, i) => sparse && i >= prefixLength)) continue;
      const prefix = index.paths.slice(0, prefixLength).map((path) => fixed.get(path));
      if (prefix.some((key, i) => key === undefined || (key === absentKey && index.sparse[i]))) continue;
      const start =
        after === undefined ? undefined : [...prefix, ...after.slice(0, -1).map((value) => encodeScalarKey(value)!), idStart!];
      best = this.#walk(index.name, index.slots, prefix as (number | string)[], cursorDirection, start as IDBValidKey | undefined);
      bestPrefix = prefixLength;
    }
    if (best === undefined && fields.length === 0) return this.#walk(undefined, [], [], cursorDirection, idStart);
    return best;
  }

  #walk(
    index: string | undefined,
    slots: readonly string[],
    prefix: readonly (number | string)[],
    direction: 'next' | 'prev',
    start: IDBValidKey | undefined,
  ): OrderedWalk {
    const R = this.#keyRange;
    let range: IDBKeyRange | undefined;
    if (index === undefined) {
      if (start !== undefined) range = direction === 'next' ? R.lowerBound(start, true) : R.upperBound(start, true);
    } else if (start !== undefined) {
      range =
        prefix.length === 0
          ? direction === 'next'
            ? R.lowerBound(start, true)
            : R.upperBound(start, true)
          : direction === 'next'
            ? R.bound(start, [...prefix, []], true, false)
            : R.bound([...prefix], start, false, true);
    } else if (prefix.length > 0) range = R.bound([...prefix], [...prefix, []]);
    return { index, slots, direction, range, narrowed: range !== undefined, prefixLength: prefix.length };
  }

  #lookup({ field, op, value }: Condition<StorageValue>): RangeLookup | undefined {
    const R = this.#keyRange;
    if (field === 'id') {
      const key = typeof value === 'string' ? encodeStringKey(value) : undefined;
      switch (op) {
        case 'eq':
          return lookup(undefined, [R.only(key!)]);
        case 'in':
          return lookup(undefined, distinct((value as string[]).map(encodeStringKey)).map((k) => R.only(k)));
        case 'gt':
          return lookup(undefined, [R.lowerBound(key!, true)]);
        case 'gte':
          return lookup(undefined, [R.lowerBound(key!)]);
        case 'lt':
          return lookup(undefined, [R.upperBound(key!, true)]);
        case 'lte':
          return lookup(undefined, [R.upperBound(key!)]);
        case 'startsWith':
          return lookup(undefined, [prefixRange(R, key!, false)]);
        default:
          return undefined;
      }
    }
    const multi = this.#multi.get(field);
    if (multi !== undefined) {
      if (op === 'contains') return lookup(multi, [R.only(encodeStringKey(value as string))]);
      // A record with two elements in the range comes twice: overlapping.
      if (op === 'startsWith') return { kind: 'lookup', index: multi, ranges: [prefixRange(R, encodeStringKey(value as string), false)], overlapping: true };
      if (op === 'in') {
        const keys = distinct((value as string[]).map(encodeStringKey));
        return { kind: 'lookup', index: multi, ranges: keys.map((k) => R.only(k)), overlapping: keys.length > 1 };
      }
      return undefined;
    }
    // Every record with a value in `field` must be in the index: its other fields may not be sparse.
    const index = this.#scalar.find((candidate) => candidate.paths[0] === field && !candidate.sparse.some((sparse, i) => sparse && i > 0));
    if (index === undefined) return undefined;
    const top: IDBValidKey[] = [];
    const equal = (key: number | string) => R.bound([key], [key, top]);
    const presentFrom = [absentKey, top];
    const key = op === 'in' || op === 'exists' ? undefined : encodeScalarKey(value);
    // A sparse index has no entries for absent values: it cannot answer conditions that absent values meet.
    if (index.sparse[0] === true) {
      const matchesAbsent =
        op === 'exists'
          ? value === false
          : op === 'in'
            ? (value as ScalarValue[]).some((v) => encodeScalarKey(v) === absentKey)
            : (op === 'eq' || op === 'gte') && key === absentKey;
      if (matchesAbsent) return undefined;
    }
    switch (op) {
      case 'eq':
        return key === undefined ? undefined : lookup(index.name, [equal(key)]);
      case 'in': {
        const keys = (value as ScalarValue[]).map(encodeScalarKey);
        if (keys.some((k) => k === undefined)) return undefined;
        return lookup(index.name, distinct(keys as (number | string)[]).map(equal));
      }
      case 'exists':
        return lookup(index.name, [value === true ? R.lowerBound(presentFrom, true) : equal(absentKey)]);
      case 'gt':
        return key === undefined ? undefined : lookup(index.name, [R.lowerBound([key, top], true)]);
      case 'gte':
        return key === undefined ? undefined : lookup(index.name, [R.lowerBound([key])]);
      case 'lt':
        return key === undefined ? undefined : lookup(index.name, [R.bound(presentFrom, [key], true, true)]);
      case 'lte':
        return key === undefined ? undefined : lookup(index.name, [R.bound(presentFrom, [key, top], true, true)]);
      case 'startsWith':
        return typeof key === 'string' ? lookup(index.name, [prefixRange(R, key, true)]) : undefined;
      default:
        return undefined;
    }
  }
}

function flattenAnd(filter: StorageFilter): StorageFilter[] {
  return !isCondition(filter) && 'and' in filter ? filter.and.flatMap(flattenAnd) : [filter];
}

function lookup(index: string | undefined, ranges: IDBKeyRange[]): RangeLookup {
  return { kind: 'lookup', index, ranges, overlapping: false };
}

function prefixRange(R: KeyRangeClass, prefix: string, compound: boolean): IDBKeyRange {
  const end = prefixSuccessor(prefix);
  const wrap = (key: string) => (compound ? [key] : key);
  return end === undefined ? R.lowerBound(wrap(prefix)) : R.bound(wrap(prefix), wrap(end), false, true);
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * True when the narrowing's candidates are exactly the filter's matches, so
 * that counting them needs no record.
 *
 * @example
 * ```ts
 * isExact(planner.narrowing(where('status', 'eq', 'open'))!); // true
 * ```
 */
export function isExact(narrowing: Narrowing): boolean {
  return narrowing.kind === 'lookup' || narrowing.exact;
}
