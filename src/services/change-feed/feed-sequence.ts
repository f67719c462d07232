import type { StorageOperations } from '../../storage/adapter.js';
import { AdapterError } from '../../storage/errors.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import { tenantKeyedId } from '../access/tenant-id.js';
import { changeFeedSequenceModel, feedSequenceId, type ChangeFeedSequence } from './change-feed-entry.js';

/** How long taking sequence numbers retries a lost compare-and-set (only on adapters without transactions). */
const retryWindowMs = 10_000;

/**
 * Makes sure the feed's sequence record exists (outside any write, when the
 * crm is made), so no write has to create it concurrently with another.
 *
 * @example
 * ```ts
 * await ensureFeedSequence(adapter, clock.now());
 * ```
 */
export async function ensureFeedSequence(storage: StorageOperations, now: Date, tenant?: string): Promise<void> {
  const id = tenantKeyedId(feedSequenceId, tenant);
  const [stored] = await storage.getMany(changeFeedSequenceModel.collection, [id]);
  if (stored !== undefined) return;
  const record: ChangeFeedSequence = { id, createdAt: now, updatedAt: now, version: 1, last: 0, custom: {} };
  // Another process may create it at the same moment: its id_taken conflict is as good as success.
  await storage.insertMany(changeFeedSequenceModel.collection, [record as unknown as StoredRecord]);
}

/**
 * Takes `count` consecutive sequence numbers and returns the first. The
 * sequence record is read with a lock (`forUpdate`) and written back in the
 * caller's atomic block, so on an adapter with transactions a second writer
 * waits until the first commits (or rolls back): numbers commit in order and
 * no reader can see a later number before an earlier one. On an adapter
 * without transactions the compare-and-set is retried. Under tenancy each
 * tenant has its own sequence (its own record, made on its first write).
 *
 * @example
 * ```ts
 * const first = await takeSequenceNumbers(storage, changes.length, now); // entries get first, first + 1, …
 * ```
 */
export async function takeSequenceNumbers(storage: StorageOperations, count: number, now: Date, tenant?: string): Promise<number> {
  const id = tenantKeyedId(feedSequenceId, tenant);
  const deadline = performance.now() + retryWindowMs;
  for (let attempt = 1; ; attempt++) {
    const [stored] = await storage.getMany(changeFeedSequenceModel.collection, [id], { forUpdate: true });
    if (stored === undefined) {
      const record: ChangeFeedSequence = { id, createdAt: now, updatedAt: now, version: 1, last: count, custom: {} };
      const [outcome] = await storage.insertMany(changeFeedSequenceModel.collection, [record as unknown as StoredRecord]);
      if (outcome!.ok) return 1;
    } else {
      const current = stored as unknown as ChangeFeedSequence;
      const next: ChangeFeedSequence = { ...current, last: current.last + count, version: current.version + 1, updatedAt: now };
      const [outcome] = await storage.updateMany(changeFeedSequenceModel.collection, [
        { record: next as unknown as StoredRecord, expectedVersion: current.version },
      ]);
      if (outcome!.ok) return current.last + 1;
    }
    if (performance.now() >= deadline) throw new AdapterError('could not take change-feed sequence numbers: the sequence record kept changing');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
  }
}
