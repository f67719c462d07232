import { unwrap } from 'idb';
import type {
  StoredRecord,
  VersionedDelete,
  VersionedWrite,
  WriteOutcome,
} from '../../src/storage/index.js';
import type { EntryStore } from './collection-reader.js';
import { encodeStringKey } from './index-key.js';
import type { KeyRangeClass } from './query-plan.js';
import type { EntryMaker, StoredEntry } from './stored-entry.js';

const ok: WriteOutcome = { ok: true };
const conflict: WriteOutcome = { ok: false, code: 'conflict' };
const notFound: WriteOutcome = { ok: false, code: 'not_found' };

/**
 * Runs the bulk writes of one collection inside a read-write transaction the
 * caller opened. Every item is checked (id taken, version) against what the
 * transaction sees, in input order, and the writes are queued without waiting
 * for each one: one transaction, one round of requests.
 */
export class CollectionWriter {
  readonly #makeEntry: EntryMaker;
  readonly #keyRange: KeyRangeClass;

  constructor(makeEntry: EntryMaker, keyRange: KeyRangeClass) {
    this.#makeEntry = makeEntry;
    this.#keyRange = keyRange;
  }

  /**
   * Inserts records; an id already stored (or repeated in the batch) is a conflict.
   *
   * @example
   * ```ts
   * await writer.insertMany(tx.objectStore('customers'), records);
   * ```
   */
  async insertMany(store: EntryStore, records: readonly StoredRecord[]): Promise<WriteOutcome[]> {
    if (records.length === 0) return [];
    const keys = records.map((record) => encodeStringKey(record.id));
    const taken = await this.#existingKeys(store, keys);
    const raw = unwrap(store) as IDBObjectStore;
    const outcomes: WriteOutcome[] = [];
    let last: IDBRequest | undefined;
    for (let i = 0; i < records.length; i++) {
      const key = keys[i]!;
      if (taken.has(key)) {
        outcomes.push(conflict);
        continue;
      }
      taken.add(key);
      last = raw.put(this.#makeEntry(records[i]!));
      outcomes.push(ok);
    }
    if (last !== undefined) await settle(last);
    return outcomes;
  }

  /**
   * Replaces records whose stored version is the expected one.
   *
   * @example
   * ```ts
   * await writer.updateMany(store, [{ record: next, expectedVersion: 1 }]);
   * ```
   */
  async updateMany(store: EntryStore, writes: readonly VersionedWrite[]): Promise<WriteOutcome[]> {
    if (writes.length === 0) return [];
    const versions = await this.#versions(store, writes.map((write) => write.record.id));
    const raw = unwrap(store) as IDBObjectStore;
    let last: IDBRequest | undefined;
    const outcomes = writes.map(({ record, expectedVersion }): WriteOutcome => {
      const version = versions.get(record.id);
      if (version === undefined) return notFound;
      if (version !== expectedVersion) return conflict;
      versions.set(record.id, record.version);
      last = raw.put(this.#makeEntry(record));
      return ok;
    });
    if (last !== undefined) await settle(last);
    return outcomes;
  }

  /**
   * Deletes records, each only if its version is the expected one when given.
   *
   * @example
   * ```ts
   * await writer.deleteMany(store, [{ id, expectedVersion: 2 }]);
   * ```
   */
  async deleteMany(store: EntryStore, deletes: readonly VersionedDelete[]): Promise<WriteOutcome[]> {
    if (deletes.length === 0) return [];
    const versions = await this.#versions(store, deletes.map((item) => item.id));
    const raw = unwrap(store) as IDBObjectStore;
    let last: IDBRequest | undefined;
    const outcomes = deletes.map(({ id, expectedVersion }): WriteOutcome => {
      const version = versions.get(id);
      if (version === undefined) return notFound;
      if (expectedVersion !== undefined && version !== expectedVersion) return conflict;
      versions.delete(id);
      last = raw.delete(encodeStringKey(id));
      return ok;
    });
    if (last !== undefined) await settle(last);
    return outcomes;
  }

  /** The stored versions of these ids (absent when there is no record). */
  async #versions(store: EntryStore, ids: readonly string[]): Promise<Map<string, number>> {
    const distinct = [...new Set(ids)];
    const entries = (await Promise.all(distinct.map((id) => store.get(encodeStringKey(id))))) as (StoredEntry | undefined)[];
    const versions = new Map<string, number>();
    entries.forEach((entry, i) => {
      if (entry !== undefined) versions.set(distinct[i]!, entry.r.version);
    });
    return versions;
  }

  /**
   * Which of `keys` are stored. Time-sortable ids of a new batch usually sort
   * after everything stored, so one count over the batch's key span answers
   * most batches; a few keys in the span are listed; otherwise each is looked up.
   */
  async #existingKeys(store: EntryStore, keys: readonly string[]): Promise<Set<string>> {
    let low = keys[0]!;
    let high = low;
    for (const key of keys) {
      if (key < low) low = key;
      if (key > high) high = key;
    }
    const span = this.#keyRange.bound(low, high);
    const inSpan = await store.count(span);
    if (inSpan === 0) return new Set();
    if (inSpan <= keys.length * 4) return new Set((await store.getAllKeys(span)) as string[]);
    const found = await Promise.all(keys.map((key) => store.getKey(key)));
    return new Set(found.filter((key): key is string => key !== undefined));
  }
}

/** Resolves when the request succeeds; rejects with its error (the transaction then aborts). */
function settle(request: IDBRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    request.addEventListener('success', () => resolve(), { once: true });
    request.addEventListener('error', () => reject(request.error), { once: true });
  });
}
