import type { Crm } from '../crm.js';
import { collectionNames, type CollectionName } from '../schema/models.js';
import type { StoredRecord } from '../storage/stored-record.js';

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
export async function snapshotCollections(crm: Pick<Crm, CollectionName>): Promise<CollectionsSnapshot> {
  const snapshot = {} as CollectionsSnapshot;
  for (const name of collectionNames) {
    const records: StoredRecord[] = [];
    const service = crm[name] as unknown as { scan(options: object): AsyncIterable<readonly StoredRecord[]> };
    for await (const batch of service.scan({ batchSize: 10_000 })) records.push(...batch);
    snapshot[name] = records;
  }
  return snapshot;
}
