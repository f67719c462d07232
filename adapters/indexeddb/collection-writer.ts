import { unwrap } from 'idb';
import type {
  StoredRecord,
  VersionedDelete,
  VersionedWrite,
  WriteOutcome,
} from '../../src/storage/index.js';
import type { EntryStore } from './collection-reader.js';
import { absentKey, encodeStringKey } from './index-key.js';
import type { KeyRangeClass } from './query-plan.js';
import type { EntryMaker, StoredEntry } from './stored-entry.js';

const ok: WriteOutcome = { ok: true };
const idTaken: WriteOutcome = { ok: false, code: 'conflict', reason: 'id_taken' };
const staleVersion: WriteOutcome = { ok: false, code: 'conflict', reason: 'stale_version' };
const notFound: WriteOutcome = { ok: false, code: 'not_found' };

/** A unique index the writer enforces: the IndexedDB index of that name, over these slots (then the id). */
export interface UniqueSlots {
  /** The index's name (the core's). */
  readonly name: string;
  /** Its slots, in order. */
  readonly slots: readonly string[];
}

/**
 * Runs the bulk writes of one collection inside a read-write transaction the
 * caller opened. Every item is checked (id taken, version) against what the
 * transaction sees, in input order, and the writes are queued without waiting
 * for each one: one transaction, one round of requests.
 */
export class CollectionWriter {
  readonly #makeEntry: EntryMaker;
  readonly #keyRange: KeyRangeClass;
  readonly #unique: readonly UniqueSlots[];

  constructor(makeEntry: EntryMaker, keyRange: KeyRangeClass, unique: readonly UniqueSlots[] = []) {
    this.#makeEntry = makeEntry;
    this.#keyRange = keyRange;
    this.#unique = unique;
  }

  /**
   * The first unique index in which another record holds `entry`'s values, read
   * after the requests already queued in the transaction (so earlier items of
   * the batch count). Absent values (no slot, or the absent key) never conflict.
   */
  async #uniqueConflict(store: EntryStore, entry: StoredEntry): Promise<string | undefined> {
    for (const { name, slots } of this.#unique) {
      const key = slots.map((slot) => entry.k[slot]);
      if (key.some((part) => part === undefined || part === absentKey)) continue;
      const range = this.#keyRange.bound(key, [...key, []]);
      const holders = (await store.index(name).getAllKeys(range, 2)) as string[];
      if (holders.some((holder) => holder !== entry.k.id)) return name;
    }
    return undefined;
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
    let last: Promise<void> | undefined;
    for (let i = 0; i < records.length; i++) {
      const key = keys[i]!;
      if (taken.has(key)) {
        outcomes.push(idTaken);
        continue;
      }
      const entry = this.#makeEntry(records[i]!);
      const index = this.#unique.length === 0 ? undefined : await this.#uniqueConflict(store, entry);
      if (index !== undefined) {
        outcomes.push({ ok: false, code: 'conflict', reason: 'unique', index });
        continue;
      }
      taken.add(key);
      last = settle(raw.put(entry));
      outcomes.push(ok);
    }
    if (last !== undefined) await last;
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
    let last: Promise<void> | undefined;
    const outcomes: WriteOutcome[] = [];
    for (const { record, expectedVersion } of writes) {
      const version = versions.get(record.id);
      if (version === undefined) {
        outcomes.push(notFound);
        continue;
      }
      if (version !== expectedVersion) {
        outcomes.push(staleVersion);
        continue;
      }
      const entry = this.#makeEntry(record);
      const index = this.#unique.length === 0 ? undefined : await this.#uniqueConflict(store, entry);
      if (index !== undefined) {
        outcomes.push({ ok: false, code: 'conflict', reason: 'unique', index });
        continue;
      }
      versions.set(record.id, record.version);
      last = settle(raw.put(entry));
      outcomes.push(ok);
    }
    if (last !== undefined) await last;
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
      if (expectedVersion !== undefined && version !== expectedVersion) return staleVersion;
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

/**
 * Resolves when the request succeeds; rejects with its error (the transaction
 * then aborts). Listens from the moment the request is made, so awaiting it
 * after other requests cannot miss its event; a rejection nobody awaits (an
 * earlier request of a batch) is not reported as unhandled, the batch's last one is.
 */
function settle(request: IDBRequest): Promise<void> {
  const settled = new Promise<void>((resolve, reject) => {
    request.addEventListener('success', () => resolve(), { once: true });
    request.addEventListener('error', () => reject(request.error), { once: true });
  });
  settled.catch(() => undefined);
  return settled;
}
