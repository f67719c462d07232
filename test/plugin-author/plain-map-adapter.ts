/**
 * A minimal third-party adapter, written the way a plugin author would: only
 * against the public contract exported by `crmkit`. It keeps records in Maps,
 * declares no optional capability (no transactions, no native scan, no
 * aggregate pushdown), so the conformance suite exercises the core's fallbacks.
 */
import {
  AdapterError,
  UnsupportedError,
  type CrmAdapter,
  type IndexDefinition,
  type StorageOperations,
  type StoredRecord,
} from 'crmkit';
import { compareRecords, compileFilter, readPath } from 'crmkit/adapter-kit';

export function plainMapAdapter(): CrmAdapter {
  const collections = new Map<string, Map<string, StoredRecord>>();
  const target = (name: string) => {
    const found = collections.get(name);
    if (found === undefined) throw new AdapterError(`unknown collection ${name}`);
    return found;
  };
  const copy = (record: StoredRecord): StoredRecord => structuredClone(record);
  const unique = new Map<string, IndexDefinition[]>();
  /** The unique index in which another record holds `record`'s values (all present), if any: a plain scan. */
  const uniqueClash = (name: string, record: StoredRecord): string | undefined => {
    const key = (r: StoredRecord, fields: readonly string[]) => {
      const values = fields.map((field) => readPath(r, field));
      return values.some((v) => v === undefined) ? undefined : JSON.stringify(values.map((v) => (v instanceof Date ? { d: v.getTime() } : v)));
    };
    for (const index of unique.get(name) ?? []) {
      const mine = key(record, index.fields);
      if (mine === undefined) continue;
      for (const other of target(name).values()) if (other.id !== record.id && key(other, index.fields) === mine) return index.name;
    }
    return undefined;
  };
  const operations: StorageOperations = {
    async insertMany(name, records) {
      const store = target(name);
      return records.map((record) => {
        if (store.has(record.id)) return { ok: false, code: 'conflict', reason: 'id_taken' } as const;
        const index = uniqueClash(name, record);
        if (index !== undefined) return { ok: false, code: 'conflict', reason: 'unique', index } as const;
        store.set(record.id, copy(record));
        return { ok: true } as const;
      });
    },
    async getMany(name, ids) {
      const store = target(name);
      return ids.map((id) => {
        const record = store.get(id);
        return record === undefined ? undefined : copy(record);
      });
    },
    async updateMany(name, writes) {
      const store = target(name);
      return writes.map(({ record, expectedVersion }) => {
        const stored = store.get(record.id);
        if (stored === undefined) return { ok: false, code: 'not_found' } as const;
        if (stored.version !== expectedVersion) return { ok: false, code: 'conflict', reason: 'stale_version' } as const;
        const index = uniqueClash(name, record);
        if (index !== undefined) return { ok: false, code: 'conflict', reason: 'unique', index } as const;
        store.set(record.id, copy(record));
        return { ok: true } as const;
      });
    },
    async deleteMany(name, deletes) {
      const store = target(name);
      return deletes.map(({ id, expectedVersion }) => {
        const stored = store.get(id);
        if (stored === undefined) return { ok: false, code: 'not_found' } as const;
        if (expectedVersion !== undefined && stored.version !== expectedVersion) return { ok: false, code: 'conflict', reason: 'stale_version' } as const;
        store.delete(id);
        return { ok: true } as const;
      });
    },
    async find(name, query) {
      const matches = [...target(name).values()].filter(compileFilter(query.filter)).sort(compareRecords(query.sort));
      return (query.limit === undefined ? matches : matches.slice(0, query.limit)).map(copy);
    },
    async count(name, filter) {
      return [...target(name).values()].filter(compileFilter(filter)).length;
    },
  };
  return {
    ...operations,
    name: 'plain-map',
    capabilities: { transactions: false, aggregate: false, scan: false, persistent: false },
    async open(schema) {
      for (const [name, collection] of Object.entries(schema.collections)) {
        if (!collections.has(name)) collections.set(name, new Map());
        unique.set(name, collection.indexes.filter((index) => index.unique === true));
      }
    },
    async close() {},
    async transaction() {
      throw new UnsupportedError('plain-map has no transactions');
    },
  };
}
