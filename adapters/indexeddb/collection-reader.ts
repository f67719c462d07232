import { unwrap, type IDBPIndex, type IDBPObjectStore } from 'idb';
import {
  compareRecords,
  compileFilter,
  keysetAfterPredicate,
  type RecordPredicate,
  type StorageFilter,
  type StorageQuery,
  type StoredRecord,
} from '../../src/storage/index.js';
import { isExact, type KeyRangeClass, type Narrowing, type OrderedWalk, type QueryPlanner, type RangeLookup } from './query-plan.js';
import type { StoredEntry } from './stored-entry.js';

/** An object store of any transaction mode, as `idb` wraps it. */
export type EntryStore = IDBPObjectStore<unknown, ArrayLike<string>, string, IDBTransactionMode>;

type EntrySource = EntryStore | IDBPIndex<unknown, ArrayLike<string>, string, string, IDBTransactionMode>;

interface ResolvedNarrowing {
  readonly estimate: number;
  fetch(): Promise<StoredEntry[]>;
}

/** An index or store with `getAllRecords` (Chromium 141+; not yet in the DOM typings). */
interface RecordsSource {
  getAllRecords(options: {
    query: IDBKeyRange | null;
    count: number;
    direction: IDBCursorDirection;
  }): IDBRequest<{ key: IDBValidKey; primaryKey: IDBValidKey; value: StoredEntry }[]>;
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.addEventListener('success', () => resolve(request.result), { once: true });
    request.addEventListener('error', () => reject(request.error), { once: true });
  });
}

/** The largest batch read with one `getAll` while walking an index. */
const maxBatch = 2000;

/**
 * Runs reads of one collection inside a transaction the caller opened: picks
 * between walking an index in sort order and narrowing by index ranges (by
 * counting what each would read), then applies the reference predicate and,
 * when the index order is not the sort order, the reference comparator.
 */
export class CollectionReader {
  readonly #planner: QueryPlanner;
  readonly #keyRange: KeyRangeClass;

  constructor(planner: QueryPlanner, keyRange: KeyRangeClass) {
    this.#planner = planner;
    this.#keyRange = keyRange;
  }

  /**
   * The records matching `query` in its order, at most `query.limit`.
   *
   * @example
   * ```ts
   * const page = await reader.find(tx.objectStore('customers'), { filter, sort, limit: 50 });
   * ```
   */
  async find(store: EntryStore, query: StorageQuery): Promise<StoredRecord[]> {
    const { filter, sort, limit, after } = query;
    if (limit !== undefined && limit <= 0) return [];
    const matches = compileFilter(filter);
    const isAfter = after === undefined ? undefined : keysetAfterPredicate(sort, after);
    const predicate: RecordPredicate = isAfter === undefined ? matches : (record) => isAfter(record) && matches(record);
    const walk = this.#planner.orderedWalk(filter, sort, after);
    // A walk fixed by equalities reads only matching keys, in order: take it without weighing.
    if (walk !== undefined && walk.prefixLength > 0) return this.#walk(store, walk, predicate, limit);
    const narrowing = filter === undefined ? undefined : this.#planner.narrowing(filter);
    const resolved = narrowing === undefined ? undefined : await this.#resolve(store, narrowing);
    if (walk !== undefined) {
      let useWalk = resolved === undefined;
      if (!useWalk) {
        const scope = await this.#source(store, walk.index).count(walk.range ?? null);
        const reads = limit === undefined ? scope : Math.min(scope, (limit * scope) / Math.max(resolved!.estimate, 1));
        useWalk = resolved!.estimate > reads * 2;
      }
      if (useWalk) return this.#walk(store, walk, predicate, limit);
    }
    const candidates = resolved === undefined ? ((await store.getAll()) as StoredEntry[]) : await resolved.fetch();
    const found: StoredRecord[] = [];
    for (const entry of candidates) if (predicate(entry.r)) found.push(entry.r);
    found.sort(compareRecords(sort));
    return limit === undefined || found.length <= limit ? found : found.slice(0, limit);
  }

