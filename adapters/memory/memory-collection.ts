import {
  compareRecords,
  compileFilter,
  type RelatedLookup,
  isCondition,
  keysetAfterPredicate,
  type CollectionSchema,
  type StorageFilter,
  type StorageQuery,
  type StoredRecord,
} from '../../src/storage/index.js';
import { EqualityIndex } from './equality-index.js';
import { selectFirst } from './select-first.js';
import { UniqueIndex } from './unique-index.js';

/**
 * One collection held in memory: records by id, equality indexes on the
 * fields the core asked to index, and a planner that uses them to narrow a
 * filter's candidates before the predicate runs.
 */
export class MemoryCollection {
  readonly schema: CollectionSchema;
  readonly records = new Map<string, StoredRecord>();
  readonly #indexes = new Map<string, EqualityIndex>();
  readonly #unique: UniqueIndex[] = [];

  /** Measures a related filter's records (in the adapter's other collections). */
  readonly #related: RelatedLookup | undefined;

  constructor(schema: CollectionSchema, related?: RelatedLookup) {
    this.schema = schema;
    this.#related = related;
    for (const index of schema.indexes) {
      if (index.unique === true) this.#unique.push(new UniqueIndex(index));
      const field = index.fields[0];
      if (field !== undefined && !this.#indexes.has(field)) this.#indexes.set(field, new EqualityIndex(field));
    }
  }

  /** Stores a record (already frozen) under its id and indexes it. */
  put(record: StoredRecord): void {
    const previous = this.records.get(record.id);
    if (previous !== undefined) {
      for (const index of this.#indexes.values()) index.remove(previous);
      for (const unique of this.#unique) unique.remove(previous);
    }
    this.records.set(record.id, record);
    for (const index of this.#indexes.values()) index.add(record);
    for (const unique of this.#unique) unique.add(record);
  }

  /** The name of the first unique index whose values `record` would share with another record, if any. */
  uniqueConflict(record: StoredRecord): string | undefined {
    return this.#unique.find((unique) => unique.conflicts(record))?.name;
  }

  /** Removes a record and its index entries. */
  remove(id: string): void {
    const previous = this.records.get(id);
    if (previous === undefined) return;
    for (const index of this.#indexes.values()) index.remove(previous);
    for (const unique of this.#unique) unique.remove(previous);
    this.records.delete(id);
  }

  /** The records matching `query` (after `query.after`, when given), sorted and limited. */
  find(query: StorageQuery): StoredRecord[] {
    const matches = this.#matching(query.filter, query.after === undefined ? undefined : keysetAfterPredicate(query.sort, query.after));
    const compare = compareRecords(query.sort);
    if (query.limit !== undefined && matches.length > query.limit * 4) return selectFirst(matches, query.limit, compare);
    matches.sort(compare);
    return query.limit === undefined || matches.length <= query.limit ? matches : matches.slice(0, query.limit);
  }

  /** How many records match `filter`. */
  count(filter: StorageFilter | undefined): number {
    if (filter === undefined) return this.records.size;
    return this.#matching(filter).length;
  }

  #matching(filter: StorageFilter | undefined, isAfter?: (record: StoredRecord) => boolean): StoredRecord[] {
    const matchesFilter = compileFilter(filter, this.#related);
    const predicate = isAfter === undefined ? matchesFilter : (record: StoredRecord) => isAfter(record) && matchesFilter(record);
    const candidates = filter === undefined ? undefined : this.#candidates(filter);
    const matches: StoredRecord[] = [];
    if (candidates === undefined) {
      for (const record of this.records.values()) if (predicate(record)) matches.push(record);
    } else {
      for (const record of candidates) if (predicate(record)) matches.push(record);
    }
    return matches;
  }

  /**
   * The records that can match `filter` according to the indexes, or `undefined`
   * when the indexes cannot narrow it (then every record is a candidate).
   * Candidates are a superset of the matches; the predicate still runs on each.
   */
  #candidates(filter: StorageFilter): ReadonlySet<StoredRecord> | undefined {
    if (isCondition(filter)) {
      const { field, op, value } = filter;
      if (field === 'id') {
        const ids = op === 'eq' ? [value as string] : op === 'in' ? (value as string[]) : undefined;
        if (ids === undefined) return undefined;
        const found = new Set<StoredRecord>();
        for (const id of ids) {
          const record = this.records.get(id);
          if (record !== undefined) found.add(record);
        }
        return found;
      }
      const index = this.#indexes.get(field);
      if (index === undefined) return undefined;
      if (op === 'eq') return index.lookup(value);
      if (op === 'contains' && this.schema.fields[field]?.type === 'string[]') return index.lookup(value);
      if (op === 'startsWith' && this.schema.fields[field]?.type === 'string[]') return index.prefixLookup(value as string);
      if (op === 'in') {
        const union = new Set<StoredRecord>();
        for (const item of value as unknown[]) for (const record of index.lookup(item)) union.add(record);
        return union;
      }
      return undefined;
    }
    if ('and' in filter) {
      let best: ReadonlySet<StoredRecord> | undefined;
      for (const part of filter.and) {
        const candidates = this.#candidates(part);
        if (candidates !== undefined && (best === undefined || candidates.size < best.size)) best = candidates;
      }
      return best;
    }
    if ('or' in filter) {
      const union = new Set<StoredRecord>();
      for (const part of filter.or) {
        const candidates = this.#candidates(part);
        if (candidates === undefined) return undefined;
        for (const record of candidates) union.add(record);
      }
      return union;
    }
    return undefined;
  }
}
