import type { RecordNote, RecordNoteInput } from '../../schema/record-note.js';
import type { StorageOperations } from '../../storage/adapter.js';
import type { ItemIssues } from '../item-issues.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';
import { isNotableCollection } from './handoff-collections.js';

/**
 * `crm.recordNotes`: the shared notes. The author is the crm's actor (managed); a note's record
 * must be of a collection with a service and exist where the note is written (so under `crm.as`,
 * be visible to the subject): else a `ValidationError` (`invalid_value` on `collection`,
 * `unknown_reference` on `recordId`). `crm.handoffs.note` is the usual way in.
 *
 * @example
 * ```ts
 * const { items } = await crm.recordNotes.find({ where: where('mentions', 'contains', 'u_alan') });
 * ```
 */
export class RecordNoteService extends ModelService<ReadonlyRecord<RecordNote>, RecordNoteInput> {
  /** @internal */
  protected override managedDefaults(): Record<string, unknown> {
    return { author: this.context.actor };
  }

  /** @internal */
  protected override async prepareWrites(
    storage: StorageOperations,
    writes: readonly { record: ReadonlyRecord<RecordNote>; previous: ReadonlyRecord<RecordNote> | undefined }[],
    _now: Date,
    issues: ItemIssues,
  ): Promise<ReadonlyRecord<RecordNote>[]> {
    for (const [index, { record, previous }] of writes.entries()) {
      if (previous !== undefined && previous.collection === record.collection && previous.recordId === record.recordId) continue;
      if (!isNotableCollection(this.context, record.collection)) {
        issues.add(index, { code: 'invalid_value', path: ['collection'], message: `notes are not taken on ${JSON.stringify(record.collection)}: not a collection of this crm` });
        continue;
      }
      const [target] = await storage.getMany(record.collection, [record.recordId]);
      if (target === undefined) {
        issues.add(index, { code: 'unknown_reference', path: ['recordId'], message: `no ${record.collection} record ${JSON.stringify(record.recordId)}` });
      }
    }
    return writes.map(({ record }) => record);
  }
}
