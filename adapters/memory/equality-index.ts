import type { StoredRecord } from '../../src/storage/index.js';
import { readPath } from '../../src/storage/index.js';

type IndexKey = string | number | boolean;

/**
 * Ids of records by the value of one field, for equality lookups. A `string[]`
 * field is indexed by each element. Absent values are not indexed.
 */
export class EqualityIndex {
  readonly field: string;
  readonly #entries = new Map<IndexKey, Set<string>>();

  constructor(field: string) {
    this.field = field;
  }

  /** Adds a record's value(s). */
  add(record: StoredRecord): void {
    for (const key of this.#keys(record)) {
      let ids = this.#entries.get(key);
      if (ids === undefined) this.#entries.set(key, (ids = new Set()));
      ids.add(record.id);
    }
  }

  /** Removes a record's value(s). */
  remove(record: StoredRecord): void {
    for (const key of this.#keys(record)) {
      const ids = this.#entries.get(key);
      if (ids === undefined) continue;
      ids.delete(record.id);
      if (ids.size === 0) this.#entries.delete(key);
    }
  }

  /** The ids of records whose value (or one of whose elements) equals `value`. */
  lookup(value: unknown): ReadonlySet<string> {
    return this.#entries.get(toKey(value)) ?? emptySet;
  }

  #keys(record: StoredRecord): IndexKey[] {
    const value = readPath(record, this.field);
    if (value === undefined) return [];
    return Array.isArray(value) ? [...new Set(value.map(toKey))] : [toKey(value)];
  }
}

const emptySet: ReadonlySet<string> = new Set();

function toKey(value: unknown): IndexKey {
  return value instanceof Date ? value.getTime() : (value as IndexKey);
}