  /**
   * How many records match `filter`. Filters the indexes answer exactly are
   * counted from the indexes alone (`count()` of key ranges, or sets of keys for
   * `and` / `or`); others load only the candidates the indexes leave.
   *
   * @example
   * ```ts
   * await reader.count(tx.objectStore('cases'), where('status', 'eq', 'open'));
   * ```
   */
  async count(store: EntryStore, filter: StorageFilter | undefined): Promise<number> {
    if (filter === undefined) return store.count();
    const narrowing = this.#planner.narrowing(filter);
    if (narrowing !== undefined && isExact(narrowing)) {
      if (narrowing.kind === 'lookup' && !narrowing.overlapping) return this.#countLookup(store, narrowing);
      return (await this.#keys(store, narrowing)).size;
    }
    const predicate = compileFilter(filter);
    const candidates =
      narrowing === undefined ? ((await store.getAll()) as StoredEntry[]) : await (await this.#resolve(store, narrowing)).fetch();
    let matches = 0;
    for (const entry of candidates) if (predicate(entry.r)) matches++;
    return matches;
  }

  /**
   * True when `sort` can be read in order from an index for `filter`, so that
   * scanning in batches costs one batch per batch rather than a sort of everything.
   *
   * @example
   * ```ts
   * reader.streams(undefined, [{ field: 'id', direction: 'asc' }]); // true
   * ```
   */
  streams(filter: StorageFilter | undefined, sort: StorageQuery['sort']): boolean {
    return this.#planner.orderedWalk(filter, sort) !== undefined;
  }

  #source(store: EntryStore, index: string | undefined): EntrySource {
    return index === undefined ? store : store.index(index);
  }

  async #walk(store: EntryStore, walk: OrderedWalk, predicate: RecordPredicate, limit: number | undefined): Promise<StoredRecord[]> {
    const source = this.#source(store, walk.index);
    const out: StoredRecord[] = [];
    if (walk.direction === 'prev' && typeof (unwrap(source as EntryStore) as unknown as RecordsSource).getAllRecords === 'function') {
      return this.#walkBackInBatches(unwrap(source as EntryStore) as unknown as RecordsSource, walk, predicate, limit);
    }
    if (walk.direction === 'prev') {
      let cursor = await source.openCursor(walk.range ?? null, 'prev');
      while (cursor !== null) {
        const entry = cursor.value as StoredEntry;
        if (predicate(entry.r) && out.push(entry.r) === limit) break;
        cursor = await cursor.continue();
      }
      return out;
    }
    const R = this.#keyRange;
    const upper = walk.range?.upper as IDBValidKey | undefined;
    const upperOpen = walk.range?.upperOpen ?? false;
    let range = walk.range;
    while (true) {
      const want = limit === undefined ? maxBatch : Math.min(maxBatch, Math.max(32, (limit - out.length) * 2));
      const entries = (await source.getAll(range ?? null, want)) as StoredEntry[];
      for (const entry of entries) {
        if (predicate(entry.r) && out.push(entry.r) === limit) return out;
      }
      if (entries.length < want) return out;
      const last = entries.at(-1)!;
      const key: IDBValidKey = walk.index === undefined ? last.k.id : [...walk.slots.map((slot) => last.k[slot] as IDBValidKey), last.k.id];
      range = upper === undefined ? R.lowerBound(key, true) : R.bound(key, upper, true, upperOpen);
    }
  }

  /** Walks backwards with `getAllRecords` (Chromium 141+), a batch per request instead of a record per request. */
  async #walkBackInBatches(source: RecordsSource, walk: OrderedWalk, predicate: RecordPredicate, limit: number | undefined): Promise<StoredRecord[]> {
    const R = this.#keyRange;
    const lower = walk.range?.lower as IDBValidKey | undefined;
    const lowerOpen = walk.range?.lowerOpen ?? false;
    const out: StoredRecord[] = [];
    let range = walk.range;
    while (true) {
      const want = limit === undefined ? maxBatch : Math.min(maxBatch, Math.max(32, (limit - out.length) * 2));
      const records = await requestResult(source.getAllRecords({ query: range ?? null, count: want, direction: 'prev' }));
      for (const { value } of records) {
        if (predicate(value.r) && out.push(value.r) === limit) return out;
      }
      if (records.length < want) return out;
      const key = records.at(-1)!.key;
      range = lower === undefined ? R.upperBound(key, true) : R.bound(lower, key, lowerOpen, true);
    }
  }

  async #resolve(store: EntryStore, narrowing: Narrowing): Promise<ResolvedNarrowing> {
    switch (narrowing.kind) {
      case 'lookup': {
        const source = this.#source(store, narrowing.index);
        const estimate = await this.#countLookup(store, narrowing);
        return {
          estimate,
          fetch: async () => {
            const batches = await Promise.all(narrowing.ranges.map((range) => source.getAll(range) as Promise<StoredEntry[]>));
            return narrowing.overlapping ? distinctEntries(batches) : batches.length === 1 ? batches[0]! : batches.flat();
          },
        };
      }
      case 'and': {
        const options = await Promise.all(narrowing.options.map((option) => this.#resolve(store, option)));
        return options.reduce((best, option) => (option.estimate < best.estimate ? option : best));
      }
      case 'or': {
        const parts = await Promise.all(narrowing.parts.map((part) => this.#resolve(store, part)));
        return {
          estimate: parts.reduce((sum, part) => sum + part.estimate, 0),
          fetch: async () => distinctEntries(await Promise.all(parts.map((part) => part.fetch()))),
        };
      }
    }
  }

  async #countLookup(store: EntryStore, lookup: RangeLookup): Promise<number> {
    const source = this.#source(store, lookup.index);
    const counts = await Promise.all(lookup.ranges.map((range) => source.count(range)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async #keys(store: EntryStore, narrowing: Narrowing): Promise<Set<IDBValidKey>> {
    switch (narrowing.kind) {
      case 'lookup': {
        const source = this.#source(store, narrowing.index);
        const batches = await Promise.all(narrowing.ranges.map((range) => source.getAllKeys(range)));
        return new Set(batches.flat());
      }
      case 'and': {
        const sets = await Promise.all(narrowing.options.map((option) => this.#keys(store, option)));
        sets.sort((a, b) => a.size - b.size);
        const [smallest, ...rest] = sets;
        return new Set([...smallest!].filter((key) => rest.every((set) => set.has(key))));
      }
      case 'or': {
        const sets = await Promise.all(narrowing.parts.map((part) => this.#keys(store, part)));
        return new Set(sets.flatMap((set) => [...set]));
      }
    }
  }
}

function distinctEntries(batches: readonly (readonly StoredEntry[])[]): StoredEntry[] {
  const seen = new Set<string>();
  const out: StoredEntry[] = [];
  for (const batch of batches) {
    for (const entry of batch) {
      if (seen.has(entry.k.id)) continue;
      seen.add(entry.k.id);
      out.push(entry);
    }
  }
  return out;
}
