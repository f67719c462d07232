import type { StoredRecord } from '../../src/storage/index.js';
import { readPath } from '../../src/storage/index.js';

type IndexKey = string | number | boolean;

/**
 * Records by the value of one field, for equality lookups. A `string[]` field
 * is indexed by each element. Absent values are not indexed. The sets hold the
 * stored (frozen) records themselves, so a lookup needs no second lookup by id.
 */
export class EqualityIndex {
  readonly field: string;
  readonly #entries = new Map<IndexKey, Set<StoredRecord>>();

  constructor(field: string) {
    this.field = field;
  }

  /** Adds a record's value(s). */
  add(record: StoredRecord): void {
    for (const key of this.#keys(record)) {
      let records = this.#entries.get(key);
      if (records === undefined) this.#entries.set(key, (records = new Set()));
      records.add(record);
    }
  }

  /** Removes a record's value(s). */
  remove(record: StoredRecord): void {
    for (const key of this.#keys(record)) {
      const records = this.#entries.get(key);
      if (records === undefined) continue;
      records.delete(record);
      if (records.size === 0) this.#entries.delete(key);
    }
  }

  /** The records whose value (or one of whose elements) equals `value`. */
  lookup(value: unknown): ReadonlySet<StoredRecord> {
    return this.#entries.get(toKey(value)) ?? emptySet;
  }

  /** The records with a string value (or element) beginning with `prefix`: a walk over the distinct keys, not the records. */
  prefixLookup(prefix: string): ReadonlySet<StoredRecord> {
    const found = new Set<StoredRecord>();
    for (const [key, records] of this.#entries) {
      if (typeof key === 'string' && key.startsWith(prefix)) for (const record of records) found.add(record);
    }
    return found;
  }

  #keys(record: StoredRecord): IndexKey[] {
    const value = readPath(record, this.field);
    if (value === undefined) return [];
    return Array.isArray(value) ? [...new Set(value.map(toKey))] : [toKey(value)];
  }
}

const emptySet: ReadonlySet<StoredRecord> = new Set();

function toKey(value: unknown): IndexKey {
  return value instanceof Date ? value.getTime() : (value as IndexKey);
}
