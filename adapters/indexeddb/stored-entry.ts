import { readPath, type StoredRecord } from '../../src/storage/index.js';
import { encodeMultiKey, encodeScalarKey, encodeStringKey } from './index-key.js';
import type { StoreLayout } from './store-layout.js';

/**
 * What crmkit puts in an object store: the record as given (`r`), and the
 * encoded keys its indexes read (`k`): `k.id` is the primary key, the other
 * properties are the store's slots. A sparse slot has no property when the
 * record has no value there, so the record is in none of its indexes.
 */
export interface StoredEntry {
  /** The record, exactly as the core handed it over. */
  readonly r: StoredRecord;
  /** The encoded keys. */
  readonly k: { readonly id: string; readonly [slot: string]: unknown };
}

/** Makes the entries of one store's records. */
export type EntryMaker = (record: StoredRecord) => StoredEntry;

/**
 * An entry maker for a store layout: it fills every slot of the layout, so
 * every index of the database (even one added by another tab's newer schema)
 * sees every record, except that absent values of sparse slots stay out.
 *
 * @example
 * ```ts
 * const entry = entryMaker(layout.stores.customers)(record);
 * store.put(entry);
 * ```
 */
export function entryMaker(layout: StoreLayout): EntryMaker {
  const slots = Object.entries(layout.slots).map(([name, { path, multi, sparse }]) => ({
    name,
    path,
    multi,
    sparse: sparse === true,
    nested: path.includes('.'),
  }));
  return (record) => {
    const k: Record<string, unknown> = { id: encodeStringKey(record.id) };
    for (const { name, path, multi, sparse, nested } of slots) {
      const value = nested ? readPath(record, path) : Object.hasOwn(record, path) ? record[path] : undefined;
      if (sparse && (value === undefined || value === null)) continue;
      if (multi) k[name] = encodeMultiKey(value);
      else {
        const key = encodeScalarKey(value);
        if (key !== undefined) k[name] = key;
      }
    }
    return { r: record, k: k as StoredEntry['k'] };
  };
}
