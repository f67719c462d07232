import { AdapterError } from '../../storage/errors.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import type { IdGenerator } from '../id-generator.js';
import type { WriteHook } from '../write-hook.js';
import { fieldChanges } from './field-changes.js';
import { historyEntryModel, type HistoryEntry } from './history-entry.js';
import type { ResolvedHistory } from './history-options.js';

/**
 * The write hook that keeps record history: for every change of a collection
 * that keeps history, one {@link HistoryEntry} (actor, time, version, the field
 * changes) inserted in the write's atomic block, so it commits and rolls back
 * with the change.
 *
 * @example
 * ```ts
 * const hook = historyHook(resolveHistoryOptions({ interactions: false }, collectionNames), uuidV7Ids);
 * ```
 */
export function historyHook(settings: ResolvedHistory, ids: IdGenerator): WriteHook {
  return async (changes, { storage, now, actor }) => {
    const entries: HistoryEntry[] = [];
    for (const change of changes) {
      if (!settings.keeps(change.collection)) continue;
      const recordVersion = (change.record ?? change.previous)?.version ?? 1;
      entries.push({
        id: ids(),
        createdAt: now,
        updatedAt: now,
        version: 1,
        collection: change.collection,
        recordId: change.id,
        operation: change.operation,
        recordVersion,
        actor,
        at: now,
        fields: fieldChanges(change, settings.excluded(change.collection)) as HistoryEntry['fields'],
        custom: {},
      });
    }
    if (entries.length === 0) return;
    const outcomes = await storage.insertMany(historyEntryModel.collection, entries as unknown as StoredRecord[]);
    const failed = outcomes.find((outcome) => !outcome.ok);
    if (failed !== undefined && !failed.ok) {
      throw new AdapterError(`could not write the history of ${entries[0]!.collection}: ${failed.code}${failed.reason === undefined ? '' : ` (${failed.reason})`}`);
    }
  };
}
