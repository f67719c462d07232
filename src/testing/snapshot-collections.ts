import { collectionNames, type CollectionName } from '../services/builtin-modules.js';
import type { StoredRecord } from '../storage/stored-record.js';

/** Anything holding every collection's service, with its `scan`: a crm, or a transaction's services. */
export type ScannableCollections = {
  readonly [K in CollectionName]: { scan(options: { batchSize: number }): AsyncIterable<readonly object[]> };
};

/** Every record of every collection, in id order. */
export type CollectionsSnapshot = Record<CollectionName, StoredRecord[]>;

/**
 * Reads every record of every collection through the crm, in id order, so a
 * test can compare the whole store before and after a call.
 *
 * @example
 * ```ts
 * const before = await snapshotCollections(crm);
 * await expect(crm.customers.create({ name: '' })).rejects.toThrow();
 * expect(await snapshotCollections(crm)).toEqual(before);
 * ```
 */
export async function snapshotCollections(crm: ScannableCollections): Promise<CollectionsSnapshot> {
  const snapshot = {} as CollectionsSnapshot;
  for (const name of collectionNames) {
    const records: StoredRecord[] = [];
    for await (const batch of crm[name].scan({ batchSize: 10_000 })) records.push(...(batch as readonly StoredRecord[]));
    snapshot[name] = records;
  }
  return snapshot;
}
