import {
  AdapterError,
  UnsupportedError,
  compileFilter,
  deepFreeze,
  measureRelated,
  type RelatedLookup,
  type AdapterCapabilities,
  type CrmAdapter,
  type StorageFilter,
  type StorageOperations,
  type StorageQuery,
  type StorageSchema,
  type StoredRecord,
  type VersionedDelete,
  type VersionedWrite,
  type WriteOutcome,
} from '../../src/storage/index.js';
import { MemoryCollection } from './memory-collection.js';
import { decodeSnapshot, encodeSnapshot, type MemorySnapshot } from './memory-snapshot.js';
import { WriteLock } from './write-lock.js';

/** Options of {@link memoryAdapter}. */
export interface MemoryAdapterOptions {
  /** Contents to start with, as made by {@link MemoryAdapter.exportJson}. */
  readonly initialJson?: string;
}

/** The in-memory adapter: {@link CrmAdapter} plus export and import of its contents. */
export interface MemoryAdapter extends CrmAdapter {
  /**
   * Every collection's records as JSON (dates kept as dates on import).
   *
   * @example
   * ```ts
   * const json = adapter.exportJson();
   * const copy = memoryAdapter({ initialJson: json });
   * ```
   */
  exportJson(): Promise<string>;
  /**
   * Replaces the contents with those of `json`. The whole document is checked
   * first; if any part is malformed, throws `ValidationError` and changes nothing.
   */
  importJson(json: string): Promise<void>;
}

type UndoStep = () => void;

const capabilities: AdapterCapabilities = { transactions: true, aggregate: false, scan: true, persistent: false, keysetAfter: true, relatedFilters: true };

/**
 * Keeps crmkit's data in memory: for tests, prototypes and small tools. Equality
 * lookups and a customer's interactions go through indexes; transactions are all
 * or nothing (other operations wait while one runs); records are stored frozen.
 *
 * @example
 * ```ts
 * import { createCrm } from 'crmkit';
 * import { memoryAdapter } from 'crmkit/memory';
 *
 * const crm = await createCrm({ adapter: memoryAdapter() });
 * ```
 */
