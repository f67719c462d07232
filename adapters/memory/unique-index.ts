import { readPath, type IndexDefinition, type StoredRecord } from '../../src/storage/index.js';

/**
 * One unique index of a memory collection: the ids holding each combination of
 * values (all present) of its fields. Records where a field is absent hold no
 * entry, so they never conflict.
 */
export class UniqueIndex {
  readonly name: string;
  readonly #fields: readonly string[];
  readonly #holders = new Map<string, string>();

  constructor(definition: IndexDefinition) {
    this.name = definition.name;
    this.#fields = definition.fields;
  }

  /** The key of `record` in this index, or `undefined` when a field is absent. */
  keyOf(record: StoredRecord): string | undefined {
    const parts: unknown[] = [];
    for (const field of this.#fields) {
      const value = readPath(record, field);
      if (value === undefined) return undefined;
      parts.push(value instanceof Date ? { d: value.getTime() } : value);
    }
    return JSON.stringify(parts);
  }

  /** True when another record than `record` holds its values. */
  conflicts(record: StoredRecord): boolean {
    const key = this.keyOf(record);
    if (key === undefined) return false;
    const holder = this.#holders.get(key);
    return holder !== undefined && holder !== record.id;
  }

  /** Records `record` as the holder of its values. */
  add(record: StoredRecord): void {
    const key = this.keyOf(record);
    if (key !== undefined) this.#holders.set(key, record.id);
  }

  /** Forgets `record`'s values. */
  remove(record: StoredRecord): void {
    const key = this.keyOf(record);
    if (key !== undefined && this.#holders.get(key) === record.id) this.#holders.delete(key);
  }
}
