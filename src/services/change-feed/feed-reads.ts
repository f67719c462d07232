import type { StorageOperations } from '../../storage/adapter.js';
import type { StorageFilter } from '../../storage/filter.js';
import { changeFeedEntryModel, type ChangeFeedEntry } from './change-feed-entry.js';

const bySequence = [
  { field: 'sequence', direction: 'asc' },
  { field: 'id', direction: 'asc' },
] as const;

/**
 * The feed's entries after sequence `after`, in commit order, at most `limit`,
 * and no later than `upTo` when given.
 *
 * @example
 * ```ts
 * const entries = await readFeed(storage, 100, 50); // sequences 101 … 150 (those that are kept)
 * ```
 */
export async function readFeed(storage: StorageOperations, after: number, limit: number, upTo?: number): Promise<ChangeFeedEntry[]> {
  const range: StorageFilter[] = [{ field: 'sequence', op: 'gt', value: after }];
  if (upTo !== undefined) range.push({ field: 'sequence', op: 'lte', value: upTo });
  const filter: StorageFilter = range.length === 1 ? range[0]! : { and: range };
  const records = await storage.find(changeFeedEntryModel.collection, { filter, sort: bySequence, limit });
  return records as unknown as ChangeFeedEntry[];
}