export function memoryAdapter(options: MemoryAdapterOptions = {}): MemoryAdapter {
  const collections = new Map<string, MemoryCollection>();
  const lock = new WriteLock();
  let schema: StorageSchema | undefined;
  let closed = false;

  const collection = (name: string): MemoryCollection => {
    if (closed) throw new AdapterError('the memory adapter is closed');
    const found = collections.get(name);
    if (found === undefined) throw new AdapterError(`unknown collection ${JSON.stringify(name)}`);
    return found;
  };
  /** A related filter's aggregate per id, measured over the related collection's records. */
  const related: RelatedLookup = (spec) => {
    const values = measureRelated(collection(spec.collection).records.values(), spec, compileFilter(spec.where, related));
    return (id) => values.get(id);
  };

  /** The operations, recording how to undo each write when `undo` is given. */
  const operations = (undo?: UndoStep[], isOpen: () => boolean = () => true): StorageOperations => {
    const guard = () => {
      if (!isOpen()) throw new AdapterError('this transaction has ended');
    };
    const remember = (target: MemoryCollection, id: string) => {
      if (undo === undefined) return;
      const before = target.records.get(id);
      undo.push(before === undefined ? () => target.remove(id) : () => target.put(before));
    };
    return {
      async insertMany(name, records) {
        guard();
        const target = collection(name);
        return records.map((record): WriteOutcome => {
          if (target.records.has(record.id)) return { ok: false, code: 'conflict', reason: 'id_taken' };
          const index = target.uniqueConflict(record);
          if (index !== undefined) return { ok: false, code: 'conflict', reason: 'unique', index };
          remember(target, record.id);
          target.put(deepFreeze(record));
          return { ok: true };
        });
      },
      async getMany(name, ids) {
        guard();
        const target = collection(name);
        return ids.map((id) => target.records.get(id));
      },
      async updateMany(name, writes: readonly VersionedWrite[]) {
        guard();
        const target = collection(name);
        return writes.map(({ record, expectedVersion }): WriteOutcome => {
          const stored = target.records.get(record.id);
          if (stored === undefined) return { ok: false, code: 'not_found' };
          if (stored.version !== expectedVersion) return { ok: false, code: 'conflict', reason: 'stale_version' };
          const index = target.uniqueConflict(record);
          if (index !== undefined) return { ok: false, code: 'conflict', reason: 'unique', index };
          remember(target, record.id);
          target.put(deepFreeze(record));
          return { ok: true };
        });
      },
      async deleteMany(name, deletes: readonly VersionedDelete[]) {
        guard();
        const target = collection(name);
        return deletes.map(({ id, expectedVersion }): WriteOutcome => {
          const stored = target.records.get(id);
          if (stored === undefined) return { ok: false, code: 'not_found' };
          if (expectedVersion !== undefined && stored.version !== expectedVersion) return { ok: false, code: 'conflict', reason: 'stale_version' };
          remember(target, id);
          target.remove(id);
          return { ok: true };
        });
      },
      async find(name, query: StorageQuery) {
        guard();
        return collection(name).find(query);
      },
      async count(name, filter?: StorageFilter) {
        guard();
        return collection(name).count(filter);
      },
      async *scan(name, query: StorageQuery, batchSize: number) {
        guard();
        const all = collection(name).find(query);
        for (let start = 0; start < all.length; start += batchSize) yield all.slice(start, start + batchSize);
      },
    };
  };

  const direct = operations();
  const locked = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A) => lock.run(() => fn(...args));

  const adapter: MemoryAdapter = {
    name: 'memory',
    capabilities,
    async open(storageSchema) {
      schema = storageSchema;
      for (const definition of Object.values(storageSchema.collections)) {
        if (!collections.has(definition.name)) collections.set(definition.name, new MemoryCollection(definition, related));
      }
      if (options.initialJson !== undefined && [...collections.values()].every((c) => c.records.size === 0)) {
        await adapter.importJson(options.initialJson);
      }
    },
    async close() {
      closed = true;
    },
    insertMany: locked(direct.insertMany),
    getMany: locked(direct.getMany),
    updateMany: locked(direct.updateMany),
    deleteMany: locked(direct.deleteMany),
    find: locked(direct.find),
    count: locked(direct.count),
    async *scan(name, query, batchSize) {
      // Take the snapshot under the lock, then stream it without holding the lock.
      const all = await lock.run(async () => collection(name).find(query));
      for (let start = 0; start < all.length; start += batchSize) yield all.slice(start, start + batchSize);
    },
    transaction<T>(fn: (tx: StorageOperations) => Promise<T>): Promise<T> {
      return lock.run(async () => {
        const undo: UndoStep[] = [];
        let open = true;
        try {
          const result = await fn(operations(undo, () => open));
          open = false;
          return result;
        } catch (error) {
          open = false;
          for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
          throw error;
        }
      });
    },
    exportJson: () =>
      lock.run(async () => {
        const snapshot: MemorySnapshot = { format: 'crmkit-memory', version: 1, collections: {} };
        for (const [name, target] of collections) (snapshot.collections as Record<string, unknown>)[name] = [...target.records.values()];
        return encodeSnapshot(snapshot);
      }),
    importJson: (json) =>
      lock.run(async () => {
        if (schema === undefined) throw new UnsupportedError('open the adapter (createCrm does) before importing');
        const snapshot = decodeSnapshot(json, Object.keys(schema.collections));
        for (const target of collections.values()) for (const id of [...target.records.keys()]) target.remove(id);
        for (const [name, records] of Object.entries(snapshot.collections)) {
          const target = collection(name);
          for (const record of records) target.put(deepFreeze(record));
        }
      }),
  };
  return adapter;
}

