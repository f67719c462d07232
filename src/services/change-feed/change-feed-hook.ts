import { AdapterError } from '../../storage/errors.js';
import type { StoredRecord } from '../../storage/stored-record.js';
import { changedPaths } from '../history/field-changes.js';
import type { IdGenerator } from '../id-generator.js';
import type { WriteHook } from '../write-hook.js';
import { changeFeedEntryModel, type ChangeFeedEntry } from './change-feed-entry.js';
import { takeSequenceNumbers } from './feed-sequence.js';

/**
 * The write hook of the change feed (the transactional outbox): one
 * {@link ChangeFeedEntry} per change, numbered with consecutive sequence
 * numbers taken under the sequence record's lock, inserted in the write's
 * atomic block. The crm runs it after every other hook, so the lock is held
 * for as short a time as it can be.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ adapter }); // the feed is on unless createCrm({ changeFeed: false })
 * ```
 */
export function changeFeedHook(ids: IdGenerator): WriteHook {
  return async (changes, { storage, now, actor, tenant }) => {
    if (changes.length === 0) return;
    const first = await takeSequenceNumbers(storage, changes.length, now, tenant);
    const entries: ChangeFeedEntry[] = changes.map((change, index) => ({
      id: ids(),
      createdAt: now,
      updatedAt: now,
      version: 1,
      sequence: first + index,
      collection: change.collection,
      recordId: change.id,
      operation: change.operation,
      recordVersion: (change.record ?? change.previous)?.version ?? 1,
      actor,
      changedFields: changedPaths(change),
      at: now,
      custom: {},
    }));
    const outcomes = await storage.insertMany(changeFeedEntryModel.collection, entries as unknown as StoredRecord[]);
    const failed = outcomes.find((outcome) => !outcome.ok);
    if (failed !== undefined && !failed.ok) {
      throw new AdapterError(`could not append to the change feed: ${failed.code}${failed.reason === undefined ? '' : ` (${failed.reason})`}`);
    }
  };
}
